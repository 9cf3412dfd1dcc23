#!/usr/bin/env bash
# The "due soon / overdue" dashboard of a coordinator over 100,000 cases:
# seeds nrm through the bulk import, gives every case one or two running
# clocks (bench/deadlines), signs a coordinator in, and times the dashboard
# page and its API with one client.
#   bench/dashboard.sh [sqlite|postgres] [cases]
source "$(dirname "$0")/lib.sh"
engine=${1:-sqlite}
n=${2:-100000}
: "${DASHBOARD_PAGE:=/due}"
start_nrm "$engine"
"$work/seed" -url "$url" -token "$token" -cases "$n"
pause_nrm
go run ./bench/deadlines -data "$NRM_DATA" -db "$NRM_DB"
corg=$("$bin" org add --name "Bench Coordinator" --kind coordinator)
echo "demo-password-2026" | "$bin" user add --email coordinator@demo.invalid --name Coordinator --org "$corg" --role coordinator --password-stdin >/dev/null
ctoken=$("$bin" token create --email coordinator@demo.invalid --ttl 2h)
resume_nrm
cookie=$(web_session coordinator@demo.invalid demo-password-2026)
"$work/load" -label "$engine coordinator dashboard page over $n cases" -url "$url$DASHBOARD_PAGE" -cookie "$cookie" -c 1 -d 10s -warmup 1s
"$work/load" -label "$engine coordinator deadlines API over $n cases" -url "$url/api/v1/deadlines?all=true&within=14" -token "$ctoken" -c 1 -d 10s -warmup 1s
