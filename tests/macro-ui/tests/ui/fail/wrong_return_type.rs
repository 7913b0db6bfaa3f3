use socketio_fn::prelude::*;

#[socketio_trigger(hub = "hub", event = "connect")]
async fn f() -> SocketIoMessageResponse {
    SocketIoMessageResponse::default()
}

fn main() {}
