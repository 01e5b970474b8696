#!/usr/bin/env bash
# Load soak of `lookalike serve` (docs/reliability.md, "Load held"): a store is served on loopback with rate limits
# off (the generator is one client) and an API key, then bench/Lookalike.LoadTest --mix mixed sends look-alikes,
# searches by upload and additions from 32 connections for 60 s while sampling the server's RSS.
#   bench/load_soak.sh [STORE] [SECONDS] [CONNECTIONS] [MORE LOADTEST OPTIONS…]
# STORE defaults to a fresh store of samples/ (indexed first, under /tmp). Additions land in a copy of STORE, never in it.
# E.g. the soak with the ranking attack of issue 13 mixed in (docs/reliability.md, "Hostile clients"):
#   bench/load_soak.sh "" 240 16 --feedback-share 0.02 --recommend-share 0.10 --warmup 60
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_RUN=${2:-60}
CONNECTIONS=${3:-32}
PORT=${LOOKALIKE_LOAD_PORT:-5077}
KEY=soak-key
WORK=$(mktemp -d /tmp/lookalike-soak.XXXXXX)
trap 'kill "${SERVER:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
dotnet build -c Release src/Lookalike.Cli -v q -nologo | grep -E " error " && exit 1 || true
dotnet build -c Release bench/Lookalike.LoadTest -v q -nologo | grep -E " error " && exit 1 || true
CLI=src/Lookalike.Cli/bin/Release/net10.0/lookalike
if [[ -n "${1:-}" ]]; then
  cp -r "$1" "$WORK/store"
else
  "$CLI" index samples --labels samples/labels.csv --store "$WORK/store" --json >/dev/null
fi
"$CLI" serve --store "$WORK/store" --urls "http://127.0.0.1:$PORT" --api-key "$KEY" --rate-limit off --similar-rate-limit off &
SERVER=$!
for _ in $(seq 120); do curl -fs "http://127.0.0.1:$PORT/ready" >/dev/null 2>&1 && break; sleep 1; done
dotnet bench/Lookalike.LoadTest/bin/Release/net10.0/Lookalike.LoadTest.dll --url "http://127.0.0.1:$PORT" --mix mixed \
  --connections "$CONNECTIONS" --duration "$SECONDS_RUN" --warmup 5 --api-key "$KEY" --server-pid "$SERVER" --json "${@:4}"
"$CLI" verify --store "$WORK/store"
