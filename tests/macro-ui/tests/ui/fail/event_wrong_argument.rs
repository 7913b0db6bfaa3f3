//! A typed send with the wrong argument types: the error points at the argument.
use socketio_fn::prelude::*;

#[socketio_event(name = "new message")]
struct NewMessage(String, String);

#[socketio_trigger(hub = "chat", event = "new message")]
async fn relay(#[socketio_parameter] text: String, #[socketio_output] out: Actions) {
    out.add(NewMessage(42, text).to_namespace());
}

fn main() {}
