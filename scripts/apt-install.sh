#!/usr/bin/env bash
# apt-install.sh <package> <what it is for>: installs one Debian package, as root or through sudo.
# The ensure-*.sh scripts call it when the tests need a program the machine does not have yet.
set -euo pipefail
package="$1"
purpose="$2"
if [ "$(id -u)" != "0" ] && ! command -v sudo >/dev/null; then
  echo "$package is missing: install it with 'apt-get install -y $package' ($purpose)." >&2
  exit 1
fi
sudo_cmd=""; [ "$(id -u)" = "0" ] || sudo_cmd="sudo"
echo "Installing $package $purpose (apt-get, about a minute)…"
$sudo_cmd apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "$package" >/dev/null
