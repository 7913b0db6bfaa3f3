use socketio_fn::prelude::*;

#[socketio_negotiation(hub = "hub")]
async fn negotiate(#[socketio_parameter] result: SocketIoNegotiationResult) -> SocketIoNegotiationResult {
    result
}

fn main() {}
