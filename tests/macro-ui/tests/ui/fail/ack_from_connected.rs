use socketio_fn::prelude::*;

#[socketio_trigger(hub = "hub", event = "connected")]
async fn g() -> Ack<(i32,)> {
    Ack((1,))
}

fn main() {}
