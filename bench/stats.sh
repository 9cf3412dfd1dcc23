#!/usr/bin/env bash
# Statistics (issue 11, "Performance"): a two-column cross-tabulation over
# the cases projection of N rows (default 1,000,000) against the same run's
# SELECT count(*) of the table, then `nrm stats import` of M CTDC rows
# (default 100,000), the real binary timed from start to exit (twice), and
# the service function it calls, in-process.
#   bench/stats.sh [sqlite|postgres] [rows] [import-rows]
source "$(dirname "$0")/lib.sh"
engine=${1:-sqlite}
n=${2:-1000000}
m=${3:-100000}
bin=$work/nrm
go build -o "$bin" ./cmd/nrm
go build -o "$work/statsbench" ./bench/statsbench
db=""
if [ "$engine" = postgres ]; then
  schema=nrm_bench_$$_$RANDOM
  psql "$base" -qc "CREATE SCHEMA $schema"
  db="$base&search_path=$schema"
fi
export NRM_DATA=$work/data NRM_DB=$db
"$bin" migrate >/dev/null
"$work/statsbench" -data "$NRM_DATA" -db "$db" fill -rows "$n"
for by in sex,age_band year,citizenship; do
  echo "$engine: $("$work/statsbench" -data "$NRM_DATA" -db "$db" crosstab -by $by -runs 5)"
done
echo "$engine: $("$work/statsbench" -data "$NRM_DATA" -db "$db" crosstab -by sex,age_band -privacy suppress -runs 3)"
"$work/statsbench" ctdc -rows "$m" -out "$work/ctdc.csv"
for run in 1 2; do
  t0=$(date +%s.%N)
  last=$("$bin" stats import --layout ctdc-global --dataset ctdc "$work/ctdc.csv" | tail -1)
  t1=$(date +%s.%N)
  awk -v t0="$t0" -v t1="$t1" -v last="$last" -v e="$engine" -v run="$run" \
    'BEGIN { printf "%s: nrm stats import run %d, whole command: %.2fs (%s)\n", e, run, t1-t0, last }'
done
echo "$engine: $("$work/statsbench" -data "$NRM_DATA" -db "$db" import -file "$work/ctdc.csv")"
echo "$engine: $("$work/statsbench" -data "$NRM_DATA" -db "$db" crosstab -dataset ctdc -by gender,ageBroad -runs 3)"
