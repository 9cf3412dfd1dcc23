#!/usr/bin/env bash
# Load test of authenticated GET /api/v1/cases/{id} with 32 clients.
#   bench/get-case.sh [sqlite|postgres] [path/to/nrm] [label]
source "$(dirname "$0")/lib.sh"
engine=${1:-sqlite}
: "${CLIENTS:=32}" "${DURATION:=20s}" "${WARMUP:=3s}"
start_nrm "$engine" "${2:-}"
id=$(new_case)
"$work/load" -label "${3:-$engine}" -url "$url/api/v1/cases/$id" -token "$token" -c "$CLIENTS" -d "$DURATION" -warmup "$WARMUP"
