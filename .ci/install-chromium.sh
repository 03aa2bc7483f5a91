#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (test/e2e) when it is not there yet. The
# tests drive it with playwright-core at /usr/bin/chromium; Playwright's own browser download
# cannot work here (no internet but the package registries), Debian's package can.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  printf 'chromium: %s\n' "$(/usr/bin/chromium --version 2>/dev/null || echo 'present')"
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" apt-get install -y -q chromium
printf 'chromium: %s\n' "$(/usr/bin/chromium --version 2>/dev/null)"
