#!/usr/bin/env bash
# Telemetry benchmark (issue 4): import 10,000,000 generated build events from CSV and from
# Parquet, then one aggregate over them. Needs `cargo build --release`.
#
#   tests/bench/telemetry.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-10000000}
# shellcheck source=tests/bench/common.sh
. tests/bench/common.sh

"$BIN" generate builds --out "$TMP/builds.csv" --respondents "$N"
"$BIN" generate builds --out "$TMP/builds.parquet" --respondents "$N"
"$BIN" init "$TMP/ws" > /dev/null
measure "import telemetry builds.csv ($N rows)" "$BIN" -w "$TMP/ws" import telemetry "$TMP/builds.csv" --kind builds --source csv
measure "import telemetry builds.parquet ($N rows)" "$BIN" -w "$TMP/ws" import telemetry "$TMP/builds.parquet" --kind builds --source pq
measure "query: p50 duration, failure rate" "$BIN" -w "$TMP/ws" query "SELECT source, count(*) AS n, median(duration_s) AS p50, avg(CASE WHEN result = 'failure' THEN 1.0 ELSE 0.0 END) AS failure_rate FROM builds GROUP BY source"
measure "metrics (builds, per quarter)" "$BIN" -w "$TMP/ws" metrics
