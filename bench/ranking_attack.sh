#!/usr/bin/env bash
# The memory attack of issue 13 against `lookalike serve` (Release, loopback): one POST of 100 rankings × 250 items
# (refused: a ranking holds at most 100), then 20 reads of that user's recommendations and pair; then the largest
# payload the server accepts (100 × 100) and 20 more reads. Prints each read's time and the server's RSS.
#   bench/ranking_attack.sh [STORE]
# STORE defaults to a fresh store of samples/ (250 items, indexed under /tmp); feedback lands in a copy, never in STORE.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${LOOKALIKE_LOAD_PORT:-5078}
WORK=$(mktemp -d /tmp/lookalike-attack.XXXXXX)
trap 'kill "${SERVER:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
dotnet build -c Release src/Lookalike.Cli -v q -nologo | grep -E " error " && exit 1 || true
dotnet build -c Release bench/Lookalike.LoadTest -v q -nologo | grep -E " error " && exit 1 || true
CLI=src/Lookalike.Cli/bin/Release/net10.0/lookalike
if [[ -n "${1:-}" ]]; then
  cp -r "$1" "$WORK/store"
else
  "$CLI" index samples --labels samples/labels.csv --store "$WORK/store" --json >/dev/null
fi
"$CLI" serve --store "$WORK/store" --urls "http://127.0.0.1:$PORT" --rate-limit off --similar-rate-limit off &
SERVER=$!
for _ in $(seq 120); do curl -fs "http://127.0.0.1:$PORT/ready" >/dev/null 2>&1 && break; sleep 1; done
# Let the recommendation engine finish its background load before the first sample.
curl -fs "http://127.0.0.1:$PORT/api/users/warm-up/recommendations?k=1" >/dev/null
dotnet bench/Lookalike.LoadTest/bin/Release/net10.0/Lookalike.LoadTest.dll --url "http://127.0.0.1:$PORT" --mix ranking --server-pid "$SERVER"
