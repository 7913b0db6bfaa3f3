#!/usr/bin/env bash
# The emulator against Node's socket.io server, same clients, same machine: each server in turn pinned
# to core 0 (the app with its embedded emulator is one process, as `cargo run` starts it; Node's
# socket.io 4.8.4 with default options), the socket.io-client load (benches/emulator/load.mjs) pinned
# to core 1; rounds alternate. Method and figures: benches/README.md ("`emulator`").
#
# The embedded emulator hands webhook calls to the app's router in process (as `cargo run` does);
# `emulator-http` is the same app with SOCKETIO_FN_EMULATOR_TRANSPORT=http (the loopback hop);
# `emulator-admin` the same app with the Admin UI on (SOCKETIO_FN_EMULATOR_ADMIN=on, no UI connected).
#
#   bash benches/emulator.sh        # ROUNDS=3 SERVERS="node emulator" CLIENTS=1000 BROADCASTS=20 ACKERS=20 ROUND_TRIPS=200
#   SERVERS="node emulator emulator-http" bash benches/emulator.sh      # both transports in one run
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/lib.sh
rounds=${ROUNDS:-3}
servers=${SERVERS:-node emulator}
port=${PORT:-18301}
cargo build --release -q -p emulator-bench
(cd benches/emulator && [[ -d node_modules/socket.io ]] || npm ci --no-audit --no-fund --silent)

run_one() { # node|emulator|emulator-http|emulator-admin port
  local pid
  refuse_ports_in_use "$2" "$(($2 + 1))"
  if [[ $1 == node ]]; then
    taskset -c 0 env PORT="$2" node benches/emulator/node-server.mjs >/dev/null &
    pid=$!
    wait_ready "$2"
    taskset -c 1 env SERVER=node URL="http://127.0.0.1:$2" SERVER_PID="$pid" node benches/emulator/load.mjs
  else
    local transport=in-process admin=off
    [[ $1 == emulator-http ]] && transport=http
    [[ $1 == emulator-admin ]] && admin=on
    # The app on $2, its emulator on $2+1; RUST_LOG=warn: no line per connection.
    (cd benches/emulator && exec taskset -c 0 env SOCKETIO_FN_ADDR="127.0.0.1:$2" \
      SOCKETIO_FN_EMULATOR_ADDR="127.0.0.1:$(($2 + 1))" SOCKETIO_FN_EMULATOR_TRANSPORT="$transport" \
      SOCKETIO_FN_EMULATOR_ADMIN="$admin" \
      RUST_LOG=warn ../../target/release/emulator-bench-app >/dev/null 2>&1) &
    pid=$!
    wait_ready "$2"
    wait_ready "$(($2 + 1))"
    taskset -c 1 env SERVER="$1" URL="http://127.0.0.1:$2" NEGOTIATE=1 SERVER_PID="$pid" node benches/emulator/load.mjs
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

results=$(
  for round in $(seq "$rounds"); do
    slot=0
    for server in $servers; do
      run_one "$server" $((port + 8 * round + 2 * slot))
      slot=$((slot + 1))
    done
  done
)
echo "$results"
python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in sys.argv[1].splitlines()]
servers = list(dict.fromkeys(r["server"] for r in rows))
by = {s: [r for r in rows if r["server"] == s] for s in servers}
metrics = [("connects_per_s", "connects per second", True), ("cpu_us_per_connect", "server CPU per connect (us)", False),
           ("deliveries_per_s", "fan-out deliveries per second", True), ("cpu_us_per_delivery", "server CPU per delivery (us)", False),
           ("ack_p50_ms", "acked round trip p50 (ms)", False), ("ack_p99_ms", "acked round trip p99 (ms)", False),
           ("cpu_us_per_round_trip", "server CPU per round trip (us)", False), ("bytes_per_idle_socket", "memory per idle socket (bytes)", False)]
for other in [s for s in servers if s != "node"]:
    print(f"{other} against node, medians of {len(by['node'])} rounds; ratio = {other}/node (median of per-round ratios); better = which wins")
    for key, label, higher in metrics:
        n, e = [r[key] for r in by["node"]], [r[key] for r in by[other]]
        ratios = [b / a for a, b in zip(n, e) if a]
        ratio = statistics.median(ratios)
        better = other if (ratio > 1) == higher else "node"
        print(f"  {label:34} node {statistics.median(n):>10}   {other} {statistics.median(e):>10}   ratio {ratio:.2f}   {better}"
              f"   (rounds {sorted(round(x, 2) for x in ratios)})")
PY
