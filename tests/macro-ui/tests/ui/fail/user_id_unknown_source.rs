use socketio_fn::prelude::*;

#[socketio_negotiation(hub = "hub", user_id = "{claims.sub}")]
async fn unknown_source(result: SocketIoNegotiationResult) -> SocketIoNegotiationResult {
    result
}

fn main() {}
