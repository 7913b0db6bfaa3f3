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
    use tracing_subscriber::EnvFilter;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    // The embedded emulator's line per upstream call would repeat each "Executed" line of the app.
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,socketio_fn_emulator::upstream=warn"));
    // With export on, `RUST_LOG` filters the log lines only (a per-layer filter): exported spans keep
    // the invocations and REST calls (at `info`) when the logs are quieter.
    #[cfg(feature = "otel")]
    if let Some(otel) = crate::telemetry::layer() {
        use tracing_subscriber::Layer;
        let otel = otel.with_filter(tracing_subscriber::filter::LevelFilter::INFO);
        let _ = tracing_subscriber::registry()
            .with(log_lines().with_filter(filter))
            .with(otel)
            .try_init();
        return;
    }
    // Otherwise one global filter: callsites it disables cost nothing per request.
    let registry = tracing_subscriber::registry()
        .with(filter)
        .with(log_lines());
    let _ = registry.try_init();
}

/// The log lines: JSON with `SOCKETIO_FN_LOG_FORMAT=json`, else text coloured on a terminal.
fn log_lines<S>() -> Box<dyn tracing_subscriber::Layer<S> + Send + Sync>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    use tracing_subscriber::Layer;
    let format = tracing_subscriber::fmt::layer();
    if json_logs() {
        format.json().with_current_span(true).boxed()
    } else {
        format.with_ansi(std::io::stdout().is_terminal()).boxed()
    }
}
