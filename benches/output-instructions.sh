#!/usr/bin/env bash
# User-space instructions per send of the output path (callgrind, all threads of the sender): each
# sender sends 2,000 then 12,000 times to the sink; the difference divided by 10,000 is one send
# without start-up. Deterministic where throughput is not. Method: benches/README.md ("`output`").
#
#   bash benches/output-instructions.sh       # CONCURRENCY=32 SENDERS="floor app"
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/lib.sh
concurrency=${CONCURRENCY:-32}
senders=${SENDERS:-floor app}
port=${PORT:-18202}
cargo build --release -q -p output-bench
bin=target/release
refuse_ports_in_use "$port"
PORT="$port" "$bin/output-sink" &
sink=$!
trap 'kill $sink 2>/dev/null || true' EXIT
wait_ready "$port"
out=$(mktemp -d)
count() { # sender sends -> instructions
  env PORT="$port" SENDER="$1" CONCURRENCY="$concurrency" COUNT="$2" RUST_LOG=warn \
    valgrind --tool=callgrind --callgrind-out-file="$out/cg.$1.$2" "$bin/output-send" >/dev/null 2>"$out/log"
  awk '/^summary:/ {print $2}' "$out/cg.$1.$2"
}
for s in $senders; do
  small=$(count "$s" 2000)
  large=$(count "$s" 12000)
  echo "$s: $(( (large - small) / 10000 )) instructions per send (C=$concurrency)"
done
rm -rf "$out"
