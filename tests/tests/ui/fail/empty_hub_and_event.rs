use socketio_fn::prelude::*;

#[socketio_trigger(hub = "", event = "")]
async fn f() {}

fn main() {}
