#!/usr/bin/env bash
# Report benchmark (issue 5): the demo report in every format, then a report over two generated
# rounds of 100,000 respondents x 60 questions plus 10,000,000 build events, from
# already-imported data (the imports are not timed). Needs `cargo build --release`.
#
#   tests/bench/report.sh [RESPONDENTS] [QUESTIONS] [BUILDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-100000}
Q=${2:-60}
B=${3:-10000000}
# shellcheck source=tests/bench/common.sh
. tests/bench/common.sh

"$BIN" demo --out "$TMP/demo" --no-report > /dev/null
measure "demo report (pdf,png,html,md)" "$BIN" -w "$TMP/demo" report --round 2026-Q3 --out "$TMP/demo-out"
grep '^report' "$TMP/out" || true
measure "demo report again (same bytes)" "$BIN" -w "$TMP/demo" report --round 2026-Q3 --out "$TMP/demo-out2"
cmp -s "$TMP/demo-out/report.pdf" "$TMP/demo-out2/report.pdf" && echo "  report.pdf identical across runs"

"$BIN" init "$TMP/ws" > /dev/null
"$BIN" generate bench --out "$TMP/r1.csv" --respondents "$N" --questions "$Q" > /dev/null
"$BIN" generate bench --out "$TMP/r2.csv" --respondents "$N" --questions "$Q" --seed 7 > /dev/null
"$BIN" -w "$TMP/ws" import survey "$TMP/r1.csv" --round 2026-Q2 --invited $((N * 2)) > /dev/null
"$BIN" -w "$TMP/ws" import survey "$TMP/r2.csv" --round 2026-Q3 --invited $((N * 2)) > /dev/null
rm -f "$TMP/r1.csv" "$TMP/r2.csv"
"$BIN" generate builds --out "$TMP/builds.parquet" --respondents "$B" > /dev/null
"$BIN" -w "$TMP/ws" import telemetry "$TMP/builds.parquet" --kind builds > /dev/null
rm -f "$TMP/builds.parquet"
# An outcome question, so the drivers section runs too (the first rated statement).
OUTCOME=$("$BIN" -w "$TMP/ws" questions --format csv | awk -F, 'NR > 1 && $2 == "likert" {print $1; exit}')
sed -i "s/^# outcome = .*/outcome = \"$OUTCOME\"/" "$TMP/ws/pulse.toml"
cat > "$TMP/ws/metrics.toml" <<'TOML'
[[metric]]
id = "build_p50"
source = "builds.duration_p50"
direction = "lower_is_better"
target = 600
counter = ["build_failure_rate"]

[[metric]]
id = "build_failure_rate"
source = "builds.failure_rate"
TOML
measure "report ($N x $Q x 2 rounds + $B builds)" "$BIN" -w "$TMP/ws" report --round 2026-Q3 --out "$TMP/big-out"
grep -E '^(report|  skipped)' "$TMP/out" || true
PULSE_TIMING=1 "$BIN" -w "$TMP/ws" report --round 2026-Q3 --out "$TMP/big-timed" 2>&1 | grep '  section' || true
measure "  of which: pdf only" "$BIN" -w "$TMP/ws" report --round 2026-Q3 --out "$TMP/big-pdf" --formats pdf
