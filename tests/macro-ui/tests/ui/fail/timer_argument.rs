use socketio_fn::prelude::*;

// A timer has no event: neither its arguments nor its socket.
#[socketio_timer(schedule = "0 * * * * *")]
async fn every_minute(socket: SocketId) {
    let _ = socket;
}

#[socketio_timer(schedule = "0 * * * * *")]
async fn with_parameter(#[socketio_parameter] text: String) {
    let _ = text;
}

fn main() {}
