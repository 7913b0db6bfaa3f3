//! The seed's chat sample (C# `[SocketIOTrigger("hub", "new message")]` with `[SocketIOParameter] string message`).
use socketio_fn::prelude::*;

#[socketio_trigger(hub = "hub", event = "new message")]
async fn new_message(request: SocketIoMessageRequest, #[socketio_parameter] message: String) {
    let _ = (request.socket_id, message);
}

// The JS/Python form: parameterNames = ["message"].
#[socketio_trigger(hub = "hub", namespace = "/js", event = "new message", parameter_names = ["message"])]
async fn new_message_by_name(message: String) {
    let _ = message;
}

fn main() {}
