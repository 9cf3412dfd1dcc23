#!/usr/bin/env bash
# Times `nrm audit verify` over a log of N entries (default 1,000,000),
# three runs; prints entries per second.
#   bench/audit-verify.sh [sqlite|postgres] [entries]
source "$(dirname "$0")/lib.sh"
engine=${1:-sqlite}
n=${2:-1000000}
bin=$work/nrm
go build -o "$bin" ./cmd/nrm
go build -o "$work/auditfill" ./bench/auditfill
db=""
if [ "$engine" = postgres ]; then
  schema=nrm_bench_$$_$RANDOM
  psql "$base" -qc "CREATE SCHEMA $schema"
  db="$base&search_path=$schema"
fi
export NRM_DATA=$work/data NRM_DB=$db
"$bin" migrate >/dev/null
"$work/auditfill" -data "$NRM_DATA" -db "$db" -entries "$n"
for run in 1 2 3; do
  t0=$(date +%s.%N)
  last=$("$bin" audit verify 2>"$work/verify.err" | tail -1); grep "^verified .* in " "$work/verify.err" | sed "s/^/  in-process: /"
  t1=$(date +%s.%N)
  awk -v t0="$t0" -v t1="$t1" -v last="$last" -v e="$engine" -v run="$run" \
    'BEGIN { split(last, f, " "); printf "%s run %d: %s entries in %.2fs = %.0f entries/s (%s)\n", e, run, f[2], t1-t0, f[2]/(t1-t0), last }'
done
