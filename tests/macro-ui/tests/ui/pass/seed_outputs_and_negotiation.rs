//! The seed's serverless chat sample: negotiate, then broadcast every `new message` to the namespace.
use socketio_fn::prelude::*;

#[socketio_negotiation(hub = "hub", user_id = "{query.userId}")]
async fn negotiate(result: SocketIoNegotiationResult) -> SocketIoNegotiationResult {
    result
}

#[socketio_negotiation(
    hub = "%Hub%",
    user_id = "{headers.x-ms-client-principal-name}",
    route = "chat/negotiate",
    connection = "Other"
)]
async fn negotiate_with_request(
    result: SocketIoNegotiationResult,
    request: NegotiationRequest,
) -> Result<SocketIoNegotiationResult, (axum::http::StatusCode, String)> {
    let _ = request.query;
    Ok(result)
}

#[socketio_trigger(hub = "hub", event = "new message")]
async fn broadcast(
    request: SocketIoMessageRequest,
    #[socketio_parameter] message: String,
    #[socketio_output(hub = "hub")] out: Actions,
) {
    out.add(SocketIoAction::send_to_namespace(
        "new message",
        (request.socket_id, message),
    ));
}

#[socketio_trigger(hub = "hub", event = "connected")]
async fn join(
    socket: SocketId,
    #[socketio_output] out: Actions,
    #[socketio_output(hub = "other", connection = "Other")] other: Actions,
) {
    out.add(SocketIoAction::add_socket_to_room(
        socket.0.clone(),
        "lobby",
    ));
    other.add(
        SocketIoAction::send_to_rooms(["watchers"], "joined", (socket.0,)).in_namespace("/admin"),
    );
}

fn main() {}
