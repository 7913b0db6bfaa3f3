use socketio_fn::prelude::*;

#[socketio_trigger(hub = "hub", event = "chat")]
async fn f(request: SocketIoConnectRequest) {}

fn main() {}
