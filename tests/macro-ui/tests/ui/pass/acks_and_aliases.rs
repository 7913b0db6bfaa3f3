//! Acks of any serializable value, aliases and renamed imports, user types.
use socketio_fn::prelude::{Ack as Reply, SocketId as Sid, socketio_parameter, socketio_trigger};

type Text = String;

#[derive(serde::Deserialize)]
struct Point {
    x: f64,
}

#[socketio_trigger(hub = "hub", event = "ev")]
pub async fn ev(
    #[socketio_parameter] text: Text,
    #[socketio_parameter] p: Point,
    #[socketio_parameter] maybe: Option<serde_json::Value>,
    id: Sid,
) -> Reply<(Text, f64, Option<serde_json::Value>, String)> {
    Reply((text, p.x, maybe, id.0))
}

#[socketio_trigger(hub = "hub", event = "raw", crate = ::socketio_fn)]
async fn raw(all: socketio_fn::extract::Parameters) -> socketio_fn::SocketIoMessageResponse {
    socketio_fn::SocketIoMessageResponse::from_values(all.0)
}

fn main() {}
