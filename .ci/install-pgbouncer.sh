#!/usr/bin/env bash
# Installs Debian's pgbouncer for test/integration/pgbouncer.test.ts when it is not there yet.
# Idempotent, and bounded: apt gets at most INSTALL_TIMEOUT seconds (waiting for the dpkg lock
# included). If it does not finish, this says so and CI goes on; the test then fails under CI
# with "pgbouncer is not installed" rather than CI hanging on a slow mirror.
set -euo pipefail

found=$(command -v pgbouncer || ls /usr/sbin/pgbouncer 2>/dev/null || true)
if [ -n "$found" ]; then
  printf 'pgbouncer: %s\n' "$("$found" --version 2>/dev/null | head -n 1)"
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
limit=${INSTALL_TIMEOUT:-300}
apt=(-o DPkg::Lock::Timeout=60 -q)

export DEBIAN_FRONTEND=noninteractive
# The package lists are fetched only when they do not know the package yet.
if ! apt-cache policy pgbouncer 2>/dev/null | grep -q 'Candidate: [0-9]'; then
  timeout "$limit" "${as_root[@]}" apt-get "${apt[@]}" update || echo 'pgbouncer: apt-get update failed or timed out'
fi
if timeout "$limit" "${as_root[@]}" apt-get "${apt[@]}" install -y --no-install-recommends pgbouncer; then
  printf 'pgbouncer: %s\n' "$(/usr/sbin/pgbouncer --version 2>/dev/null | head -n 1)"
else
  echo "pgbouncer: not installed (apt failed or took over ${limit} s); test/integration/pgbouncer.test.ts will fail under CI"
fi
