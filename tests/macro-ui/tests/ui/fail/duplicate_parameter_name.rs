use socketio_fn::prelude::*;

#[socketio_trigger(hub = "hub", event = "ev", parameter_names = ["a", "a"])]
async fn f(a: String) {}

fn main() {}
