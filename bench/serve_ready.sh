#!/bin/bash
# usage: bench/serve_ready.sh CLI STORE PORT — seconds from process start to the first 200 from /ready, then from /ready?photo=true
cli=$1; store=$2; port=$3
start=$(date +%s.%N)
$cli serve --store "$store" --urls "http://127.0.0.1:$port" "${@:4}" >${SERVE_LOG:-/tmp/serve_ready.log} 2>&1 &
pid=$!
until curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1; do
  kill -0 $pid 2>/dev/null || { echo "server exited"; cat ${SERVE_LOG:-/tmp/serve_ready.log}; exit 1; }
  sleep 0.05
done
t1=$(date +%s.%N)
state=$(curl -s "http://127.0.0.1:$port/ready")
sim=$(curl -s -o /dev/null -w "%{http_code} %{time_total}" "http://127.0.0.1:$port/api/items/synthetic%2F0000042/similar?k=10")
until curl -fs "http://127.0.0.1:$port/ready?photo=true" >/dev/null 2>&1; do sleep 0.05; done
t2=$(date +%s.%N)
echo "$store ready $(echo "$t1 - $start" | bc) s (first similar: $sim s; $state); photo-ready $(echo "$t2 - $start" | bc) s"
kill $pid; wait $pid 2>/dev/null
