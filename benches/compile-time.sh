#!/usr/bin/env bash
# Compile-time cost of the macros: an app of FUNCTIONS annotated functions against the same handlers
# written by hand on axum. Both crates are generated under target/compile-bench (outside the workspace,
# one shared target directory so their dependencies are built once, before any timing), then for each:
#   clean:       `cargo clean -p <crate>` + `cargo build` (the crate alone; dependencies stay built)
#   incremental: change one function body (a string literal) + `cargo build`
# Each figure is the median of RUNS builds, dev profile (the edit-compile loop). Method and figures:
# benches/README.md.
#
#   bash benches/compile-time.sh            # FUNCTIONS=50 RUNS=5
#   DEV_PROFILE='debug = "line-tables-only"' bash benches/compile-time.sh   # the same [profile.dev] for both
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
functions=${FUNCTIONS:-50}
runs=${RUNS:-5}
dir="$root/target/compile-bench"
# Extra [profile.dev] lines for both crates (default: none, Cargo's dev profile).
dev_profile=${DEV_PROFILE:-}
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
socketio-fn = { path = "$root/socketio-fn" }
tokio = { version = "1", features = ["full"] }
serde = { version = "1", features = ["derive"] }

[workspace]

[profile.dev]
$dev_profile
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

[profile.dev]
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

seconds() { # crate -> seconds of one `cargo build` (quiet)
  local start end
  start=$(date +%s.%N)
  cargo build -q --manifest-path "$dir/$1/Cargo.toml"
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.2f}')"
}

median() { python3 -c "import statistics,sys; print(f'{statistics.median(map(float, sys.argv[1:])):.2f}')" "$@"; }

# Dependencies first, untimed.
for crate in macros-app axum-app; do
  cargo build -q --manifest-path "$dir/$crate/Cargo.toml"
done

declare -A clean incremental
for crate in macros-app axum-app; do
  c=() ; n=()
  for run in $(seq "$runs"); do
    cargo clean -q -p "$crate" --manifest-path "$dir/$crate/Cargo.toml"
    c+=("$(seconds "$crate")")
    # One function body changes (a different literal each run), as in an edit-compile loop.
    sed -i "s/{text} 1\"\\|{text} 1 edit [0-9]*\"/{text} 1 edit $run\"/" "$dir/$crate/src/main.rs"
    n+=("$(seconds "$crate")")
  done
  clean[$crate]=$(median "${c[@]}")
  incremental[$crate]=$(median "${n[@]}")
  echo "$crate: clean ${c[*]} s, incremental ${n[*]} s" >&2
done

python3 - "${clean[macros-app]}" "${clean[axum-app]}" "${incremental[macros-app]}" "${incremental[axum-app]}" "$functions" "$runs" <<'PY'
import sys
cm, ca, im, ia, functions, runs = map(float, sys.argv[1:7])
import os
extra = os.environ.get("DEV_PROFILE", "").strip()
print(f"{int(functions)} functions, dev profile{' with ' + repr(extra) if extra else ''}, medians of {int(runs)} builds:")
print(f"  clean build of the crate:  macros {cm:5.2f} s   hand-written axum {ca:5.2f} s   ratio {cm / ca:.2f} (target <= 1.3)")
print(f"  incremental (one body):    macros {im:5.2f} s   hand-written axum {ia:5.2f} s   ratio {im / ia:.2f} (target <= 1.3)")
PY
