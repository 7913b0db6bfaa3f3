#!/usr/bin/env bash
# Edit, save, serve: from a saved change to the first ack with the new text, as one socket.io-client
# sees it (an acked event every 100 ms, reconnecting as an app's client would), ROUNDS edits, median;
# and what the client lost: disconnects and failed acks. Method and figures: benches/README.md
# ("`dev`").
#
# - `dev`: the app `cargo socketio-fn new` writes, under `cargo socketio-fn dev` (which also reports
#   its own "reloaded in" time, printed here);
# - `socketioxide`: the same event on a hand-written socketioxide 0.18 server (axum), rebuilt and
#   restarted on each save by a watch loop, as `cargo watch -x run` does.
#
# Both build in the workspace's target directory with the same dev profile (dependencies without
# debug info, opt-level 1), their dependencies built before the first round.
#
#   bash benches/dev.sh        # MODES="dev socketioxide" ROUNDS=5 PORT=18401
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/lib.sh
rounds=${ROUNDS:-5}
modes=${MODES:-dev socketioxide}
port=${PORT:-18401}
root=$PWD
cargo build -q -p cargo-socketio-fn
(cd benches/emulator && [[ -d node_modules/socket.io-client ]] || npm ci --no-audit --no-fund --silent)
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null || true; done; sleep 1; rm -rf "$work"; }
trap cleanup EXIT
now_ms() { date +%s%3N; }

# edit FILE FROM TO: one save.
edit() { sed -i "s/$2/$3/" "$1"; }

socketioxide_app() { # dir
  mkdir -p "$1/src"
  cat >"$1/Cargo.toml" <<'TOML'
[package]
name = "sx-bench-app"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
socketioxide = "0.18"
tokio = { version = "1", features = ["full"] }
axum = "0.8"

[profile.dev.package."*"]
debug = false
opt-level = 1
TOML
  cat >"$1/src/main.rs" <<'RS'
use socketioxide::SocketIo;
use socketioxide::extract::{AckSender, SocketRef};

#[tokio::main]
async fn main() {
    let (layer, io) = SocketIo::new_layer();
    io.ns("/", |s: SocketRef| async move {
        s.on("message", |ack: AckSender| async move {
            let _ = ack.send(&"received");
        });
    });
    let app = axum::Router::new().layer(layer);
    let address = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:18411".into());
    let listener = tokio::net::TcpListener::bind(address).await.unwrap();
    axum::serve(listener, app).await.unwrap();
}
RS
  cp "$root/Cargo.lock" "$1/"
}

run_mode() { # mode
  local mode=$1 dir="$work/$1" log="$work/$1.log" edits="$work/$1.edits" file client
  : >"$edits"
  if [[ $mode == dev ]]; then
    target/debug/cargo-socketio-fn socketio-fn new "$dir" >/dev/null
    cp Cargo.lock "$dir/"
    file="$dir/src/lib.rs"
    SOCKETIO_FN_ADDR="127.0.0.1:$port" SOCKETIO_FN_EMULATOR_ADDR="127.0.0.1:$((port + 1))" \
      CARGO_TARGET_DIR="$root/target" target/debug/cargo-socketio-fn socketio-fn dev \
      --manifest-path "$dir/Cargo.toml" >"$log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1200); do grep -q '\[dev\] serving (pid' "$log" && break; sleep 0.5; done
    APP_URL="http://127.0.0.1:$port" node benches/emulator/dev-client.mjs >"$work/$mode.json" &
  else
    socketioxide_app "$dir"
    file="$dir/src/main.rs"
    CARGO_TARGET_DIR="$root/target" cargo build -q --manifest-path "$dir/Cargo.toml"
    ADDR="127.0.0.1:$((port + 10))" "$root/target/debug/sx-bench-app" &
    server=$!
    wait_ready "$((port + 10))"
    SOCKET_URL="http://127.0.0.1:$((port + 10))" node benches/emulator/dev-client.mjs >"$work/$mode.json" &
  fi
  client=$!
  sleep 2
  local previous=received
  for round in $(seq "$rounds"); do
    now_ms >>"$edits"
    edit "$file" "\"$previous\"" "\"round$round\""
    previous=round$round
    if [[ $mode == socketioxide ]]; then
      # The watch loop: build, then stop the old server and start the new one.
      CARGO_TARGET_DIR="$root/target" cargo build -q --manifest-path "$dir/Cargo.toml"
      kill "$server"; wait "$server" 2>/dev/null || true
      ADDR="127.0.0.1:$((port + 10))" "$root/target/debug/sx-bench-app" &
      server=$!
    fi
    sleep 10
  done
  kill -TERM "$client"; wait "$client" 2>/dev/null || true
  [[ $mode == socketioxide ]] && { kill "$server"; wait "$server" 2>/dev/null || true; }
  [[ $mode == dev ]] && grep '\[dev\] reloaded in' "$log" | sed 's/^/  /'
  python3 - "$mode" "$edits" "$work/$mode.json" "$rounds" <<'PY'
import json, statistics, sys
mode, edits, result, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
edited = [int(l) for l in open(edits).read().split()]
client = json.loads(open(result).read().strip().splitlines()[-1])
seen = client["firstSeen"]
times = [(seen[f"round{i + 1}"] - edited[i]) / 1000 for i in range(rounds) if f"round{i + 1}" in seen]
print(f"{mode}: save -> first ack with the new text: median {statistics.median(times):.1f} s "
      f"(rounds {[round(t, 1) for t in times]}); {client['events']} events, failed acks {client['failed']}, "
      f"disconnects {client['disconnects']}")
PY
}

for mode in $modes; do run_mode "$mode"; done
