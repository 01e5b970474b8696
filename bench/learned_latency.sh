#!/usr/bin/env bash
# Query latency with and without a learned space (issue 14's "query latency ≤ 1.1× raw", docs/evaluation.md): the same
# store served twice — RAW as indexed, LEARNED after `lookalike learn` — and, in alternating rounds so both see the same
# machine, one connection sends (a) look-alikes of catalog items and (b) searches by uploaded photo (outside photos,
# so every upload is embedded and goes through the learned head). One JSON line per round, store and mix.
#   bench/learned_latency.sh RAW_STORE LEARNED_STORE PHOTOS_DIR [ROUNDS=3] [SECONDS=20]
set -euo pipefail
cd "$(dirname "$0")/.."
RAW=$1 LEARNED=$2 PHOTOS=$3 ROUNDS=${4:-3} SECONDS_RUN=${5:-20}
PORT=${LOOKALIKE_LOAD_PORT:-5078}
trap 'kill "${SERVER:-}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
dotnet build -c Release src/Lookalike.Cli -v q -nologo | grep -E " error " && exit 1 || true
dotnet build -c Release bench/Lookalike.LoadTest -v q -nologo | grep -E " error " && exit 1 || true
CLI=src/Lookalike.Cli/bin/Release/net10.0/lookalike
LOAD=bench/Lookalike.LoadTest/bin/Release/net10.0/Lookalike.LoadTest.dll

for round in $(seq "$ROUNDS"); do
  for space in raw learned; do
    store=$RAW; [[ $space == learned ]] && store=$LEARNED
    "$CLI" serve --store "$store" --urls "http://127.0.0.1:$PORT" --rate-limit off --similar-rate-limit off >/dev/null 2>&1 &
    SERVER=$!
    for _ in $(seq 240); do curl -fs "http://127.0.0.1:$PORT/ready?photo=true" >/dev/null 2>&1 && break; sleep 0.5; done
    for mix in similar upload; do
      args=(--mix similar); [[ $mix == upload ]] && args=(--mix mixed --search-share 1 --add-share 0 --photos "$PHOTOS")
      line=$(dotnet "$LOAD" --url "http://127.0.0.1:$PORT" --connections 1 --duration "$SECONDS_RUN" --warmup 3 --json "${args[@]}" | tail -n 1)
      echo "{\"round\":$round,\"space\":\"$space\",\"mix\":\"$mix\",\"load\":\"$(cut -d' ' -f1 /proc/loadavg)\",\"result\":$line}"
    done
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
  done
done
