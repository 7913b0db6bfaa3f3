use socketio_fn::prelude::*;

#[socketio_parameter]
async fn f() {}

fn main() {}
