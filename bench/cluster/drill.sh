#!/usr/bin/env bash
# The cluster drill of docs/scale-out.md: a private Redis and SILOS real silo processes on loopback, the vectors
# imported through the cluster, then a bounded query stream (lookalike cluster bench) whose answers are checked
# against a single-machine store holding the same items. With KILL=1 one silo is SIGKILLed a third of the way in
# and restarted (same name and data) two thirds in; silos rebuild a gone silo's replicas after REBUILD_AFTER seconds.
# Prints the stream's JSON, the CPU seconds the processes used, and the cluster's status after the stream.
#   usage: bench/cluster/drill.sh VECTORS.npy IDS.txt LOCAL_STORE [QUERY_IDS.txt]
#   env: SILOS=3 SHARDS=6 REPLICAS=2 SECONDS=60 CONNECTIONS=8 KILL=0 EXPECT=1 REBUILD_AFTER=300 SETTLE=0 (seconds to wait before the final status)
set -euo pipefail
npy=$1 ids=$2 local=$3 queries=${4:-$2}
SILOS=${SILOS:-3} SHARDS=${SHARDS:-6} REPLICAS=${REPLICAS:-2} SECONDS_=${SECONDS:-60} CONNECTIONS=${CONNECTIONS:-8} KILL=${KILL:-0} EXPECT=${EXPECT:-1} REBUILD_AFTER=${REBUILD_AFTER:-300} SETTLE=${SETTLE:-0}
cli="dotnet $(cd "$(dirname "$0")/../.." && pwd)/src/Lookalike.Cli/bin/Debug/net10.0/lookalike.dll"
work=$(mktemp -d /tmp/lookalike-drill.XXXXXX)
port=$((20000 + RANDOM % 10000))
redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$work" --daemonize yes --pidfile "$work/redis.pid" --logfile "$work/redis.log"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
cluster="redis://127.0.0.1:$port/drill"
start_silo() {
  local i=$1
  $cli silo --cluster "$cluster" --data "$work/silo$i" --name "silo$i" --silo-port $((port + 100 + i)) --gateway-port $((port + 200 + i)) --rebuild-after "$REBUILD_AFTER" >"$work/silo$i.log" 2>&1 &
  pids[$i]=$!
  until grep -q "ready" "$work/silo$i.log"; do kill -0 "${pids[$i]}" || { cat "$work/silo$i.log"; exit 1; }; sleep 0.5; done
}
for i in $(seq 1 "$SILOS"); do start_silo "$i"; done
$cli cluster init --cluster "$cluster" --shards "$SHARDS" --replicas "$REPLICAS" --model synthetic >&2
t0=$(date +%s.%N)
$cli vectors import "$npy" --ids "$ids" --cluster "$cluster" --model-name synthetic 2>&1 | tail -1 >&2
echo "import: $(echo "$(date +%s.%N) - $t0" | bc) s" >&2
cpu() { local total=0; for p in "$@"; do [ -r "/proc/$p/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$total"; }
# Warm every replica's index before timing (the first search of a replica loads its vectors).
$cli similar "$(head -1 "$ids")" --cluster "$cluster" >/dev/null
before=$(cpu "${pids[@]}")
$cli cluster bench --cluster "$cluster" --queries "$queries" --seconds "$SECONDS_" --connections "$CONNECTIONS" $([ "$EXPECT" = 1 ] && echo --expect-store "$local") >"$work/bench.json" &
bench=$!
if [ "$KILL" = 1 ]; then
  sleep $((SECONDS_ / 3)); kill -9 "${pids[2]}"; echo "killed silo2 at $((SECONDS_ / 3)) s" >&2
  sleep $((SECONDS_ / 3)); start_silo 2; echo "restarted silo2" >&2
fi
wait "$bench" || true
after=$(cpu "${pids[@]}")
cat "$work/bench.json"
echo "silo cpu: $(echo "($after - $before) / $(getconf CLK_TCK)" | bc -l | cut -c1-6) s" >&2
sleep "$SETTLE"
$cli cluster status --cluster "$cluster" >&2
