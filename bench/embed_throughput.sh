#!/usr/bin/env bash
# Indexing-throughput figures of docs/benchmarks.md ("Indexing throughput"): lookalike bench embed for fp32 and
# int8 on the products photos, with the PyTorch CPU reference in the fp32 run. One JSON line per configuration
# goes to bench/results/embed-<date>.jsonl. Needs a Release build and, for the reference,
# apt-get install -y python3-torch python3-torchvision python3-pil python3-numpy.
#
#   bash bench/embed_throughput.sh                       # waits up to WAIT_IDLE s (default 300) for a quiet machine
#   IMAGES=/path/to/photos SECONDS_PER=10 bash bench/embed_throughput.sh
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGES=${IMAGES:-../shared/datasets/products/images}
SECONDS_PER=${SECONDS_PER:-10}
WAIT_IDLE=${WAIT_IDLE:-300}
OUT=${OUT:-bench/results/embed-$(date -u +%Y-%m-%d).jsonl}
LOOKALIKE=${LOOKALIKE:-src/Lookalike.Cli/bin/Release/net10.0/lookalike}
[ -x "$LOOKALIKE" ] || dotnet build src/Lookalike.Cli -c Release >&2
mkdir -p "$(dirname "$OUT")"
for precision in fp32 int8; do
  if [ "$WAIT_IDLE" -gt 0 ] && [ -f ../shared/bench/wait_idle.py ]; then
    /usr/bin/python3 ../shared/bench/wait_idle.py --max-wait "$WAIT_IDLE" | tee -a "$OUT" >&2
  fi
  torch=none; [ "$precision" = fp32 ] && torch=../shared/bench/torch_resnet18.py
  echo "{\"run\":\"bench embed\",\"precision\":\"$precision\",\"date\":\"$(date -u +%FT%TZ)\",\"loadavg\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"cpu\":\"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)\",\"cores\":$(nproc)}" >> "$OUT"
  "$LOOKALIKE" bench embed --images "$IMAGES" --precision "$precision" --seconds "$SECONDS_PER" --torch "$torch" --json >> "$OUT"
done
echo "wrote $OUT" >&2
