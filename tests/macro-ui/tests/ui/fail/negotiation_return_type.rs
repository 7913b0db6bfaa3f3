use socketio_fn::prelude::*;

struct NotAResponse;

#[socketio_negotiation(hub = "hub")]
async fn negotiate(result: SocketIoNegotiationResult) -> NotAResponse {
    let _ = result;
    NotAResponse
}

fn main() {}
