#!/usr/bin/env bash
# Telemetry benchmark (issue 4): import 10,000,000 generated build events from CSV and from
# Parquet (each into its own workspace), then every metric for the four quarters over them.
# Needs `cargo build --release`.
#
#   tests/bench/telemetry.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-10000000}
# shellcheck source=tests/bench/common.sh
. tests/bench/common.sh

"$BIN" generate builds --out "$TMP/builds.csv" --respondents "$N"
"$BIN" generate builds --out "$TMP/builds.parquet" --respondents "$N"
"$BIN" init "$TMP/csv" > /dev/null
"$BIN" init "$TMP/pq" > /dev/null
echo "inputs: $(du -h "$TMP/builds.csv" | cut -f1) CSV, $(du -h "$TMP/builds.parquet" | cut -f1) Parquet"
measure "import telemetry builds.csv ($N rows)" "$BIN" -w "$TMP/csv" import telemetry "$TMP/builds.csv" --kind builds
measure "import telemetry builds.parquet ($N rows)" "$BIN" -w "$TMP/pq" import telemetry "$TMP/builds.parquet" --kind builds
measure "query: p50 duration, failure rate" "$BIN" -w "$TMP/pq" query "SELECT count(*) AS n, median(duration_s) AS p50, avg(CASE WHEN result = 'failure' THEN 1.0 ELSE 0.0 END) AS failure_rate FROM builds"
measure "metrics (all kinds, per quarter)" "$BIN" -w "$TMP/pq" metrics
measure "metrics --period week" "$BIN" -w "$TMP/pq" metrics --period week
"$BIN" -w "$TMP/pq" metrics --kind builds
