#!/usr/bin/env bash
# pulse against the tools a user would otherwise use, side by side in one run (issue 11):
# each pair runs alternately (pulse, peer, pulse, peer, ...) RUNS times and the script prints
# the ratio of the medians, plus peak memory.
#
#   tests/bench/peers.sh [RESPONDENTS] [QUESTIONS] [RUNS]
#
# With PULSE_BASELINE=/path/to/an/older/pulse, that binary runs in the same alternation (in its
# own workspace) and its numbers print beside, for a before/after table from one run.
# PEERS_SKIP_REPORT=1 leaves out the report pair (the longest) for a quick import/commands run.
#
# Peers: the pandas pipeline for `import survey` (read -> melt -> map labels -> Parquet), a bare
# polars CSV read, and a pandas + scipy + matplotlib script for `pulse report` (summaries,
# Mann-Whitney + BH, one chart per question). Needs `cargo build --release`; the Python peers
# are installed from tests/bench/peers/requirements.txt when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-100000}
Q=${2:-60}
RUNS=${3:-3}
# shellcheck source=tests/bench/common.sh
. tests/bench/common.sh
PEERS=tests/bench/peers
python3 -c "import pandas, pyarrow, scipy, matplotlib, polars" 2>/dev/null \
  || python3 -m pip install -q -r "$PEERS/requirements.txt"

"$BIN" generate bench --out "$TMP/r1.csv" --respondents "$N" --questions "$Q" > /dev/null
"$BIN" generate bench --out "$TMP/r2.csv" --respondents "$N" --questions "$Q" --seed 7 > /dev/null

# run LABEL CMD... -> appends "secs kb" to $TMP/LABEL.times
run() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$TMP/time" "$@" > "$TMP/out" 2>&1 || { cat "$TMP/out"; exit 1; }
  cat "$TMP/time" >> "$TMP/$label.times"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
stats() { # label -> "median_s peak_mb"
  local m; m=$(cut -d' ' -f1 "$TMP/$1.times" | median)
  local kb; kb=$(cut -d' ' -f2 "$TMP/$1.times" | sort -n | tail -1)
  echo "$m $((kb / 1024))"
}
ratio() { # label_a label_b title
  read -r ma ka <<< "$(stats "$1")"; read -r mb kb <<< "$(stats "$2")"
  awk -v t="$3" -v a="$ma" -v b="$mb" -v ka="$ka" -v kb="$kb" -v la="$1" -v lb="$2" \
    'BEGIN { printf "%-52s %-14s %6.2f s %6d MB | %-14s %6.2f s %6d MB | ratio %.2fx\n", t, la, a, ka, lb, b, kb, a / b }'
}

BASE=${PULSE_BASELINE:-}
# baseline LABEL ARGS... -> runs the baseline binary (workspace $TMP/ws-base) when there is one
baseline() { local label=$1; shift; [ -z "$BASE" ] || run "$label" "$BASE" -w "$TMP/ws-base" "$@"; }

for i in $(seq "$RUNS"); do
  rm -rf "$TMP/ws"; "$BIN" init "$TMP/ws" > /dev/null
  run pulse-import "$BIN" -w "$TMP/ws" import survey "$TMP/r1.csv" --round 2026-Q2
  run pandas-import python3 "$PEERS/import_pandas.py" "$TMP/r1.csv" "$TMP/pandas.parquet"
  run polars-read python3 -c "import polars as pl, sys; pl.read_csv(sys.argv[1])" "$TMP/r1.csv"
  if [ -n "$BASE" ]; then rm -rf "$TMP/ws-base"; "$BASE" init "$TMP/ws-base" > /dev/null; fi
  baseline base-import import survey "$TMP/r1.csv" --round 2026-Q2
done
# An outcome question, so the report's drivers section runs too (the first rated statement).
for w in "$TMP/ws" ${BASE:+"$TMP/ws-base"}; do
  b=$BIN; [ "$w" = "$TMP/ws" ] || b=$BASE
  "$b" -w "$w" import survey "$TMP/r2.csv" --round 2026-Q3 > /dev/null
  OUTCOME=$("$b" -w "$w" questions --format csv | awk -F, 'NR > 1 && $2 == "likert" {print $1; exit}')
  sed -i "s/^# outcome = .*/outcome = \"$OUTCOME\"/" "$w/pulse.toml"
done
for i in $(seq "$RUNS"); do
  # Every report run makes the disclosure plans afresh, as the first one after an import does
  # (later runs would read them from .pulse/cache/).
  rm -rf "$TMP/ws/.pulse/cache" "$TMP/ws-base/.pulse/cache"
  if [ -z "${PEERS_SKIP_REPORT:-}" ]; then
    run pulse-report "$BIN" -w "$TMP/ws" report --round 2026-Q3 --out "$TMP/report-$i"
    run pandas-report python3 "$PEERS/report_pandas.py" "$TMP/r1.csv" "$TMP/r2.csv" "$TMP/pandas-$i"
    baseline base-report report --round 2026-Q3 --out "$TMP/base-report-$i"
  fi
  rm -rf "$TMP/ws/.pulse/cache" "$TMP/ws-base/.pulse/cache"
  run pulse-paired "$BIN" -w "$TMP/ws" compare 2026-Q2 2026-Q3 --paired
  baseline base-paired compare 2026-Q2 2026-Q3 --paired
  rm -rf "$TMP/ws/.pulse/cache" "$TMP/ws-base/.pulse/cache"
  run pulse-drivers "$BIN" -w "$TMP/ws" drivers --round 2026-Q3
  baseline base-drivers drivers --round 2026-Q3
done

echo "== $N respondents x $Q questions, 2 cores, median of $RUNS alternating runs"
ratio pulse-import pandas-import "import survey vs pandas pipeline (target <= 0.25x)"
ratio pulse-import polars-read "import survey vs bare polars CSV read"
[ -n "${PEERS_SKIP_REPORT:-}" ] || ratio pulse-report pandas-report "report (2 rounds) vs pandas+scipy+matplotlib (<= 0.25x)"
read -r m k <<< "$(stats pulse-paired)"; printf '%-52s %6.2f s %6d MB (target < 1.5 s)\n' "compare --paired" "$m" "$k"
read -r m k <<< "$(stats pulse-drivers)"; printf '%-52s %6.2f s %6d MB (target < 1.5 s)\n' "drivers" "$m" "$k"
if [ -n "$BASE" ]; then
  echo "== baseline $BASE, same runs"
  ratio base-import pandas-import "import survey (baseline) vs pandas pipeline"
  [ -n "${PEERS_SKIP_REPORT:-}" ] || ratio base-report pandas-report "report (baseline) vs pandas+scipy+matplotlib"
  for c in paired drivers; do
    read -r m k <<< "$(stats base-$c)"; printf '%-52s %6.2f s %6d MB\n' "$c (baseline)" "$m" "$k"
  done
fi
