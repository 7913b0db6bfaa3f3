//! Server events declared once: a tuple struct's fields are the arguments, a unit struct has none;
//! every typed send, its options, and asking with a typed answer (a single type or a tuple).
use socketio_fn::prelude::*;
use std::time::Duration;

#[derive(serde::Serialize, serde::Deserialize)]
struct Point {
    x: i32,
    y: i32,
}

#[socketio_event(name = "new message")]
struct NewMessage(String, String);

#[socketio_event(name = "moved")]
struct Moved(Point);

#[socketio_event(name = "tick")]
struct Tick;

#[socketio_event(name = "ready?", answer = bool)]
struct Ready;

#[socketio_event(name = "where?", answer = (String, Point))]
struct Where(u32);

#[socketio_event(name = "scores", answer = "std::collections::HashMap<String, u32>")]
struct Scores;

#[socketio_trigger(hub = "chat", event = "new message")]
async fn relay(
    socket: SocketId,
    user: UserId,
    #[socketio_parameter] text: String,
    #[socketio_output] out: Actions,
) {
    let from = user.0.clone().unwrap_or_else(|| socket.0.clone());
    out.add(
        NewMessage(from.clone(), text.clone())
            .to_namespace()
            .except_rooms(["muted"]),
    );
    out.add(
        NewMessage(from.clone(), text.clone())
            .to_rooms(["lobby"])
            .with_ttl(Duration::from_secs(5)),
    );
    out.add(
        Moved(Point { x: 1, y: 2 })
            .to_socket(socket.0.clone())
            .in_namespace("/game"),
    );
    out.add(Tick.to_user("alice"));
    out.extend([Tick.broadcast_from(socket.0), Tick.to_namespace()]);
}

async fn ask(hub: ServiceHandle) -> Result<(), socketio_fn::service::SendError> {
    let ready: Vec<Result<bool, socketio_fn::service::AnswerError>> = hub
        .emit_with_ack(Ready.to_rooms(["lobby"]), Duration::from_secs(1))
        .await?;
    let whereabouts = hub
        .emit_with_ack(Where(7).to_namespace(), Duration::from_secs(1))
        .await?;
    for answer in whereabouts.into_iter().flatten() {
        let (_name, _point): (String, Point) = answer;
    }
    let mut scores = hub
        .emit_with_ack_stream(Scores.to_namespace(), Duration::from_secs(1))
        .await?;
    while let Some(answer) = scores.next().await {
        let _: Option<u32> = answer?.ok().and_then(|map| map.get("alice").copied());
    }
    hub.send(Tick.to_namespace()).await?;
    let raw: Vec<Vec<serde_json::Value>> = hub
        .emit_with_ack(
            SocketIoAction::send_to_namespace("ping", ()),
            Duration::from_secs(1),
        )
        .await?;
    let _ = (ready, raw);
    Ok(())
}

fn main() {
    let _ = ask;
}
