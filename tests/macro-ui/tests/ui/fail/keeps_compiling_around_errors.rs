use socketio_fn::prelude::*;

// The function is still emitted beside the error, so its callers compile and only one error shows.
#[socketio_trigger(hub = "hub", event = "ev", bogus = 1)]
async fn f(#[socketio_parameter] value: String) -> usize {
    value.len()
}

async fn caller() -> usize {
    f(String::new()).await
}

fn main() {
    let _ = caller;
}
