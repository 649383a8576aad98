#!/usr/bin/env bash
# System tools the report tests use, from Debian's packages: poppler-utils (pdfinfo, pdffonts,
# pdftotext, pdftohtml, pdftoppm) and chromium (headless screenshots of the HTML report).
# `cargo test` runs without them (those checks say "skipped"); `.ci/run` calls this script and
# sets PULSE_REQUIRE_TOOLS=1 so they must run there.
set -euo pipefail
need=()
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v chromium >/dev/null || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then
    echo "test tools present"
    exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "${need[@]}" \
    || { $sudo apt-get update -q && $sudo apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "${need[@]}"; }
