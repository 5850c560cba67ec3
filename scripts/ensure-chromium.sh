#!/usr/bin/env bash
# The panel's end-to-end test drives Debian's Chromium (a test tool's own browser download
# cannot work offline). Install it once if it is missing; everything else comes from npm.
set -euo pipefail
chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium_path" ]; then exit 0; fi
if [ "$(id -u)" != "0" ] && ! command -v sudo >/dev/null; then
  echo "Chromium is missing at $chromium_path: install it with 'apt-get install -y chromium' (or set CHROMIUM_PATH)." >&2
  exit 1
fi
sudo_cmd=""; [ "$(id -u)" = "0" ] || sudo_cmd="sudo"
echo "Installing Chromium for the browser tests (apt-get, about a minute)…"
$sudo_cmd apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
echo "Chromium installed: $($chromium_path --version 2>/dev/null || echo "$chromium_path")"
