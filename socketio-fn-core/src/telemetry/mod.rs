//! Traces and metrics (feature `otel`): OpenTelemetry over OTLP/HTTP with protobuf, configured by the
//! standard variables (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`,
//! `OTEL_TRACES_SAMPLER`, `OTEL_BSP_SCHEDULE_DELAY`, `OTEL_METRIC_EXPORT_INTERVAL`, ...). Nothing is
//! exported, and nothing recorded, unless an endpoint is set; without the feature every function here
//! does nothing.
//!
//! Spans: one server span per webhook invocation, named for the function, continuing a W3C
//! `traceparent`/`tracestate` the request carries; one client span per REST call to the service,
//! whose request carries `traceparent`; one server span per negotiation. The metrics' names and units
//! are in [`names`].

#[cfg(feature = "otel")]
mod otel;

pub mod names;

use std::time::Duration;

/// Whether telemetry is being exported (an endpoint was set and the exporters started).
pub fn enabled() -> bool {
    #[cfg(feature = "otel")]
    {
        otel::enabled()
    }
    #[cfg(not(feature = "otel"))]
    {
        false
    }
}

/// Flushes and stops the exporters (spans and metrics not yet sent go out now). `run()` calls it
/// after the server stopped; call it yourself if you serve with `App::serve`.
pub fn shutdown() {
    #[cfg(feature = "otel")]
    otel::shutdown();
}

/// Makes `span` continue the trace of a W3C `traceparent` (and `tracestate`) in `headers`.
pub(crate) fn continue_trace(span: &tracing::Span, headers: &axum::http::HeaderMap) {
    #[cfg(feature = "otel")]
    otel::continue_trace(span, headers);
    #[cfg(not(feature = "otel"))]
    let _ = (span, headers);
}

/// Records the span's OpenTelemetry `trace_id` and `span_id` as its fields, so that log lines inside
/// it carry them (JSON logs: in `span`).
pub(crate) fn record_ids(span: &tracing::Span) {
    #[cfg(feature = "otel")]
    otel::record_ids(span);
    #[cfg(not(feature = "otel"))]
    let _ = span;
}

/// Adds the current span's `traceparent` (and `tracestate`) to an outgoing request's headers.
pub(crate) fn inject(headers: &mut axum::http::HeaderMap) {
    #[cfg(feature = "otel")]
    otel::inject(headers);
    #[cfg(not(feature = "otel"))]
    let _ = headers;
}

/// One finished invocation: counted and timed by function, event and outcome.
pub(crate) fn invocation(
    function: &'static str,
    event: &str,
    outcome: &'static str,
    took: Duration,
) {
    #[cfg(feature = "otel")]
    otel::record_invocation(function, event, outcome, took);
    #[cfg(not(feature = "otel"))]
    let _ = (function, event, outcome, took);
}

/// An invocation starts (`+1`) or ends (`-1`).
pub(crate) fn in_flight(function: &'static str, delta: i64) {
    #[cfg(feature = "otel")]
    otel::record_in_flight(function, delta);
    #[cfg(not(feature = "otel"))]
    let _ = (function, delta);
}

/// A webhook request refused before any function ran, by its status.
pub(crate) fn rejection(status: u16) {
    #[cfg(feature = "otel")]
    otel::record_rejection(status);
    #[cfg(not(feature = "otel"))]
    let _ = status;
}

/// One REST call to the service: its operation, final status (0: no answer), retries and duration.
pub(crate) fn rest_call(operation: &'static str, status: u16, retries: u32, took: Duration) {
    #[cfg(feature = "otel")]
    otel::record_rest_call(operation, status, retries, took);
    #[cfg(not(feature = "otel"))]
    let _ = (operation, status, retries, took);
}

/// One negotiation, by hub and outcome.
pub(crate) fn negotiation(hub: &str, outcome: &'static str) {
    #[cfg(feature = "otel")]
    otel::record_negotiation(hub, outcome);
    #[cfg(not(feature = "otel"))]
    let _ = (hub, outcome);
}

/// The OpenTelemetry layer for the tracing subscriber, when an endpoint is set (starts the
/// exporters).
#[cfg(feature = "otel")]
pub(crate) fn layer<S>() -> Option<impl tracing_subscriber::Layer<S>>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    otel::layer()
}
