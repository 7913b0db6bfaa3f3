use socketio_fn::prelude::*;

#[socketio_trigger(hub = "hub", event = "ev", parameter_names = ["a"])]
async fn f(a: String, #[socketio_parameter] b: String) {}

fn main() {}
