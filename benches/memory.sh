#!/usr/bin/env bash
# Wall time and peak memory (max RSS) of `kanon analyse` next to polars'
# plain read of the same columns, one process each, on synthetic data.
# Usage: benches/memory.sh [ROWS...]   (default: 1000000 10000000)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin kanon --example polars_read
mkdir -p bench-data
qis=age,sex,race,marital_status,education,workclass,country,postcode
rows=("${@:-1000000 10000000}")
for n in ${rows[@]}; do
  for ext in csv parquet; do
    f=bench-data/census_${n}.${ext}
    [ -f "$f" ] || ./target/release/kanon synth --rows "$n" --seed 42 --out "$f"
    for run in kanon polars; do
      if [ $run = kanon ]; then
        cmd=(./target/release/kanon analyse "$f" --qi "$qis" --json --quiet)
      else
        cmd=(./target/release/examples/polars_read "$f" "$qis")
      fi
      /usr/bin/time -f "%e %M" -o /tmp/kanon-time.txt "${cmd[@]}" >/dev/null
      read -r wall kb </tmp/kanon-time.txt
      printf '%-9s %-8s %-7s wall %6.2f s   peak RSS %7.0f MB\n' "$n" "$ext" "$run" "$wall" "$((kb / 1024))"
    done
  done
done
