use socketio_fn::prelude::*;

#[socketio_timer(schedule = "0 * * * * *")]
fn every_minute(_info: TimerInfo) {}

fn main() {}
