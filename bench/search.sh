#!/usr/bin/env bash
# Search by name over 100,000 people: seeds nrm through the bulk import,
# then times GET /api/v1/cases?name=... (blind-index search, up to 100
# results decrypted and audited) with one client.
#   bench/search.sh [sqlite|postgres] [cases]
source "$(dirname "$0")/lib.sh"
engine=${1:-sqlite}
n=${2:-100000}
start_nrm "$engine"
"$work/seed" -url "$url" -token "$token" -cases "$n"
for q in "Olena%20Shevchenko" "Popescu" "grace%20okafor"; do
  "$work/load" -label "$engine search name=$q over $n" -url "$url/api/v1/cases?name=$q" -token "$token" -c 1 -d 10s -warmup 1s
done
