//! The app's own scheduler of timer functions (everywhere but the Functions host's bindings mode,
//! where the host's `timerTrigger` calls them): one task per timer, sleeping until the schedule's
//! next occurrence in UTC, one run at a time (a run that outlasts a period skips the occurrences it
//! covered, as the host's singleton timers do).

use super::{ResolvedTimer, ScheduleStatus, TimerInfo, TimerInvocation};
use crate::response::InvocationError;
use crate::state::StateMap;
use futures_util::FutureExt;
use socketio_fn_protocol::log::Escaped;
use socketio_fn_schedule::rfc3339;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::task::JoinSet;
use tracing::Instrument;

/// The `event` attribute of a timer's invocation metrics.
pub(crate) const TIMER_EVENT: &str = "timer";

/// How late a run may start and still not be past due.
const PAST_DUE_AFTER: Duration = Duration::from_secs(1);

/// Starts one task per timer; they stop when the returned set is dropped.
pub(crate) fn spawn_timers(timers: &[Arc<ResolvedTimer>], state: &StateMap) -> JoinSet<()> {
    let mut set = JoinSet::new();
    for timer in timers {
        set.spawn(every_occurrence(timer.clone(), state.clone()));
    }
    set
}

/// The time since the epoch (UTC).
fn now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

async fn every_occurrence(timer: Arc<ResolvedTimer>, state: StateMap) {
    let name = timer.descriptor.name;
    // The previous occurrence (at first, the start): the next one comes strictly after it, so an
    // early wake-up (the wall clock set back) never runs one occurrence twice.
    let mut last = now().as_secs();
    loop {
        let Some(next) = timer.schedule.next_after(now().as_secs().max(last)) else {
            tracing::warn!(
                function = name,
                "the schedule has no next occurrence: the timer stops"
            );
            return;
        };
        // Wake at the start of the occurrence's second.
        tokio::time::sleep(Duration::from_secs(next).saturating_sub(now())).await;
        let started = now();
        let info = TimerInfo {
            schedule_status: Some(ScheduleStatus {
                last: rfc3339(last),
                next: rfc3339(timer.schedule.next_after(next).unwrap_or(next)),
                last_updated: rfc3339(started.as_secs()),
            }),
            is_past_due: started.saturating_sub(Duration::from_secs(next)) > PAST_DUE_AFTER,
        };
        let _ = run(&timer, TimerInvocation::new(&timer, info, state.clone())).await;
        last = next;
    }
}

/// Runs one invocation of a timer (a panic fails the run), with a span and one log line, as
/// trigger functions have: the scheduler's runs and the Functions host's alike.
pub(crate) async fn run(
    timer: &ResolvedTimer,
    invocation: TimerInvocation,
) -> Result<(), InvocationError> {
    let name = timer.descriptor.name;
    let span = tracing::info_span!(
        "timer",
        function = name,
        past_due = invocation.info().is_past_due,
        otel.name = name,
        otel.kind = "internal",
    );
    crate::telemetry::in_flight(name, 1);
    let started = Instant::now();
    let result = std::panic::AssertUnwindSafe((timer.descriptor.invoke)(invocation))
        .catch_unwind()
        .instrument(span.clone())
        .await
        .unwrap_or_else(|_| Err(InvocationError::function("the timer function panicked")));
    let took = started.elapsed();
    let duration_ms = took.as_secs_f64() * 1000.0;
    crate::telemetry::in_flight(name, -1);
    let outcome = if result.is_ok() {
        "Succeeded"
    } else {
        "Failed"
    };
    crate::telemetry::invocation(name, TIMER_EVENT, outcome, took);
    let _entered = span.enter();
    match &result {
        Ok(()) => tracing::info!(
            outcome = "Succeeded",
            duration_ms,
            "Executed '{name}' (Succeeded, Duration={duration_ms:.1}ms)"
        ),
        Err(e) => tracing::error!(
            outcome = "Failed",
            error = %Escaped(e.message()),
            duration_ms,
            "Executed '{name}' (Failed, Duration={duration_ms:.1}ms)"
        ),
    }
    result
}
