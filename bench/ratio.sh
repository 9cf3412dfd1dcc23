#!/usr/bin/env bash
# The audited, decrypted GET /api/v1/cases/{id} against a bare Go net/http
# handler (bench/bare: a small fixed JSON body, no middleware, no database),
# both driven by bench/load with the same clients and duration in ONE run,
# one after the other, so that both see the same machine. Prints each result
# line, then per build: the mean rps of bare and of nrm, the ratio
# nrm / bare and nrm's p50 and p99.
#   bench/ratio.sh [sqlite|postgres] [path/to/nrm ...]
# With several nrm binaries (before/after a change), each round measures bare
# and then every binary, each on a fresh data directory (or schema).
# Each line also gives the server's CPU time per request over the measured
# window (from /proc; the machine is shared, and CPU per request swings less
# than requests per second do), and how many cores everything else on the
# machine used meanwhile, the PostgreSQL server apart (postgres=, others=):
# a run where others is well above zero measured the neighbours too.
# Environment: CLIENTS=32 DURATION=20s (at least 4s) WARMUP=3s ROUNDS=1
source "$(dirname "$0")/lib.sh"
engine=${1:-sqlite}
shift || true
: "${CLIENTS:=32}" "${DURATION:=20s}" "${WARMUP:=3s}" "${ROUNDS:=1}" "${BARE_PORT:=18481}"
bins=("$@")
if [ ${#bins[@]} -eq 0 ]; then go build -o "$work/nrm" ./cmd/nrm; bins=("$work/nrm"); fi
go build -o "$work/bare" ./bench/bare
bare_pid=""
stop_bare() { if [ -n "$bare_pid" ]; then kill "$bare_pid" 2>/dev/null || true; wait "$bare_pid" 2>/dev/null || true; bare_pid=""; fi; }
trap 'stop_bare; cleanup' EXIT
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
# pgticks: CPU ticks of the PostgreSQL server's processes (not counted as others).
pgticks() { local t=0 q; for q in $(pgrep -x postgres || true); do t=$((t + $(ticks "$q"))); done; echo "$t"; }
secs() { local d=$1; case $d in *ms) echo "${d%ms} / 1000" | bc -l;; *s) echo "${d%s}";; *m) echo "${d%m} * 60" | bc -l;; esac; }
# measure PID LABEL URL [TOKEN]: one load run, with the server's CPU per
# request sampled over the measured window.
measure() {
  local p=$1 label=$2 u=$3 tok=${4:-}
  local out=$work/measure.out
  "$work/load" -label "$label" -url "$u" -token "$tok" -c "$CLIENTS" -d "$DURATION" -warmup "$WARMUP" >"$out" &
  local lp=$!
  # Sample inside the measured window (it ends when the load does).
  sleep "$(echo "$(secs "$WARMUP") + 0.2" | bc -l)"
  local s0 t0 l0 b0 g0; s0=$(date +%s.%N); t0=$(ticks "$p"); l0=$(ticks "$lp"); g0=$(pgticks); b0=$(busy)
  sleep "$(echo "$(secs "$DURATION") - 1" | bc -l)"
  local s1 t1 l1 b1 g1; s1=$(date +%s.%N); t1=$(ticks "$p"); l1=$(ticks "$lp"); g1=$(pgticks); b1=$(busy)
  wait "$lp"
  local rps; rps=$(sed -n 's/.* rps=\([0-9]*\) .*/\1/p' "$out")
  local win; win=$(echo "$s1 - $s0" | bc -l)
  printf '%s server_cpu=%.0fus/req postgres=%.2fcores others=%.2fcores\n' "$(cat "$out")" \
    "$(echo "($t1 - $t0) * 1000000 / $hz / ($rps * $win)" | bc -l)" "$(echo "($g1 - $g0) / $hz / $win" | bc -l)" \
    "$(echo "(($b1 - $b0) - ($t1 - $t0) - ($l1 - $l0) - ($g1 - $g0)) / $hz / $win" | bc -l)" | tee -a "$work/results"
}

for round in $(seq "$ROUNDS"); do
  "$work/bare" -addr 127.0.0.1:$BARE_PORT 2>"$work/bare.log" &
  bare_pid=$!
  ok=""
  for _ in $(seq 100); do curl -sf http://127.0.0.1:$BARE_PORT/ >/dev/null && { ok=1; break; }; sleep 0.1; done
  if [ -z "$ok" ]; then echo "bare did not start:" >&2; cat "$work/bare.log" >&2; exit 1; fi
  measure "$bare_pid" "bare round=$round" "http://127.0.0.1:$BARE_PORT/"
  stop_bare
  for b in "${bins[@]}"; do
    start_nrm "$engine" "$b"
    id=$(new_case)
    measure "$pid" "nrm:$(basename "$b")-$engine round=$round" "$url/api/v1/cases/$id" "$token"
    stop_nrm
  done
done
awk -v engine="$engine" '
  { who = $1
    for (i = 1; i <= NF; i++) { split($i, a, "="); if (a[1] == "rps") rps[who] += a[2]; if (a[1] == "p50") p50[who] = p50[who] " " a[2]; if (a[1] == "p99") p99[who] = p99[who] " " a[2]; if (a[1] == "server_cpu") { sub("us/req", "", a[2]); cpu[who] += a[2] }; if (a[1] == "others") { sub("cores", "", a[2]); if (a[2] + 0 > oth[who]) oth[who] = a[2] + 0 } }
    if (!(who in n)) order[++k] = who
    n[who]++ }
  END { b = rps["bare"] / n["bare"]
        for (j = 1; j <= k; j++) { w = order[j]; if (w == "bare") continue; r = rps[w] / n[w]
          printf "%s: bare %.0f req/s, nrm %.0f req/s, ratio %.1f%%; nrm p50%s, p99%s (bare p99%s); server CPU per request: bare %.0f us, nrm %.0f us; others used up to %.2f cores\n",
            w, b, r, 100 * r / b, p50[w], p99[w], p99["bare"], cpu["bare"] / n["bare"], cpu[w] / n[w], max(oth["bare"], oth[w]) } }
  function max(a, b) { return a > b ? a : b }' "$work/results"
