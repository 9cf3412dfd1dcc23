#!/usr/bin/env bash
# Transnational referral end to end between two nrm processes, against the
# same payload delivered unencrypted and unsigned between two bare Go
# processes, in ONE run, alternated by round so that both see the same
# machine. The nrm path: POST /api/v1/cases/{id}/transnational-referrals
# on A (consent checked, case file packed, sealed with HPKE, signed, queued
# in the outbox, audited), delivered at once to B's inbox (verified,
# decrypted, replay-checked, stored sealed under a new data key, audited),
# answered "sent". The bare path: the driver posts the plaintext payload to
# a relay process, which posts it to a sink process that decodes it.
#   bench/exchange.sh [sqlite|postgres]   (the engine of B; A is SQLite)
# Environment: CLIENTS=8 DURATION=20s ROUNDS=2
source "$(dirname "$0")/lib.sh"
engineB=${1:-sqlite}
: "${CLIENTS:=8}" "${DURATION:=20s}" "${ROUNDS:=2}"
go build -o "$work/nrm" ./cmd/nrm
go build -o "$work/exchange" ./bench/exchange
pids=()
schemaB=""
stop_all() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [ -n "$schemaB" ]; then psql "$base" -qc "DROP SCHEMA IF EXISTS $schemaB CASCADE"; fi
  cleanup
}
trap stop_all EXIT
# setup DIR DB CC: a coordinator (admin) and an NGO (case worker); prints the two tokens.
setup() {
  local coord ngo
  coord=$(NRM_DATA=$1 NRM_DB=$2 "$work/nrm" org add --name "Coordinator $3" --kind coordinator --country "$3")
  ngo=$(NRM_DATA=$1 NRM_DB=$2 "$work/nrm" org add --name "Bench NGO" --kind ngo --country "$3")
  NRM_DATA=$1 NRM_DB=$2 "$work/nrm" user add --email "admin@$3.example" --name Admin --org "$coord" --role admin >/dev/null
  NRM_DATA=$1 NRM_DB=$2 "$work/nrm" user add --email "worker@$3.example" --name Worker --org "$ngo" --role case-worker >/dev/null
  echo "$(NRM_DATA=$1 NRM_DB=$2 "$work/nrm" token create --email "admin@$3.example" --ttl 2h) $(NRM_DATA=$1 NRM_DB=$2 "$work/nrm" token create --email "worker@$3.example" --ttl 2h)"
}
dbB=""
if [ "$engineB" = postgres ]; then
  schemaB=nrm_bench_x_$$_$RANDOM
  psql "$base" -qc "CREATE SCHEMA $schemaB"
  dbB="$base&search_path=$schemaB"
fi
read -r adminA workerA < <(setup "$work/a" "" GB)
read -r adminB _ < <(setup "$work/b" "$dbB" MD)
serve() { NRM_DATA=$1 NRM_DB=$2 "$work/nrm" serve --addr "127.0.0.1:$3" --instance-name "nrm $4" --country "$4" >/dev/null 2>"$work/serve-$4.log" & pids+=($!); }
serve "$work/a" "" 18490 GB
serve "$work/b" "$dbB" 18491 MD
"$work/exchange" -mode sink -addr 127.0.0.1:18493 & pids+=($!)
"$work/exchange" -mode relay -addr 127.0.0.1:18492 -to http://127.0.0.1:18493/ & pids+=($!)
for port in 18490 18491; do
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
done
sleep 0.5
echo "engine A=sqlite B=$engineB, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$work/exchange" -mode run -a http://127.0.0.1:18490 -b http://127.0.0.1:18491 -admin-a "$adminA" -admin-b "$adminB" \
  -worker "$workerA" -relay http://127.0.0.1:18492/ -c "$CLIENTS" -d "$DURATION" -rounds "$ROUNDS"
