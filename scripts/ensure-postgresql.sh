#!/usr/bin/env bash
# The several-nodes tests start their own PostgreSQL (Debian's package) in a temp dir on a free port.
# Install the package once if it is missing; the tests never use a server the machine already runs.
set -euo pipefail
if command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then exit 0; fi
bash "$(dirname "$0")/apt-install.sh" postgresql "for the several-nodes tests"
echo "PostgreSQL installed: $(ls -d /usr/lib/postgresql/*/bin | head -1)"
