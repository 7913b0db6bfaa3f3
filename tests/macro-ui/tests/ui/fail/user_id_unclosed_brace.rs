use socketio_fn::prelude::*;

#[socketio_negotiation(hub = "hub", user_id = "user-{query.id")]
async fn unclosed(result: SocketIoNegotiationResult) -> SocketIoNegotiationResult {
    result
}

fn main() {}
