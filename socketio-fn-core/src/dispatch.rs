//! Running a function, the one path of the webhook's and the Functions host's invocations: its hooks,
//! a panic caught as a failed invocation, one log line with the outcome and duration, the span and
//! metrics; the caller renders the answer (an HTTP reply for the webhook, `ReturnValue` for the host).

use crate::hook::{Decision, HookCall, InvocationHook};
use crate::invocation::Invocation;
use crate::registry::ResolvedFunction;
use crate::response::{InvocationError, Reply};
use crate::telemetry;
use axum::http::StatusCode;
use futures_util::FutureExt;
use socketio_fn_protocol::log::Escaped;
use std::sync::Arc;
use std::time::Instant;
use tracing::Instrument;

/// Runs the function (a panic fails the invocation, not the connection), logs one line with its outcome
/// and duration, and turns the result into the caller's reply with `render`, which also says the
/// reply's status (logged, and recorded on the span).
pub(crate) async fn invoke<R>(
    function: &ResolvedFunction,
    invocation: Invocation,
    hooks: &[Arc<dyn InvocationHook>],
    render: impl FnOnce(Result<&Reply, &InvocationError>) -> (R, StatusCode),
) -> R {
    let name = function.descriptor.name;
    let span = tracing::info_span!(
        "invocation",
        function = name,
        hub = invocation.context().hub(),
        namespace = invocation.context().namespace(),
        event = invocation.context().event_name(),
        socket_id = invocation.context().socket_id(),
        connection_id = invocation.context().connection_id(),
        otel.name = name,
        otel.kind = "server",
        outcome = tracing::field::Empty,
        http.response.status_code = tracing::field::Empty,
        trace_id = tracing::field::Empty,
        span_id = tracing::field::Empty,
    );
    telemetry::continue_trace(&span, invocation.context().headers());
    telemetry::record_ids(&span);
    telemetry::in_flight(name, 1);
    let started = Instant::now();
    let result = if hooks.is_empty() {
        run(function, invocation).instrument(span.clone()).await
    } else {
        hooked(function, invocation, hooks)
            .instrument(span.clone())
            .await
    };
    let took = started.elapsed();
    let duration_ms = took.as_secs_f64() * 1000.0;
    let _entered = span.enter();
    let (response, status) = render(result.as_ref());
    let outcome = outcome_of(&result, status);
    span.record("outcome", outcome);
    span.record("http.response.status_code", i64::from(status.as_u16()));
    telemetry::in_flight(name, -1);
    telemetry::invocation(name, &function.event, outcome, took);
    match &result {
        Ok(_) if status.is_success() => {
            tracing::info!(
                outcome = "Succeeded",
                duration_ms,
                "Executed '{name}' (Succeeded, Duration={duration_ms:.1}ms)"
            );
        }
        Ok(_) => {
            tracing::info!(
                outcome = "Answered",
                status = status.as_u16(),
                duration_ms,
                "Executed '{name}' (Succeeded with status {}, Duration={duration_ms:.1}ms)",
                status.as_u16()
            );
        }
        Err(error) if error.status().is_server_error() => {
            tracing::error!(outcome = "Failed", status = error.status().as_u16(), error = %Escaped(error.message()), duration_ms, "Executed '{name}' (Failed, Duration={duration_ms:.1}ms)");
        }
        Err(error) => {
            tracing::warn!(outcome = "Rejected", status = error.status().as_u16(), error = %Escaped(error.message()), duration_ms, "Executed '{name}' (Rejected, Duration={duration_ms:.1}ms)");
        }
    }
    response
}

/// `Succeeded`, `Answered` (a non-2xx answer), `Rejected` (4xx error) or `Failed` (5xx error), as the
/// "Executed" line says.
fn outcome_of(result: &Result<Reply, InvocationError>, status: StatusCode) -> &'static str {
    match result {
        Ok(_) if status.is_success() => "Succeeded",
        Ok(_) => "Answered",
        Err(e) if e.status().is_server_error() => "Failed",
        Err(_) => "Rejected",
    }
}

/// Runs the function; a panic fails the invocation (500), not the connection.
async fn run(
    function: &ResolvedFunction,
    invocation: Invocation,
) -> Result<Reply, InvocationError> {
    std::panic::AssertUnwindSafe((function.descriptor.invoke)(invocation))
        .catch_unwind()
        .await
        .unwrap_or_else(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(InvocationError::function(format!(
                "the function panicked: {message}"
            )))
        })
}

/// The hooks' `before`s in order (the first answer short-circuits), the function, then the `after`s
/// of the hooks that ran. The hooks see a copy of the context and request, taken only when there are
/// hooks.
async fn hooked(
    function: &ResolvedFunction,
    invocation: Invocation,
    hooks: &[Arc<dyn InvocationHook>],
) -> Result<Reply, InvocationError> {
    let started = Instant::now();
    let context = invocation.context().clone();
    let request = invocation.request().clone();
    let call = HookCall::new(function.descriptor.name, &context, &request);
    let mut ran = 0;
    let mut answer = None;
    for hook in hooks {
        ran += 1;
        if let Decision::Reply(reply) = hook.before(&call).await {
            answer = Some(reply);
            break;
        }
    }
    let outcome = match answer {
        Some(reply) => reply,
        None => run(function, invocation).await,
    };
    let elapsed = started.elapsed();
    for hook in &hooks[..ran] {
        hook.after(&call, &outcome, elapsed).await;
    }
    outcome
}
