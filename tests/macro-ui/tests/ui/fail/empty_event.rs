use socketio_fn::prelude::*;

#[socketio_trigger(hub = "hub", event = "")]
async fn f() {}

fn main() {}
