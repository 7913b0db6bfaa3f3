use socketio_fn::prelude::*;

struct NotAnExtractor;

#[socketio_trigger(hub = "hub", event = "ev")]
async fn f(id: SocketId, oops: NotAnExtractor) {}

fn main() {}
