#!/usr/bin/env bash
# Small load run against a running `geoanomaly serve` at $1 (e.g. http://127.0.0.1:8080): each
# route for a city-sized and a continent-sized box, autocannon for $2 seconds with $3 connections.
# The default boxes and point suit `geoanomaly produce --distribution clumped --seed 7`, whose
# centres include a town near (-28.50, -59.45) and a province near (-3.97, -72.78); CITY,
# CONTINENT and POINT override them (bbox minLon,minLat,maxLon,maxLat; point lat,lon).
set -euo pipefail
B=${1:?base URL}; D=${2:-15}; C=${3:-10}
CITY=${CITY:--59.55,-28.6,-59.35,-28.4}
POINT=${POINT:--28.496,-59.452}
CONTINENT=${CONTINENT:--82,-56,-34,13}
run() {
  npx autocannon -c "$C" -d "$D" -j "$B$2" 2>/dev/null | node -e '
    let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);
    console.log([process.argv[1], r.requests.average.toFixed(1)+" req/s", "p50 "+r.latency.p50+" ms", "p90 "+r.latency.p90+" ms", "p99 "+r.latency.p99+" ms", "non2xx "+r.non2xx, "errors "+r.errors].join(" | "))})' "$1"
}
run "events city" "/v1/events?bbox=$CITY"
run "events continent" "/v1/events?bbox=$CONTINENT"
run "clusters city z12" "/v1/clusters?bbox=$CITY&zoom=12"
run "clusters continent z4" "/v1/clusters?bbox=$CONTINENT&zoom=4"
run "anomalies city" "/v1/anomalies?bbox=$CITY"
run "anomalies continent" "/v1/anomalies?bbox=$CONTINENT"
run "near" "/v1/near?lat=${POINT%,*}&lon=${POINT#*,}"
