#!/usr/bin/env bash
# User-space instructions per request of each server, counted by valgrind (callgrind): deterministic
# where throughput on a shared 2-core VM is not. Each server runs under valgrind twice, answering
# SMALL then LARGE requests from the load generator; (I(LARGE) - I(SMALL)) / (LARGE - SMALL) is the
# cost of one request without start-up and shutdown. Kernel work (sockets) is not counted: it is the
# same for both servers (same request and reply bytes). Method and figures: benches/README.md.
#
#   bash benches/instructions.sh        # SMALL=2000 LARGE=12000 CONNECTIONS=32
#   TELEMETRY=1 bash benches/instructions.sh
#                                       # the app built with socketio-fn/otel, exporting every span and
#                                       # metric to a local OTLP receiver (answering 200) every 100 ms
set -euo pipefail
cd "$(dirname "$0")/.."
small=${SMALL:-2000}
large=${LARGE:-12000}
connections=${CONNECTIONS:-32}
port=${PORT_BASE:-18171}
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
telemetry=${TELEMETRY:-}
app_env=()
if [ -n "$telemetry" ]; then
  cargo build --release -q -p webhook-bench --features socketio-fn/otel
  otlp_port=$((port + 50))
  python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200); self.send_header("content-length", "0"); self.end_headers()
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
' "$otlp_port" &
  otlp_pid=$!
  app_env=(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$otlp_port" OTEL_BSP_SCHEDULE_DELAY=100 OTEL_METRIC_EXPORT_INTERVAL=100)
else
  cargo build --release -q -p webhook-bench
fi
bin=target/release
connection_string="Endpoint=http://localhost;Port=8080;AccessKey=7aab239577fd4f24bc919802fb629f5f;Version=1.0;"
out=$(mktemp -d)
trap 'rm -rf "$out"; [ -n "${otlp_pid:-}" ] && kill "$otlp_pid" 2>/dev/null || true' EXIT

count() { # binary requests -> total instructions
  port=$((port + 1))
  env "${app_env[@]}" BARE_SERVER=${BARE_SERVER:-axum} SOCKETIO_FN_ADDR="127.0.0.1:$port" WebPubSubForSocketIOConnectionString="$connection_string" RUST_LOG=warn \
    valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$bin/$1" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 400); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.05
  done
  URL="127.0.0.1:$port" CONNECTIONS="$connections" REQUESTS="$2" "$bin/bench-load" >"$out/load.json"
  kill -INT "$pid"; kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  python3 -c "import json,sys; r=json.load(open(sys.argv[1])); assert r['errors']==0 and r['requests']==int(sys.argv[2]), r" \
    "$out/load.json" "$2"
  grep -m1 '^summary:' "$out/cg" | awk '{print $2}'
}

for server in bench-bare bench-app; do
  a=$(count "$server" "$small")
  b=$(count "$server" "$large")
  echo "$server $(( (b - a) / (large - small) ))"
done | python3 -c '
import sys
rows = dict(line.split() for line in sys.stdin)
bare, app = int(rows["bench-bare"]), int(rows["bench-app"])
print(f"user-space instructions per request: bare axum {bare}, app {app} (+{app - bare}, x{app / bare:.2f})")
'
