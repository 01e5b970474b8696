#!/bin/bash
# usage: bench/upload_latency.sh CLI LOADTEST STORE PORT PHOTOS [serve options]
# Photo queries on an otherwise idle server: one connection, POST /api/search only (bench/Lookalike.LoadTest --mix mixed
# --search-share 1), 40 s warm-up (WARMUP) + 30 s (DURATION). Prints the load tool's p50/p99 and, from /metrics deltas over the run, the
# server's CPU ms per request and its mean embedding and search time, so the figures can be read on a loaded machine.
cli=$1; load=$2; store=$3; port=$4; photos=$5
url="http://127.0.0.1:$port"
$cli serve --store "$store" --urls "$url" --metrics --rate-limit off --similar-rate-limit off "${@:6}" >${SERVE_LOG:-/tmp/upload_latency.log} 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
until curl -fs "$url/ready?photo=true" >/dev/null 2>&1; do
  kill -0 $pid 2>/dev/null || { echo "server exited"; cat ${SERVE_LOG:-/tmp/upload_latency.log}; exit 1; }
  sleep 0.1
done
metric() { curl -s "$url/metrics" | awk -v name="$1" '$1 ~ "^"name"(\\{|$)" { s += $2 } END { printf "%.6f", s }'; }
snapshot() { echo "$(metric dotnet_process_cpu_time_seconds_total) $(metric lookalike_embedding_duration_seconds_sum) $(metric lookalike_embedding_duration_seconds_count) $(metric lookalike_search_duration_seconds_sum) $(metric lookalike_search_duration_seconds_count)"; }
# Warm-up: the runtime's tiered JIT recompiles the hot paths for about 30 s after start (23% of the server's CPU
# 5–20 s after start, none after 40 s, by perf), so a shorter warm-up measures the JIT too. WARMUP=5 is the old one.
"$load" --url "$url" --mix mixed --search-share 1 --add-share 0 --connections 1 --duration ${WARMUP:-40} --warmup 0 --photos "$photos" >/dev/null
read -r cpu0 emb0 embn0 sea0 sean0 <<<"$(snapshot)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$load" --url "$url" --mix mixed --search-share 1 --add-share 0 --connections 1 --duration ${DURATION:-30} --warmup 0 --photos "$photos" --json | tail -1
read -r cpu1 emb1 embn1 sea1 sean1 <<<"$(snapshot)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v c0=$cpu0 -v c1=$cpu1 -v e0=$emb0 -v e1=$emb1 -v en0=$embn0 -v en1=$embn1 -v s0=$sea0 -v s1=$sea1 -v sn0=$sean0 -v sn1=$sean1 'BEGIN {
  n = en1 - en0; printf "server: %d photos embedded, %.1f ms CPU per request (all threads), embedding %.1f ms mean, search %.2f ms mean\n", n, 1000*(c1-c0)/n, 1000*(e1-e0)/n, 1000*(s1-s0)/(sn1-sn0) }'
