use socketio_fn::prelude::*;

#[socketio_trigger(hub = "hub", event = "ev", hub = "other")]
async fn f() {}

fn main() {}
