//! Every system event with its request type and replies.
use socketio_fn::prelude::*;

#[socketio_trigger(hub = "hub", event = "connect")]
async fn on_connect(request: SocketIoConnectRequest, claims: Claims) -> SocketIoConnectResponse {
    let _ = (request, claims);
    SocketIoConnectResponse::accept()
}

#[socketio_trigger(hub = "hub", event = "connected")]
async fn on_connected(request: SocketIoConnectedRequest, user: UserId) {
    let _ = (request, user);
}

#[socketio_trigger(
    hub = "%HubSetting%",
    namespace = "/admin",
    event = "disconnected",
    connection = "Other"
)]
async fn on_disconnected(
    request: SocketIoDisconnectedRequest,
    ctx: ConnectionContext,
    hub: Hub,
) -> Result<(), std::io::Error> {
    let _ = (request, ctx, hub);
    Ok(())
}

#[socketio_trigger(event = "connect")]
async fn global_hub() -> Result<SocketIoConnectResponse, String> {
    Err("nope".to_owned())
}

fn main() {}
