use socketio_fn::prelude::*;

#[socketio_trigger(hub = "hub", event = "ev")]
async fn f(#[socketio_output(hub = "hub")] a: Actions, #[socketio_output(hub = "hub")] b: Actions) {}

fn main() {}
