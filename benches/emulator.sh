#!/usr/bin/env bash
# The emulator against Node's socket.io server, same clients, same machine: each server in turn pinned
# to core 0 (the app with its embedded emulator is one process, as `cargo run` starts it; Node's
# socket.io 4.8.4 with default options), the socket.io-client load (benches/emulator/load.mjs) pinned
# to core 1; rounds alternate. Method and figures: benches/README.md ("`emulator`").
#
#   bash benches/emulator.sh        # ROUNDS=3 CLIENTS=1000 BROADCASTS=20 ACKERS=20 ROUND_TRIPS=200
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/lib.sh
rounds=${ROUNDS:-3}
port=${PORT:-18301}
cargo build --release -q -p emulator-bench
(cd benches/emulator && [[ -d node_modules/socket.io ]] || npm ci --no-audit --no-fund --silent)

run_one() { # node|emulator port
  local pid
  refuse_ports_in_use "$2" "$(($2 + 1))"
  if [[ $1 == node ]]; then
    taskset -c 0 env PORT="$2" node benches/emulator/node-server.mjs >/dev/null &
    pid=$!
    wait_ready "$2"
    taskset -c 1 env SERVER=node URL="http://127.0.0.1:$2" SERVER_PID="$pid" node benches/emulator/load.mjs
  else
    # The app on $2, its emulator on $2+1; RUST_LOG=warn: no line per connection.
    (cd benches/emulator && exec taskset -c 0 env SOCKETIO_FN_ADDR="127.0.0.1:$2" \
      SOCKETIO_FN_EMULATOR_ADDR="127.0.0.1:$(($2 + 1))" RUST_LOG=warn \
      ../../target/release/emulator-bench-app >/dev/null 2>&1) &
    pid=$!
    wait_ready "$2"
    wait_ready "$(($2 + 1))"
    taskset -c 1 env SERVER=emulator URL="http://127.0.0.1:$2" NEGOTIATE=1 SERVER_PID="$pid" node benches/emulator/load.mjs
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

results=$(
  for round in $(seq "$rounds"); do
    run_one node $((port + 4 * round))
    run_one emulator $((port + 4 * round + 2))
  done
)
echo "$results"
python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in sys.argv[1].splitlines()]
by = {s: [r for r in rows if r["server"] == s] for s in ("node", "emulator")}
metrics = [("connects_per_s", "connects per second", True), ("cpu_us_per_connect", "server CPU per connect (us)", False),
           ("deliveries_per_s", "fan-out deliveries per second", True), ("cpu_us_per_delivery", "server CPU per delivery (us)", False),
           ("ack_p50_ms", "acked round trip p50 (ms)", False), ("ack_p99_ms", "acked round trip p99 (ms)", False),
           ("cpu_us_per_round_trip", "server CPU per round trip (us)", False), ("bytes_per_idle_socket", "memory per idle socket (bytes)", False)]
print(f"medians of {len(by['node'])} rounds; ratio = emulator/node (median of per-round ratios); better = which wins")
for key, label, higher in metrics:
    n, e = [r[key] for r in by["node"]], [r[key] for r in by["emulator"]]
    ratio = statistics.median(b / a for a, b in zip(n, e) if a)
    better = "emulator" if (ratio > 1) == higher else "node"
    print(f"  {label:34} node {statistics.median(n):>10}   emulator {statistics.median(e):>10}   ratio {ratio:.2f}   {better}")
PY
