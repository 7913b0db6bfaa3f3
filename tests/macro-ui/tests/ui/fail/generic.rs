use socketio_fn::prelude::*;

#[socketio_trigger(hub = "hub", event = "ev")]
async fn f<T>(#[socketio_parameter] value: String) {}

fn main() {}
