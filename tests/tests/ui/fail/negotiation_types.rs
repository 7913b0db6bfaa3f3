use socketio_fn::prelude::*;

struct NotAResponse;

#[socketio_negotiation(hub = "hub")]
async fn negotiate(socket: SocketId) -> NotAResponse {
    NotAResponse
}

fn main() {}
