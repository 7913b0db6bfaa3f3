# Helpers shared by the bench scripts (sourced, not run).

# wait_ready PORT: waits (at most 10 s) until something accepts connections on 127.0.0.1:PORT.
wait_ready() {
  for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "server on port $1 did not start" >&2
  return 1
}

# refuse_ports_in_use PORT...: exits when one of the ports already accepts connections (a stale
# server or another run would be measured instead).
refuse_ports_in_use() {
  for p in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "port $p is in use (another run?); set the script's port variable" >&2
      exit 1
    fi
  done
}
