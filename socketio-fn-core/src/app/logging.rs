//! Log output: `RUST_LOG` filters (default `info`, the embedded emulator's per-call lines at `warn`); text with ANSI colours only on a terminal, or JSON
//! lines with `SOCKETIO_FN_LOG_FORMAT=json`.

use socketio_fn_protocol::setting_names::LOG_FORMAT;
use std::io::IsTerminal;

/// Whether `SOCKETIO_FN_LOG_FORMAT` asks for JSON log lines.
pub fn json_logs() -> bool {
    std::env::var(LOG_FORMAT).is_ok_and(|v| v.trim().eq_ignore_ascii_case("json"))
}

/// Installs a `tracing` subscriber, unless one is already set. Reads `RUST_LOG` and
/// `SOCKETIO_FN_LOG_FORMAT` from the environment.
pub fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    // The embedded emulator's line per upstream call would repeat each "Executed" line of the app.
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,socketio_fn_emulator::upstream=warn"));
    let json = json_logs();
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = if json {
        builder.json().with_current_span(true).try_init()
    } else {
        builder
            .with_ansi(std::io::stdout().is_terminal())
            .try_init()
    };
}
