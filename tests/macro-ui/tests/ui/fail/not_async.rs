use socketio_fn::prelude::*;

#[socketio_trigger(hub = "hub", event = "ev")]
fn f() {}

fn main() {}
