use socketio_fn::prelude::*;

#[socketio_negotiation(hub = "hub", route = "/api/negotiate")]
async fn negotiate(result: SocketIoNegotiationResult) -> SocketIoNegotiationResult {
    result
}

fn main() {}
