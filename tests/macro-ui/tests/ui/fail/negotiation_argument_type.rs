use socketio_fn::prelude::*;

#[socketio_negotiation(hub = "hub")]
async fn negotiate(socket: SocketId) -> SocketIoNegotiationResult {
    let _ = socket;
    unimplemented!()
}

fn main() {}
