//! Timer functions: every argument they take, both return types, a schedule from a setting.
use socketio_fn::extract::State;
use socketio_fn::prelude::*;

#[derive(Clone)]
struct Counter(std::sync::Arc<std::sync::atomic::AtomicU64>);

#[socketio_timer(schedule = "0 */5 * * * *", hub = "hub")]
async fn all_arguments(
    info: TimerInfo,
    hub: ServiceHandle,
    counter: State<Counter>,
    #[socketio_output] out: Actions,
    #[socketio_output(hub = "other")] other: Actions,
) -> Result<(), String> {
    let _ = (info.is_past_due, hub.namespace(), &counter.0.0);
    out.add(SocketIoAction::send_to_namespace("tick", ()));
    other.add(SocketIoAction::send_to_namespace("tick", ()));
    Ok(())
}

#[socketio_timer(schedule = "%TickSchedule%")]
async fn from_a_setting() {}

#[socketio_timer(schedule = "0 30 9 * Jan-Jun Mon-Fri")]
async fn named_days() {}
