#!/usr/bin/env bash
# Compile-time cost of the macros: an app of FUNCTIONS annotated functions against the same handlers
# written by hand on axum. Both crates are generated under target/compile-bench (outside the workspace,
# one shared target directory so their dependencies are built once, before any timing), then for each:
#   clean:       `cargo clean -p <crate>` + `cargo build` (the crate alone; dependencies stay built)
#   incremental: change one function body (a string literal) + `cargo build`
# Runs alternate between the crates; each figure is the median of RUNS builds, wall-clock and CPU time
# (user + system), and each ratio the median of the per-run ratios; dev profile. Method and figures:
# benches/README.md.
#
#   bash benches/compile-time.sh            # FUNCTIONS=50 RUNS=5
#   DEV_PROFILE='debug = "line-tables-only"' bash benches/compile-time.sh   # the same [profile.dev] for both
#   SOCKETIO_FN_OPTIONS='default-features = false' bash benches/compile-time.sh   # without the emulator
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
functions=${FUNCTIONS:-50}
runs=${RUNS:-5}
dir="$root/target/compile-bench"
# Extra [profile.dev] lines for both crates (default: none, Cargo's dev profile).
dev_profile=${DEV_PROFILE:+[profile.dev]
$DEV_PROFILE}
# The profile sections of the annotated app alone: by default those `cargo socketio-fn new` writes
# (cargo-socketio-fn/template/Cargo.toml.tmpl, from its first `[profile.` line), which the README's
# Cargo.toml has too; APP_PROFILE=none for Cargo's defaults. The hand-written axum app keeps Cargo's.
if [[ ${APP_PROFILE:-} == none ]]; then
  app_profile=""
else
  app_profile=${APP_PROFILE:-$(sed -n '/^\[profile\./,$p' "$root/cargo-socketio-fn/template/Cargo.toml.tmpl")}
fi
# Extra options of the app's socketio-fn dependency (default: none).
socketio_fn_options=${SOCKETIO_FN_OPTIONS:+, $SOCKETIO_FN_OPTIONS}
rm -rf "$dir/macros-app" "$dir/axum-app"
mkdir -p "$dir/macros-app/src" "$dir/axum-app/src"
export CARGO_TARGET_DIR="$dir/target"

# --- the app with annotated functions -----------------------------------------------------------
cat >"$dir/macros-app/Cargo.toml" <<EOF
[package]
name = "macros-app"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
socketio-fn = { path = "$root/socketio-fn"$socketio_fn_options }
tokio = { version = "1", features = ["full"] }
serde = { version = "1", features = ["derive"] }

[workspace]

$dev_profile

$app_profile
EOF
{
  echo "use socketio_fn::prelude::*;"
  echo
  for i in $(seq "$functions"); do
    cat <<EOF
#[socketio_trigger(hub = "hub", namespace = "/ns", event = "event $i")]
async fn handler_$i(
    #[socketio_parameter] text: String,
    #[socketio_parameter] count: u32,
) -> Ack<(String, u32)> {
    Ack((format!("{text} $i"), count + $i))
}

EOF
  done
  cat <<'EOF'
#[tokio::main]
async fn main() -> Result<(), socketio_fn::Error> {
    socketio_fn::run().await
}
EOF
} >"$dir/macros-app/src/main.rs"

# --- the same handlers by hand on axum ----------------------------------------------------------
cat >"$dir/axum-app/Cargo.toml" <<EOF
[package]
name = "axum-app"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
axum = "0.8"
tokio = { version = "1", features = ["full"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"

[workspace]

$dev_profile
EOF
{
  echo "use axum::{Json, Router, routing::post};"
  echo
  for i in $(seq "$functions"); do
    cat <<EOF
async fn handler_$i(Json((text, count)): Json<(String, u32)>) -> Json<(String, u32)> {
    Json((format!("{text} $i"), count + $i))
}

EOF
  done
  echo "#[tokio::main]"
  echo "async fn main() -> std::io::Result<()> {"
  echo "    let app = Router::new()"
  for i in $(seq "$functions"); do
    echo "        .route(\"/event-$i\", post(handler_$i))"
  done
  cat <<'EOF'
        ;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:7071").await?;
    axum::serve(listener, app).await
}
EOF
} >"$dir/axum-app/src/main.rs"

build() { # crate -> "wall cpu": seconds of one quiet `cargo build`, wall-clock and CPU (user + system
  # time of cargo and everything it ran: rustc, the linker). CPU time is what the build costs whatever
  # else the VM does; wall-clock is what a developer waits.
  python3 - "$dir/$1/Cargo.toml" <<'PY'
import resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(["cargo", "build", "-q", "--manifest-path", sys.argv[1]], check=True)
wall = time.perf_counter() - start
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{wall:.3f} {r.ru_utime + r.ru_stime:.3f}")
PY
}

# Dependencies first, untimed.
for crate in macros-app axum-app; do
  cargo build -q --manifest-path "$dir/$crate/Cargo.toml"
done

# Runs alternate between the crates, so each pair of builds shares the machine's state of the moment.
results=$(
  for run in $(seq "$runs"); do
    for crate in macros-app axum-app; do
      cargo clean -q -p "$crate" --manifest-path "$dir/$crate/Cargo.toml"
      echo "$crate clean $(build "$crate")"
      # One function body changes (a different literal each run), as in an edit-compile loop.
      sed -i "s/{text} 1\"\\|{text} 1 edit [0-9]*\"/{text} 1 edit $run\"/" "$dir/$crate/src/main.rs"
      echo "$crate incremental $(build "$crate")"
    done
  done
)
echo "$results" >&2

APP_PROFILE_SHOWN=$(echo "$app_profile" | grep -v '^#' | tr '\n' ' ') python3 - "$results" "$functions" "$runs" <<'PY'
import os, statistics, sys
rows = [line.split() for line in sys.argv[1].splitlines()]
get = lambda crate, kind, col: [float(r[col]) for r in rows if r[0] == crate and r[1] == kind]
extra = os.environ.get("DEV_PROFILE", "").strip()
options = os.environ.get("SOCKETIO_FN_OPTIONS", "").strip()
app = os.environ.get("APP_PROFILE_SHOWN", "").strip()
print(f"{sys.argv[2]} functions, dev profile{' with ' + repr(extra) if extra else ''}"
      f"{', socketio-fn with ' + repr(options) if options else ''}, medians of {sys.argv[3]} builds each;"
      f" the annotated app's own profile: {app or 'Cargo defaults'}:")
for kind, label in (("clean", "clean build of the crate"), ("incremental", "incremental (one body)")):
    for col, unit in ((2, "wall"), (3, "CPU ")):
        m, a = get("macros-app", kind, col), get("axum-app", kind, col)
        ratio = statistics.median(x / y for x, y in zip(m, a))
        print(f"  {label:26} {unit}  macros {statistics.median(m):5.2f} s   hand-written axum {statistics.median(a):5.2f} s"
              f"   ratio {ratio:.2f} (median of pairs; target <= 1.2)")
PY
