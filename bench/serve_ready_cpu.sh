#!/bin/bash
# usage: bench/serve_ready_cpu.sh CLI STORE PORT [serve options] — wall from process start to /ready 200, the process's CPU (user+sys, all threads) at that moment, the top threads' CPU
cli=$1; store=$2; port=$3
start=$(date +%s.%N)
$cli serve --store "$store" --urls "http://127.0.0.1:$port" "${@:4}" >${SERVE_LOG:-/tmp/serve_ready_cpu.log} 2>&1 &
pid=$!
until curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1; do kill -0 $pid 2>/dev/null || { echo exited; exit 1; }; sleep 0.05; done
t1=$(date +%s.%N)
tck=$(getconf CLK_TCK)
cpu=$(awk -v t=$tck '{print ($14+$15)/t}' /proc/$pid/stat)
threads=$(for f in /proc/$pid/task/*/stat; do awk -v t=$tck '{s=$0; sub(/^[^(]*\(/,"",s); n=s; sub(/\).*/,"",n); split(substr(s, index(s,")")+2), a, " "); printf "%s=%.2f\n", n, (a[12]+a[13])/t}' $f; done | sort -t= -k2 -rn | head -4 | tr '\n' ' ')
echo "$(basename $(dirname $cli)) $store ready $(printf %.2f $(echo "$t1 - $start" | bc)) s wall, cpu $cpu s; threads: $threads; load $(cut -d' ' -f1 /proc/loadavg); $(grep -o 'in [0-9]* ms' ${SERVE_LOG:-/tmp/serve_ready_cpu.log} | head -1)"
kill $pid; wait $pid 2>/dev/null
