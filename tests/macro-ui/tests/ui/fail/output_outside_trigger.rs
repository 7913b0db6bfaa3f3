use socketio_fn::prelude::*;

#[socketio_output(hub = "hub")]
async fn f() {}

fn main() {}
