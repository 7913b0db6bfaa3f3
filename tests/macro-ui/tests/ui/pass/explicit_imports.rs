//! Explicit imports of the helper attributes count as used, and fully qualified helpers work.
#![deny(unused_imports)]

use socketio_fn::extract::Actions;
use socketio_fn::{SocketIoAction, socketio_output, socketio_parameter, socketio_trigger};

#[socketio_trigger(hub = "hub", event = "ev")]
async fn f(#[socketio_parameter] text: String, #[socketio_output] out: Actions) {
    out.add(SocketIoAction::send_to_namespace("ev", (text,)));
}

#[socketio_trigger(hub = "hub", event = "qualified")]
async fn g(
    #[socketio_fn::socketio_parameter] n: u32,
    #[socketio_fn::socketio_output(hub = "other")] out: Actions,
) {
    out.add(SocketIoAction::send_to_namespace("n", (n,)));
}

fn main() {}
