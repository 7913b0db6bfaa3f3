use socketio_fn::prelude::*;

#[socketio_trigger(hub = "hub", event = "ev")]
async fn f(#[socketio_parameter] #[socketio_output] a: Actions) {}

fn main() {}
