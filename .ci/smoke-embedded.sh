#!/usr/bin/env bash
# Starts the server the way a new user does (`npm start`, no DATABASE_URL) on an empty data
# folder, asks the foundation's question, restarts it and checks the data survived.
set -euo pipefail
cd "$(dirname "$0")/.."

data_dir=$(mktemp -d)
port=${SMOKE_PORT:-4517}
log=$(mktemp)
pid=

cleanup() {
  local status=$?
  # A failed check (curl refused, a wrong answer) says nothing about why the server went away.
  if [ "$status" -ne 0 ]; then echo "--- server log (exit status $status)"; cat "$log"; fi
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$data_dir" "$log"
}
trap cleanup EXIT

start_server() {
  (unset DATABASE_URL; EMBEDDED_DATA_DIR="$data_dir" PORT="$port" exec node dist/src/index.js) >"$log" 2>&1 &
  pid=$!
  local started=$SECONDS
  until curl -fsS --max-time 5 "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "server exited before it was ready"; exit 1; fi
    if (( SECONDS - started > 60 )); then echo "server not ready after 60 s"; exit 1; fi
    sleep 0.2
  done
  echo "ready after $(( SECONDS - started )) s"
}

stop_server() {
  kill -TERM "$pid"
  wait "$pid" || { echo "server did not exit cleanly on SIGTERM"; exit 1; }
  pid=
}

graphql() {
  curl -fsS "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' --data "$1"
}

npm run -s build
start_server
cat "$log"
answer=$(graphql '{"query":"{ cities(first: 25) { totalCount edges { node { slug latest(indicator: \"homicide-rate\") { year value } } } } }"}')
node -e '
  const body = JSON.parse(process.argv[1]);
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  const edges = body.data.cities.edges;
  const pittsburgh = edges.find((e) => e.node.slug === "pittsburgh-us").node.latest;
  if (body.data.cities.totalCount !== 25 || edges.length !== 25) throw new Error("expected 25 cities");
  if (pittsburgh.year !== 2015 || pittsburgh.value !== 18.57) throw new Error("Pittsburgh: " + JSON.stringify(pittsburgh));
  console.log("25 cities; Pittsburgh homicide-rate", pittsburgh.year, pittsburgh.value);
' "$answer"
page=$(curl -fsS "http://127.0.0.1:$port/")
case "$page" in
  *"<title>rightsgraph explorer</title>"*) echo "explorer page served at /" ;;
  *) echo "no explorer page at /"; exit 1 ;;
esac
stop_server

start_server
answer=$(graphql '{"query":"{ releases { totalCount } cities { totalCount } }"}')
node -e '
  const body = JSON.parse(process.argv[1]);
  if (body.errors || body.data.releases.totalCount !== 1 || body.data.cities.totalCount !== 25) throw new Error(process.argv[1]);
  console.log("after restart: data kept, still one release");
' "$answer"
stop_server
