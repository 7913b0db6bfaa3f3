//! Hygiene: the attribute works when produced by a `macro_rules`.
use socketio_fn::prelude::*;

macro_rules! handler {
    ($name:ident, $event:literal) => {
        #[socketio_trigger(hub = "hub", event = $event)]
        async fn $name(#[socketio_parameter] value: i32) -> Ack<(i32,)> {
            Ack((value + 1,))
        }
    };
}

handler!(increment, "increment");

fn main() {
    let _ = socketio_fn::App::builder().register::<increment>();
}
