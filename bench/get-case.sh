#!/usr/bin/env bash
# Load test of authenticated GET /api/v1/cases/{id}: starts nrm on a fresh
# data directory, creates one organisation, user, token and case, then runs
# bench/load with 32 clients. Usage:
#   bench/get-case.sh [sqlite|postgres] [path/to/nrm] [label]
# PostgreSQL uses $NRM_BENCH_POSTGRES (default: the local test database) in a
# schema of its own, dropped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
engine=${1:-sqlite}
bin=${2:-}
label=${3:-$engine}
: "${CLIENTS:=32}" "${DURATION:=20s}" "${WARMUP:=3s}" "${PORT:=18480}"

work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; cleanup_db; rm -rf "$work"' EXIT
cleanup_db() { :; }
if [ -z "$bin" ]; then bin=$work/nrm; go build -o "$bin" ./cmd/nrm; fi
go build -o "$work/load" ./bench/load

db=""
if [ "$engine" = postgres ]; then
  base=${NRM_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
  schema=nrm_bench_$$
  export PGOPTIONS="-c client_min_messages=warning"
  psql "$base" -qc "CREATE SCHEMA $schema"
  cleanup_db() { psql "$base" -qc "DROP SCHEMA IF EXISTS $schema CASCADE"; }
  db="$base&search_path=$schema"
fi
export NRM_DATA=$work/data NRM_DB=$db
org=$("$bin" org add --name "Bench NGO" --kind ngo)
"$bin" user add --email bench@example.org --name Bench --org "$org" --role case-worker >/dev/null
token=$("$bin" token create --email bench@example.org --ttl 1h)
"$bin" serve --addr 127.0.0.1:$PORT >/dev/null 2>"$work/serve.log" &
pid=$!
for _ in $(seq 50); do curl -sf http://127.0.0.1:$PORT/readyz >/dev/null && break; sleep 0.1; done
id=$(curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"person":{"given_name":"Bench","family_name":"Person","date_of_birth":"1990-01-01","sex":"female","citizenship":["MD"]},"encounter":{"date":"2026-11-20","place":"Bench","country":"GB"},"exploitation_types":["forced-labour"]}' \
  http://127.0.0.1:$PORT/api/v1/cases | sed -E 's/.*"id":"([^"]+)".*/\1/')
"$work/load" -label "$label" -url "http://127.0.0.1:$PORT/api/v1/cases/$id" -token "$token" -c "$CLIENTS" -d "$DURATION" -warmup "$WARMUP"
