#!/usr/bin/env bash
# The panel's end-to-end test drives Debian's Chromium (a test tool's own browser download
# cannot work offline). Install it once if it is missing; everything else comes from npm.
set -euo pipefail
chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium_path" ]; then exit 0; fi
bash "$(dirname "$0")/apt-install.sh" chromium "for the browser tests (or set CHROMIUM_PATH)"
echo "Chromium installed: $($chromium_path --version 2>/dev/null || echo "$chromium_path")"
