#!/usr/bin/env bash
# Out-of-process webhook benchmark: the README app and a bare axum handler as release binaries, each in
# turn pinned to core 0, the load generator pinned to core 1, same request, same run. Method and figures:
# benches/README.md.
#
#   bash benches/run.sh                      # ROUNDS=10 SECONDS_PER_ROUND=3 CONNECTIONS=32 APP_LOG=warn
#   APP_LOG=info bash benches/run.sh         # with the app's per-invocation info lines (to /dev/null)
#
# Prints throughput and latency (medians, and the median of per-round ratios) and each server's CPU
# time per request (from /proc/<pid>/stat over the whole load).
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/lib.sh
rounds=${ROUNDS:-10}
seconds=${SECONDS_PER_ROUND:-3}
connections=${CONNECTIONS:-32}
app_log=${APP_LOG:-warn}
port=${PORT_BASE:-18071}
cargo build --release -q -p webhook-bench
bin=target/release
connection_string="Endpoint=http://localhost;Port=8080;AccessKey=7aab239577fd4f24bc919802fb629f5f;Version=1.0;"

cpu_ticks() { # pid -> utime + stime of the process, in clock ticks (/proc/<pid>/stat fields 14, 15)
  awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$1/stat"
}
ticks_per_second=$(getconf CLK_TCK)

run_one() { # name binary port
  refuse_ports_in_use "$3"
  taskset -c 0 env SOCKETIO_FN_ADDR="127.0.0.1:$3" WebPubSubForSocketIOConnectionString="$connection_string" \
    RUST_LOG="$app_log" "$bin/$2" >/dev/null 2>&1 &
  local pid=$!
  wait_ready "$3"
  local result before after
  before=$(cpu_ticks "$pid")
  result=$(taskset -c 1 env URL="127.0.0.1:$3" CONNECTIONS="$connections" SECONDS="$seconds" WARMUP=1 "$bin/bench-load")
  after=$(cpu_ticks "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  # The server's CPU time (user + system) over the whole load, warm-up included, in clock ticks.
  echo "$1 ${result%\}},\"cpu_ticks\":$((after - before))}"
}

results=$(
  for round in $(seq "$rounds"); do
    run_one bare bench-bare $((port + 2 * round))
    run_one app bench-app $((port + 2 * round + 1))
  done
)
echo "$results"
python3 - "$results" "$app_log" "$connections" "$seconds" "$ticks_per_second" <<'PY'
import json, statistics, sys
rows = [line.split(" ", 1) for line in sys.argv[1].splitlines()]
by = {"bare": [], "app": []}
for name, data in rows:
    by[name].append(json.loads(data))
for name, runs in by.items():
    assert all(r["errors"] == 0 for r in runs), f"{name}: errors in {runs}"
med = {n: {k: statistics.median(r[k] for r in runs) for k in ("rps", "p50_us", "p99_us")} for n, runs in by.items()}
print(f"app log level {sys.argv[2]}, {sys.argv[3]} connections, {sys.argv[4]} s per round, medians of {len(by['app'])} rounds:")
for n in ("bare", "app"):
    m = med[n]
    print(f"  {n:5} {m['rps']:8.0f} req/s   p50 {m['p50_us']:5.0f} us   p99 {m['p99_us']:5.0f} us")
# Rounds alternate bare/app, so each pair shares the machine's state of the moment: the median of the
# per-round ratios is steadier than the ratio of medians when the VM's speed drifts.
pairs = list(zip(by["app"], by["bare"]))
rps_ratio = statistics.median(a["rps"] / b["rps"] for a, b in pairs)
p99_ratio = statistics.median(a["p99_us"] / b["p99_us"] for a, b in pairs)
spread = sorted(round(a["rps"] / b["rps"], 2) for a, b in pairs)
print(f"  throughput ratio app/bare: {rps_ratio:.3f} (median of rounds {spread}; target >= 0.85)")
print(f"  p99 ratio app/bare:        {p99_ratio:.2f} (target <= 1.3)")
# CPU time per request: what one request costs the server's core, whatever else the VM does meanwhile
# (time stolen by the hypervisor is not the process's CPU time). bare/app is the throughput ratio a
# saturated core would reach.
tick_us = 1e6 / float(sys.argv[5])
cpu = {n: statistics.median(r["cpu_ticks"] * tick_us / r["sent"] for r in runs) for n, runs in by.items()}
cpu_ratio = statistics.median((b["cpu_ticks"] / b["sent"]) / (a["cpu_ticks"] / a["sent"]) for a, b in pairs)
cpu_spread = sorted(round((b["cpu_ticks"] / b["sent"]) / (a["cpu_ticks"] / a["sent"]), 2) for a, b in pairs)
print(f"  server CPU per request:    bare {cpu['bare']:.2f} us, app {cpu['app']:.2f} us; bare/app {cpu_ratio:.3f} (median of rounds {cpu_spread})")
PY
