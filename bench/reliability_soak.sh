#!/usr/bin/env bash
# Long reliability soak: the CI tests of tests/Lookalike.Reliability.Tests with soak-sized settings.
#   300 images (250 samples + 50 copies) and 10 seeded SIGKILLs of `lookalike index`, resumed each time;
#   readers + 2 writers on one store for 10 minutes; 5 minutes of decoder mutation fuzzing.
# Figures go to docs/reliability.md. Usage: bench/reliability_soak.sh [seed]
set -euo pipefail
cd "$(dirname "$0")/.."
export LOOKALIKE_CRASH_IMAGES=${LOOKALIKE_CRASH_IMAGES:-300}
export LOOKALIKE_CRASH_KILLS=${LOOKALIKE_CRASH_KILLS:-10}
export LOOKALIKE_CRASH_SEED=${1:-${LOOKALIKE_CRASH_SEED:-7}}
export LOOKALIKE_CONCURRENCY_SECONDS=${LOOKALIKE_CONCURRENCY_SECONDS:-600}
export LOOKALIKE_HOSTILE_ALL=1
export LOOKALIKE_FUZZ_SECONDS=${LOOKALIKE_FUZZ_SECONDS:-300}
dotnet test tests/Lookalike.Reliability.Tests -c Release --logger "console;verbosity=detailed" 2>&1 | tee reliability-soak.log
grep -E "kill |kills survived|bit-exact|write transactions|hostile files|mutants|index of|disk full|SKIPPED" reliability-soak.log
