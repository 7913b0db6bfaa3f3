use socketio_fn::prelude::*;

struct S;

impl S {
    #[socketio_trigger(hub = "hub", event = "ev")]
    async fn f(&self) {}
}

fn main() {}
