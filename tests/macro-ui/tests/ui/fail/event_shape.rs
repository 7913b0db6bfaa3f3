//! Events are tuple or unit structs with a name a client does not keep for itself, and one shape.
use socketio_fn::prelude::*;

#[socketio_event(name = "profile")]
struct Profile {
    name: String,
}

#[socketio_event(name = "connect")]
struct Hello;

#[socketio_event]
struct Nameless(u32);

#[socketio_event(name = "value")]
struct Generic<T>(T);

#[socketio_event(name = "")]
struct Empty;

fn main() {}
