//! A typed event where another is expected, and asking an event that declares no answer.
use socketio_fn::actions::Emit;
use socketio_fn::prelude::*;
use std::time::Duration;

#[socketio_event(name = "new message")]
struct NewMessage(String, String);

#[socketio_event(name = "ready?", answer = bool)]
struct Ready;

fn question() -> Emit<Ready> {
    NewMessage("a".into(), "b".into()).to_namespace()
}

async fn ask(hub: ServiceHandle) {
    let _ = hub
        .emit_with_ack(NewMessage("a".into(), "b".into()).to_namespace(), Duration::from_secs(1))
        .await;
}

fn main() {
    let _ = (question, ask);
}
