#!/usr/bin/env bash
# Start-up time: from spawning a server to its first `/readyz` 200, the README app (`bench-app`, a
# release binary, key mode) against Microsoft's @azure/web-pubsub-express handler on express
# (benches/startup/express.mjs, Node). Each server in turn pinned to core 0, the poller (one GET every
# 0.5 ms on a new connection) on core 1; rounds alternate. Method and figures: benches/README.md
# ("`startup`").
#
#   bash benches/startup.sh        # ROUNDS=20
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/lib.sh
rounds=${ROUNDS:-20}
port=${PORT:-18401}
cargo build --release -q -p webhook-bench
[[ -d tests/e2e/node_modules/@azure/web-pubsub-express ]] || (cd tests/e2e && npm ci --no-audit --no-fund --silent)
refuse_ports_in_use "$port"
# express and the handler come from tests/e2e's packages (the versions the end-to-end tests pin).
ln -sfn "$PWD/tests/e2e/node_modules" benches/startup/node_modules
trap 'rm -f benches/startup/node_modules' EXIT
taskset -c 1 python3 - "$rounds" "$port" <<'PY'
import os, socket, statistics, subprocess, sys, time
rounds, port = int(sys.argv[1]), int(sys.argv[2])
servers = {
    "app": ["target/release/bench-app"],
    "express": ["node", "benches/startup/express.mjs"],
}
env = dict(os.environ, SOCKETIO_FN_ADDR=f"127.0.0.1:{port}", PORT=str(port), RUST_LOG="warn",
           WebPubSubForSocketIOConnectionString="Endpoint=http://localhost;Port=8080;AccessKey=7aab239577fd4f24bc919802fb629f5f;Version=1.0;")
request = b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"

def ready():
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(request)
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False

def start_to_ready(command):
    t0 = time.perf_counter()
    child = subprocess.Popen(["taskset", "-c", "0", *command], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not ready():
            if child.poll() is not None:
                sys.exit(f"{command} exited with {child.returncode}")
            if time.perf_counter() - t0 > 30:
                sys.exit(f"{command} not ready within 30 s")
            time.sleep(0.0005)
        return (time.perf_counter() - t0) * 1000
    finally:
        child.terminate()
        child.wait()
        while ready():  # the port free again before the next round
            time.sleep(0.01)

times = {name: [] for name in servers}
for _ in range(rounds):
    for name, command in servers.items():
        times[name].append(start_to_ready(command))
for name, ms in times.items():
    print(f"  {name:8} start to /readyz 200: median {statistics.median(ms):7.1f} ms "
          f"(min {min(ms):.1f}, max {max(ms):.1f}, {len(ms)} starts)")
ratios = [e / a for a, e in zip(times["app"], times["express"])]
print(f"  express/app: {statistics.median(ratios):.1f}x (median of per-round ratios)")
PY
