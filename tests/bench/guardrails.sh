#!/usr/bin/env bash
# Guardrails simulation (issue 14): false-alarm rates of every alert kind over 400 stationary
# quarters and detection rates of four planted effects at three strengths (200 quarters each),
# seeded, from src/analyse/guardrails/sim. Prints the Markdown table the README carries.
#
#   tests/bench/guardrails.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo test --release --lib simulation_table -- --ignored --nocapture 2>&1 | grep '^|'
