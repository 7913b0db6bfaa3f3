use socketio_fn::prelude::*;

#[socketio_negotiation(hub = "hub", route = "/api/negotiate", user_id = "{cookies.user}")]
fn negotiate(#[socketio_parameter] result: SocketIoNegotiationResult) -> SocketIoNegotiationResult {
    result
}

fn main() {}
