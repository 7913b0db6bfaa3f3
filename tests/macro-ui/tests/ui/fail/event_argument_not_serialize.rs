//! An event argument that cannot be serialised: the error points at its type in the struct.
use socketio_fn::prelude::*;

struct Opaque;

#[socketio_event(name = "opaque")]
struct Shown(String, Opaque);

fn main() {}
