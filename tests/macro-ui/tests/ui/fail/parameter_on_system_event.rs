use socketio_fn::prelude::*;

#[socketio_trigger(hub = "hub", event = "connect")]
async fn f(#[socketio_parameter] value: String) {}

fn main() {}
