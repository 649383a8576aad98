# Shared by the benchmark scripts: the release binary, a temp folder, and `measure LABEL CMD...`
# (wall time and peak memory from /usr/bin/time).
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
