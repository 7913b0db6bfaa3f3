use socketio_fn::prelude::*;

#[socketio_negotiation(hub = "hub")]
fn negotiate(result: SocketIoNegotiationResult) -> SocketIoNegotiationResult {
    result
}

fn main() {}
