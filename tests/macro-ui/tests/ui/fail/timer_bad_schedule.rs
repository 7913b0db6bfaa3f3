use socketio_fn::prelude::*;

// Five fields (cron without seconds): Functions timers take six.
#[socketio_timer(schedule = "*/5 * * * *", hub = "hub")]
async fn tick(#[socketio_output] out: Actions) {
    out.add(SocketIoAction::send_to_namespace("tick", ()));
}

#[socketio_timer(schedule = "0 0 25 * * *")]
async fn nightly() {}

fn main() {}
