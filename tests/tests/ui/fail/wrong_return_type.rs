use socketio_fn::prelude::*;

#[socketio_trigger(hub = "hub", event = "connect")]
async fn f() -> SocketIoMessageResponse {
    SocketIoMessageResponse::default()
}

#[socketio_trigger(hub = "hub", event = "connected")]
async fn g() -> Ack<(i32,)> {
    Ack((1,))
}

fn main() {}
