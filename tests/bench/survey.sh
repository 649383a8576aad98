#!/usr/bin/env bash
# Survey benchmark: import a generated 100,000-respondent x 60-question export and query it,
# next to a plain polars CSV read of the same file (issue 2); then summary and compare over two
# such rounds (issue 3).
#
#   tests/bench/survey.sh [RESPONDENTS] [QUESTIONS]
#
# Needs a release build (`cargo build --release`); prints wall time and peak memory (max RSS).
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-100000}
Q=${2:-60}
# shellcheck source=tests/bench/common.sh
. tests/bench/common.sh

"$BIN" generate bench --out "$TMP/bench.csv" --respondents "$N" --questions "$Q"
"$BIN" init "$TMP/ws" > /dev/null
measure "polars CSV read (baseline, python polars)" python3 -c "import polars as pl, sys; pl.read_csv(sys.argv[1])" "$TMP/bench.csv"
measure "pulse import survey ($N x $Q)" "$BIN" -w "$TMP/ws" import survey "$TMP/bench.csv" --round 2026-Q3
measure "query: avg(value) by question" "$BIN" -w "$TMP/ws" query "SELECT question_id, avg(value) AS mean FROM responses GROUP BY 1"
measure "query: queries/top_box.sql" "$BIN" -w "$TMP/ws" query queries/top_box.sql
measure "query: count by team" "$BIN" -w "$TMP/ws" query "SELECT team, count(*) AS n FROM respondents GROUP BY team"
"$BIN" generate bench --out "$TMP/bench2.csv" --respondents "$N" --questions "$Q" --seed 7 > /dev/null
"$BIN" -w "$TMP/ws" import survey "$TMP/bench2.csv" --round 2026-Q4 > /dev/null
measure "summary (one round)" "$BIN" -w "$TMP/ws" summary --round 2026-Q4
measure "summary --segment Team" "$BIN" -w "$TMP/ws" summary --round 2026-Q4 --segment team
measure "compare (two rounds)" "$BIN" -w "$TMP/ws" compare 2026-Q3 2026-Q4
measure "compare --paired" "$BIN" -w "$TMP/ws" compare 2026-Q3 2026-Q4 --paired
du -sh "$TMP/ws/store" | awk '{print "store size: " $1}'
