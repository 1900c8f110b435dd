#!/usr/bin/env bash
# kanon beside its peers on the same synthetic file, one process per run:
# polars' bare read of the QI columns, polars' group_by of them, DuckDB's
# GROUP BY (when Python's duckdb is installed), and kanon analyse in its
# modes. Prints a Markdown table of wall time, peak RSS and the ratios to
# polars' bare read (docs/performance.md).
# Usage: benches/compare.sh [ROWS] [RUNS]   (default 10000000 rows, best of 2)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000000}
runs=${2:-2}
cargo build --release --quiet --bin kanon --example polars_read
mkdir -p bench-data
f=bench-data/census_${rows}.csv
[ -f "$f" ] || ./target/release/kanon synth --rows "$rows" --seed 42 --out "$f"
qis=age,sex,race,marital_status,education,workclass,country,postcode
kanon=./target/release/kanon
polars=./target/release/examples/polars_read
duck="import duckdb; duckdb.sql(\"SELECT count(*) AS classes, sum((n = 1)::INT) AS uniques FROM (SELECT count(*) AS n FROM read_csv('$f', header = true, all_varchar = true) GROUP BY $qis)\").show()"

# Best wall time and its peak RSS over $runs runs.
measure() {
  local best="" mem=""
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o /tmp/kanon-compare.txt "$@" >/dev/null 2>&1
    read -r wall kb </tmp/kanon-compare.txt
    if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then best=$wall; mem=$kb; fi
  done
  echo "$best $mem"
}

declare -a names walls mems
row() {
  local name=$1; shift
  read -r wall kb < <(measure "$@")
  names+=("$name"); walls+=("$wall"); mems+=("$kb")
}
row "polars read_csv (8 QI columns)" "$polars" "$f" "$qis"
row "polars read_csv + group_by" "$polars" "$f" "$qis" --group-by
if python3 -c 'import duckdb' 2>/dev/null; then
  row "DuckDB GROUP BY (all_varchar)" python3 -c "$duck"
fi
row "kanon analyse --no-profile --no-contribution" "$kanon" analyse "$f" --qi "$qis" --json -q --no-profile --no-contribution
row "kanon analyse --no-profile" "$kanon" analyse "$f" --qi "$qis" --json -q --no-profile
row "kanon analyse (default: profiles the other columns)" "$kanon" analyse "$f" --qi "$qis" --json -q
row "kanon analyse --stream --no-profile" "$kanon" analyse "$f" --qi "$qis" --json -q --no-profile --stream
row "kanon analyse --no-profile, 1 thread" env RAYON_NUM_THREADS=1 "$kanon" analyse "$f" --qi "$qis" --json -q --no-profile

base=${walls[0]}
duckmem=""
for i in "${!names[@]}"; do [[ ${names[$i]} == DuckDB* ]] && duckmem=${mems[$i]}; done
echo "| $rows rows × 8 QIs, $(nproc) cores | wall | × polars read | peak RSS | × DuckDB RSS |"
echo "|---|---|---|---|---|"
for i in "${!names[@]}"; do
  ratio=$(awk "BEGIN{printf \"%.2f\", ${walls[$i]} / $base}")
  mb=$(( ${mems[$i]} / 1024 ))
  dr=$([ -n "$duckmem" ] && awk "BEGIN{printf \"%.2f\", ${mems[$i]} / $duckmem}" || echo "—")
  echo "| ${names[$i]} | ${walls[$i]} s | ${ratio}× | ${mb} MB | ${dr}× |"
done
