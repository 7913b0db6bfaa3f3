use socketio_fn::prelude::*;

#[socketio_negotiation(hub = "hub")]
struct NotAFunction;

fn main() {}
