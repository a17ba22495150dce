#!/usr/bin/env bash
# One side of the map-views load run (bench/reports/api-load-*): a detector of the checkout $2 on
# its own keyspace and topics (named after side $1) stores 30,000 clumped events, then takes a
# background feed of 150 events/s (about half what it sustains here) while bench/api-load.ts drives
# the city, country and continent views of one `geoanomaly serve` per API setting given after the
# base port $3. Each API setting is a comma-separated list of VAR=value for that serve process
# ("-" for none), e.g.:
#   bench/api-load-side.sh after . 19300 - API_SUMMARY_CACHE_MS=0
#   bench/api-load-side.sh before ../previous 19400 -
# Figures go to $OUT_DIR (default .scratch/api-load/<side>): results-<round>-<n>.json per round and serve process (ROUNDS, default 2, turns),
# the detector's counters, the load average before and after the views.
# Uses KAFKA_BROKERS and CASSANDRA_CONTACT_POINTS (default: the local single-node stack).
set -euo pipefail
SIDE=${1:?side name}; CHECKOUT=$(cd "${2:?checkout}" && pwd); PORT=${3:?base port}; shift 3
[ $# -gt 0 ] || set -- -
HERE=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT_DIR:-$HERE/.scratch/api-load/$SIDE}
mkdir -p "$OUT"
export KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:9092}
export CASSANDRA_CONTACT_POINTS=${CASSANDRA_CONTACT_POINTS:-127.0.0.1:9042}
export CASSANDRA_LOCAL_DC=${CASSANDRA_LOCAL_DC:-datacenter1}
export CASSANDRA_KEYSPACE=apiload_$SIDE INPUT_TOPIC=apiload-$SIDE.events DLQ_TOPIC=apiload-$SIDE.dlq
export ALERT_TOPIC=apiload-$SIDE.alerts KAFKA_GROUP_ID=apiload-$SIDE METRICS_PORT=$PORT LOG_LEVEL=warn
GA="node $CHECKOUT/bin/geoanomaly.js"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

$GA detect > "$OUT/detect.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 120); do curl -sf "localhost:$PORT/readyz" > /dev/null && break; sleep 1; done
n=0
for setting in "$@"; do
  n=$((n + 1))
  env_args=()
  [ "$setting" = - ] || IFS=, read -r -a env_args <<< "$setting"
  env "${env_args[@]}" API_PORT=$((PORT + n)) $GA serve > "$OUT/serve-$n.log" 2>&1 & PIDS+=($!)
done
start=$(date +%s)
$GA produce --count 30000 --rate 300 --distribution clumped --seed 7 --quiet > "$OUT/produce.log" 2>&1
stored=0
for _ in $(seq 1 360); do
  stored=$(curl -s "localhost:$PORT/metrics" | awk '/^geoanomaly_events_stored_total/ {print int($2)}')
  [ "${stored:-0}" -ge 29900 ] && break
  sleep 2
done
echo "stored $stored after $(($(date +%s) - start)) s" > "$OUT/caught-up.txt"
$GA produce --rate 150 --distribution clumped --seed 8 --quiet > "$OUT/produce-bg.log" 2>&1 & PIDS+=($!)
sleep 10
uptime > "$OUT/load.txt"
# The serve processes take turns, ROUNDS times, so drift in the machine's load hits each alike.
for round in $(seq 1 "${ROUNDS:-2}"); do
  for i in $(seq 1 "$n"); do
    echo "round $round, serve $i (${!i}): $(uptime)" >> "$OUT/load.txt"
    (cd "$HERE" && npx tsx bench/api-load.ts --url "http://127.0.0.1:$((PORT + i))" --seconds 10 \
      --out "$OUT/results-$round-$i.json") > "$OUT/api-load-$round-$i.txt" 2>&1
  done
done
uptime >> "$OUT/load.txt"
curl -s "localhost:$PORT/metrics" | grep -E "^geoanomaly_(events_stored_total|checks_total|cassandra_statements_total|cassandra_rows_written_total|summary_)" > "$OUT/metrics.txt" || true
echo "$SIDE done: $OUT"
