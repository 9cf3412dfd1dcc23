# Shared set-up for the benchmark scripts: sourced, not run.
# start_nrm ENGINE [BINARY] starts nrm on a fresh data directory (and, for
# postgres, a schema of its own) and sets: work, bin, url, token, pid.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${PORT:=18480}"

work=$(mktemp -d)
pid=""
schema=""
base=${NRM_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
export PGOPTIONS="-c client_min_messages=warning"

cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ -n "$schema" ]; then psql "$base" -qc "DROP SCHEMA IF EXISTS $schema CASCADE"; fi
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/load" ./bench/load
go build -o "$work/seed" ./bench/seed

start_nrm() {
  local engine=$1
  bin=${2:-}
  if [ -z "$bin" ]; then bin=$work/nrm; go build -o "$bin" ./cmd/nrm; fi
  local db=""
  if [ "$engine" = postgres ]; then
    schema=nrm_bench_$$_$RANDOM
    psql "$base" -qc "CREATE SCHEMA $schema"
    db="$base&search_path=$schema"
  fi
  export NRM_DATA=$work/data-$RANDOM NRM_DB=$db
  local org
  org=$("$bin" org add --name "Bench NGO" --kind ngo)
  "$bin" user add --email bench@example.org --name Bench --org "$org" --role case-worker >/dev/null
  token=$("$bin" token create --email bench@example.org --ttl 2h)
  "$bin" serve --addr 127.0.0.1:$PORT >/dev/null 2>"$work/serve.log" &
  pid=$!
  url=http://127.0.0.1:$PORT
  for _ in $(seq 100); do curl -sf $url/readyz >/dev/null && return 0; sleep 0.1; done
  echo "nrm did not start:" >&2; cat "$work/serve.log" >&2; return 1
}

# pause_nrm stops the server but keeps its data (and schema).
pause_nrm() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

# resume_nrm starts the server again on the same data.
resume_nrm() {
  "$bin" serve --addr 127.0.0.1:$PORT >/dev/null 2>>"$work/serve.log" &
  pid=$!
  for _ in $(seq 100); do curl -sf $url/readyz >/dev/null && return 0; sleep 0.1; done
  echo "nrm did not start:" >&2; cat "$work/serve.log" >&2; return 1
}

# web_session signs a demo user in through the pages (password, second
# factor set up with nrm demo-code) and prints the session's Cookie header.
web_session() {
  local email=$1 password=$2 jar=$work/jar-$RANDOM
  curl -s -c "$jar" -o /dev/null -d "email=$email&password=$password" $url/login
  local cookie
  cookie=$(awk '/__Host-nrm/ {print $7}' "$jar")
  local page
  page=$(curl -s -H "Cookie: __Host-nrm=$cookie" $url/login/enrol)
  local csrf
  csrf=$(printf '%s' "$page" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
  local code
  code=$("$bin" demo-code --email "$email")
  curl -s -D "$work/headers" -o /dev/null -H "Cookie: __Host-nrm=$cookie" --data-urlencode "csrf=$csrf" -d "code=$code" $url/login/enrol
  printf '__Host-nrm=%s' "$(sed -n 's/^[Ss]et-[Cc]ookie: __Host-nrm=\([^;]*\);.*/\1/p' "$work/headers" | tail -1)"
}

stop_nrm() {
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  if [ -n "$schema" ]; then psql "$base" -qc "DROP SCHEMA IF EXISTS $schema CASCADE"; schema=""; fi
}

# new_case prints the id of a new case.
new_case() {
  curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"person":{"given_name":"Bench","family_name":"Person","date_of_birth":"1990-01-01","sex":"female","citizenship":["MD"]},"encounter":{"date":"2026-11-20","place":"Bench","country":"GB"},"exploitation_types":["forced-labour"]}' \
    $url/api/v1/cases | sed -E 's/.*"id":"([^"]+)".*/\1/'
}
