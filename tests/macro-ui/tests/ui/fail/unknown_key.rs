use socketio_fn::prelude::*;

#[socketio_trigger(hub = "hub", event = "ev", eventName = "ev")]
async fn f() {}

fn main() {}
