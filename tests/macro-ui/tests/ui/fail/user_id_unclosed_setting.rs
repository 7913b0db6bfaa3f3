use socketio_fn::prelude::*;

#[socketio_negotiation(hub = "hub", user_id = "user-%Region")]
async fn unclosed_setting(result: SocketIoNegotiationResult) -> SocketIoNegotiationResult {
    result
}

fn main() {}
