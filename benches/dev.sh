#!/usr/bin/env bash
# `cargo socketio-fn dev`: from a saved change to the new build serving, for the app `cargo socketio-fn
# new` writes; ROUNDS edits (each a new ack text), their median as `dev` reports it ("reloaded in"),
# while one socket.io-client emits an acked event every 100 ms and counts its disconnects and failed
# acks. Method and figures: benches/README.md ("`dev`").
#
#   bash benches/dev.sh        # ROUNDS=5 PORT=18401
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/lib.sh
rounds=${ROUNDS:-5}
port=${PORT:-18401}
refuse_ports_in_use "$port" "$((port + 1))"
cargo build -q -p cargo-socketio-fn
(cd benches/emulator && [[ -d node_modules/socket.io-client ]] || npm ci --no-audit --no-fund --silent)
dir=$(mktemp -d)
dev=""
client=""
cleanup() {
  [[ -n $client ]] && kill "$client" 2>/dev/null
  [[ -n $dev ]] && kill -INT "$dev" 2>/dev/null && wait "$dev" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
target/debug/cargo-socketio-fn socketio-fn new "$dir/bench-app" >/dev/null
cp Cargo.lock "$dir/bench-app/"
log="$dir/dev.log"
# The app builds in the workspace's target directory: its dependencies are built once, as on a
# developer's machine after the first `cargo run`.
SOCKETIO_FN_ADDR="127.0.0.1:$port" SOCKETIO_FN_EMULATOR_ADDR="127.0.0.1:$((port + 1))" \
  CARGO_TARGET_DIR="$PWD/target" target/debug/cargo-socketio-fn socketio-fn dev \
  --manifest-path "$dir/bench-app/Cargo.toml" >"$log" 2>&1 &
dev=$!
for _ in $(seq 1200); do grep -q '\[dev\] serving (pid' "$log" && break; sleep 0.5; done
grep -q '\[dev\] serving (pid' "$log" || { cat "$log"; exit 1; }
APP_URL="http://127.0.0.1:$port" node benches/emulator/dev-client.mjs >"$dir/client.json" &
client=$!
sleep 2
main="$dir/bench-app/src/lib.rs"
previous='"received"'
for round in $(seq "$rounds"); do
  done_before=$(grep -c '\[dev\] reloaded in' "$log" || true)
  sed -i "s/Ack(($previous,))/Ack((\"round$round\",))/" "$main"
  previous="\"round$round\""
  for _ in $(seq 600); do
    [[ $(grep -c '\[dev\] reloaded in' "$log" || true) -gt $done_before ]] && break
    sleep 0.2
  done
  sleep 1
done
kill -TERM "$client"; wait "$client" 2>/dev/null || true
client=""
grep '\[dev\] reloaded in' "$log"
python3 - "$log" "$dir/client.json" <<'PY'
import json, re, statistics, sys
times = [float(t) for t in re.findall(r"\[dev\] reloaded in ([0-9.]+) s", open(sys.argv[1]).read())]
client = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
print(f"reloads {len(times)}: median {statistics.median(times):.1f} s (min {min(times):.1f}, max {max(times):.1f})")
print(f"client: {client['events']} events, acks by text {client['acks']}, failed {client['failed']}, disconnects {client['disconnects']}")
PY
