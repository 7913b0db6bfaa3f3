#!/usr/bin/env bash
# Out-of-process benchmark of the output path: each sender in turn pinned to core 0, the sink (a
# server answering 202) pinned to core 1. Senders: `app` (ServiceHandle::send), `floor` (raw reqwest,
# token signed once) and `sdk` (Microsoft's Node @azure/web-pubsub), rounds alternating, at each
# concurrency. Method and figures: benches/README.md ("`output`").
#
#   bash benches/output.sh       # ROUNDS=5 SECONDS_PER_ROUND=3 CONCURRENCIES="1 32" SENDERS="floor app sdk"
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/lib.sh
rounds=${ROUNDS:-5}
seconds=${SECONDS_PER_ROUND:-3}
concurrencies=${CONCURRENCIES:-1 32}
senders=${SENDERS:-floor app sdk}
port=${PORT:-18201}
cargo build --release -q -p output-bench
bin=target/release
if [[ " $senders " == *" sdk "* && ! -d tests/e2e/node_modules/@azure/web-pubsub ]]; then
  (cd tests/e2e && npm ci --no-audit --no-fund --silent)
fi

refuse_ports_in_use "$port"
taskset -c 1 env PORT="$port" "$bin/output-sink" &
sink=$!
trap 'kill $sink 2>/dev/null || true' EXIT
wait_ready "$port"

results=$(
  for c in $concurrencies; do
    for _ in $(seq "$rounds"); do
      for s in $senders; do
        if [[ $s == sdk ]]; then
          taskset -c 0 env PORT="$port" CONCURRENCY="$c" SECONDS="$seconds" WARMUP=1 node benches/output/sdk.mjs
        else
          taskset -c 0 env SENDER="$s" PORT="$port" CONCURRENCY="$c" SECONDS="$seconds" WARMUP=1 RUST_LOG=warn "$bin/output-send"
        fi
      done
    done
  done
)
echo "$results"
python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in sys.argv[1].splitlines()]
for c in sorted({r["concurrency"] for r in rows}):
    at = [r for r in rows if r["concurrency"] == c]
    senders = [s for s in ("floor", "app", "sdk") if any(r["sender"] == s for r in at)]
    by = {s: [r for r in at if r["sender"] == s] for s in senders}
    print(f"C={c}, medians of {len(by[senders[0]])} rounds:")
    for s in senders:
        print(f"  {s:6} {statistics.median(r['sends_per_s'] for r in by[s]):8.0f} sends/s   "
              f"{statistics.median(r['cpu_us_per_send'] for r in by[s]):7.2f} us CPU per send")
    if "floor" in by and "app" in by:
        # Rounds pair up in order (floor, app, ... each round): the median of per-round ratios.
        tput = [a["sends_per_s"] / f["sends_per_s"] for f, a in zip(by["floor"], by["app"])]
        cpu = [a["cpu_us_per_send"] / f["cpu_us_per_send"] for f, a in zip(by["floor"], by["app"])]
        print(f"  app/floor throughput {statistics.median(tput):.3f} (rounds {sorted(round(x, 2) for x in tput)})")
        print(f"  app/floor CPU per send {statistics.median(cpu):.3f} (rounds {sorted(round(x, 2) for x in cpu)})")
    if "sdk" in by and "app" in by:
        tput = [a["sends_per_s"] / k["sends_per_s"] for k, a in zip(by["sdk"], by["app"])]
        print(f"  app/sdk throughput {statistics.median(tput):.2f}")
PY
