//! Log output: `RUST_LOG` filters (default `info`, the embedded emulator's per-call lines at `warn`); text with ANSI colours only on a terminal, or JSON
//! lines with `SOCKETIO_FN_LOG_FORMAT=json`.

use socketio_fn_protocol::setting_names::LOG_FORMAT;
use std::io::IsTerminal;

/// Whether `SOCKETIO_FN_LOG_FORMAT` asks for JSON log lines.
pub fn json_logs() -> bool {
    std::env::var(LOG_FORMAT).is_ok_and(|v| v.trim().eq_ignore_ascii_case("json"))
}

/// Installs a `tracing` subscriber, unless one is already set. Reads `RUST_LOG` and
/// `SOCKETIO_FN_LOG_FORMAT` from the environment; with the feature `otel` and
/// `OTEL_EXPORTER_OTLP_ENDPOINT` set, spans are exported too (`crate::telemetry`).
pub fn init_tracing() {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::{EnvFilter, Layer};
    // The embedded emulator's line per upstream call would repeat each "Executed" line of the app.
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,socketio_fn_emulator::upstream=warn"));
    let format = tracing_subscriber::fmt::layer();
    // `RUST_LOG` filters the log lines only: exported spans keep the invocations and REST calls
    // (at `info`) when the logs are quieter.
    let format = if json_logs() {
        format
            .json()
            .with_current_span(true)
            .with_filter(filter)
            .boxed()
    } else {
        let ansi = std::io::stdout().is_terminal();
        format.with_ansi(ansi).with_filter(filter).boxed()
    };
    let registry = tracing_subscriber::registry().with(format);
    #[cfg(feature = "otel")]
    let registry = registry.with(
        crate::telemetry::layer()
            .map(|otel| otel.with_filter(tracing_subscriber::filter::LevelFilter::INFO)),
    );
    let _ = registry.try_init();
}
