#!/usr/bin/env bash
# The cost of audit and encryption on GET /api/v1/cases/{id}: the same load
# (32 clients) against three builds, alternated twice in one run so that all
# see the same machine:
#   foundation  commit 7f46a2f, before the audit log (it sealed fields already)
#   baseline    this code built with -tags nrmbaseline: no audit entry, no
#               unwrapping or decryption (the person's sealed fields are
#               read but not opened)
#   current     this code as shipped: audited and decrypted
#   bench/audit-overhead.sh [sqlite|postgres]
source "$(dirname "$0")/lib.sh"
engine=${1:-sqlite}
: "${CLIENTS:=32}" "${DURATION:=20s}" "${WARMUP:=3s}"
foundation=7f46a2f
mkdir -p "$work/foundation"
git archive "$foundation" | tar -x -C "$work/foundation"
(cd "$work/foundation" && go build -o "$work/nrm-foundation" ./cmd/nrm)
go build -o "$work/nrm-current" ./cmd/nrm
go build -tags nrmbaseline -o "$work/nrm-baseline" ./cmd/nrm
export NRM_BENCH_BASELINE=1
for round in 1 2; do
  for build in foundation baseline current; do
    start_nrm "$engine" "$work/nrm-$build"
    id=$(new_case)
    "$work/load" -label "$engine $build round $round" -url "$url/api/v1/cases/$id" -token "$token" \
      -c "$CLIENTS" -d "$DURATION" -warmup "$WARMUP" | tee -a "$work/results"
    stop_nrm
  done
done
awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^rps=/) { split($i, a, "="); sum[$2] += a[2]; n[$2]++ } }
  END { f = sum["foundation"] / n["foundation"]; b = sum["baseline"] / n["baseline"]; c = sum["current"] / n["current"];
        printf "mean rps: foundation %.0f, baseline (no audit, no decryption) %.0f, audited and decrypted %.0f\n", f, b, c;
        printf "audited and decrypted = %.0f%% of the baseline, %.0f%% of the foundation\n", 100 * c / b, 100 * c / f }' "$work/results"
