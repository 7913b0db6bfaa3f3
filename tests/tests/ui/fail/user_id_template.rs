use socketio_fn::prelude::*;

#[socketio_negotiation(hub = "hub", user_id = "user-{query.id")]
async fn unclosed(result: SocketIoNegotiationResult) -> SocketIoNegotiationResult {
    result
}

#[socketio_negotiation(hub = "hub", user_id = "{claims.sub}")]
async fn unknown_source(result: SocketIoNegotiationResult) -> SocketIoNegotiationResult {
    result
}

#[socketio_negotiation(hub = "hub", user_id = "user-%Region")]
async fn unclosed_setting(result: SocketIoNegotiationResult) -> SocketIoNegotiationResult {
    result
}

fn main() {}
