#!/usr/bin/env bash
# kanon beside its peers on the same synthetic file, one process per run:
# polars' bare read of the QI columns, polars' group_by of them, DuckDB's
# GROUP BY (when Python's duckdb is installed), and kanon analyse in its
# modes. Prints a Markdown table of wall time, peak RSS and the ratios to
# polars' bare read (docs/performance.md); then 1 against 2 threads on
# SCALE_ROWS rows.
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

# Cores: the same analysis on SCALE_ROWS rows (default 3M) with 1 and with
# 2 threads, alternating, SCALE_RUNS times each (default 8), timed to the
# millisecond; best and median of each and their ratios.
srows=${SCALE_ROWS:-3000000}
sruns=${SCALE_RUNS:-8}
sf=bench-data/census_${srows}.csv
[ -f "$sf" ] || "$kanon" synth --rows "$srows" --seed 42 --out "$sf"
: >/tmp/kanon-scale-1.txt
: >/tmp/kanon-scale-2.txt
for _ in $(seq "$sruns"); do
  for t in 1 2; do
    start=$(date +%s%N)
    RAYON_NUM_THREADS=$t "$kanon" analyse "$sf" --qi "$qis" --json -q --no-profile >/dev/null
    echo $(( ($(date +%s%N) - start) / 1000000 )) >>/tmp/kanon-scale-$t.txt
  done
done
best_median() { sort -n "$1" | awk '{v[NR]=$1} END{m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%d %.1f\n", v[1], m}'; }
read -r b1 m1 < <(best_median /tmp/kanon-scale-1.txt)
read -r b2 m2 < <(best_median /tmp/kanon-scale-2.txt)
echo
echo "| $srows rows, kanon analyse --no-profile, $sruns alternating runs | best | median |"
echo "|---|---|---|"
echo "| 1 thread | ${b1} ms | ${m1} ms |"
echo "| 2 threads | ${b2} ms | ${m2} ms |"
echo "| 1 thread ÷ 2 threads | $(awk "BEGIN{printf \"%.2f\", $b1 / $b2}")× | $(awk "BEGIN{printf \"%.2f\", $m1 / $m2}")× |"
