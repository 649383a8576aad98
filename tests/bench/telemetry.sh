#!/usr/bin/env bash
# Telemetry benchmark (issue 4): import 10,000,000 generated build events from CSV and from
# Parquet, then one aggregate over them. Needs `cargo build --release`.
#
#   tests/bench/telemetry.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-10000000}
BIN=${PULSE_BIN:-${CARGO_TARGET_DIR:-target}/release/pulse}
[ -x "$BIN" ] || { echo "build first: cargo build --release (looked for $BIN)" >&2; exit 2; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$TMP/time" "$@" > "$TMP/out" 2>&1 || { cat "$TMP/out"; exit 1; }
  read -r secs kb < "$TMP/time"
  printf '%-44s %7.2f s  %7.0f MB\n' "$label" "$secs" "$((kb / 1024))"
}

"$BIN" generate builds --out "$TMP/builds.csv" --respondents "$N"
"$BIN" generate builds --out "$TMP/builds.parquet" --respondents "$N"
"$BIN" init "$TMP/ws" > /dev/null
measure "import telemetry builds.csv ($N rows)" "$BIN" -w "$TMP/ws" import telemetry "$TMP/builds.csv" --kind builds --source csv
measure "import telemetry builds.parquet ($N rows)" "$BIN" -w "$TMP/ws" import telemetry "$TMP/builds.parquet" --kind builds --source pq
measure "query: p50 duration, failure rate" "$BIN" -w "$TMP/ws" query "SELECT source, count(*) AS n, median(duration_s) AS p50, avg(CASE WHEN result = 'failure' THEN 1.0 ELSE 0.0 END) AS failure_rate FROM builds GROUP BY source"
