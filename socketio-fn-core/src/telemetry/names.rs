//! The names, units and attributes of what is exported (docs/observability.md).

/// Counter of finished invocations; attributes `function`, `event` (the function's event: `*` for
/// the catch-all), `outcome` (`Succeeded`, `Answered`, `Rejected`, `Failed`).
pub const INVOCATIONS: &str = "socketio_fn.invocations";
/// Histogram of invocation durations, in seconds (`s`); same attributes.
pub const INVOCATION_DURATION: &str = "socketio_fn.invocation.duration";
/// Up-down counter of invocations running now; attribute `function`.
pub const INVOCATIONS_ACTIVE: &str = "socketio_fn.invocations.active";
/// Counter of webhook requests refused before a function ran; attribute `http.response.status_code`
/// (400, 401, 404, 413, ...).
pub const WEBHOOK_REJECTIONS: &str = "socketio_fn.webhook.rejections";
/// Counter of REST calls to the service; attributes `operation`, `http.response.status_code` (0 when
/// the service did not answer).
pub const REST_CALLS: &str = "socketio_fn.rest.calls";
/// Histogram of REST call durations (every attempt and wait), in seconds; attribute `operation`.
pub const REST_DURATION: &str = "socketio_fn.rest.duration";
/// Counter of REST retries; attribute `operation`.
pub const REST_RETRIES: &str = "socketio_fn.rest.retries";
/// Counter of negotiations; attributes `hub`, `outcome` (`Succeeded`, `Failed`).
pub const NEGOTIATIONS: &str = "socketio_fn.negotiations";
