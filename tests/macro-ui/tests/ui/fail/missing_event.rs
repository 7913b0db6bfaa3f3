use socketio_fn::prelude::*;

#[socketio_trigger(hub = "hub")]
async fn f() {}

fn main() {}
