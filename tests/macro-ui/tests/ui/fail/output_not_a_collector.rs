use socketio_fn::prelude::*;

#[socketio_trigger(hub = "hub", event = "ev")]
async fn f(#[socketio_output(hub = "other")] b: String) {}

fn main() {}
