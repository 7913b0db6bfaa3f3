use socketio_fn::prelude::*;

#[socketio_trigger(hub = "", event = "ev")]
async fn f() {}

fn main() {}
