//! A user-defined extractor for message events only.
use socketio_fn::extract::{ArgSpec, FromInvocation, Invocation, kind};
use socketio_fn::prelude::*;

struct Shouting(bool);

impl FromInvocation<kind::Message> for Shouting {
    async fn from_invocation(
        invocation: &Invocation,
        _: &ArgSpec,
    ) -> Result<Self, InvocationError> {
        Ok(Shouting(
            invocation
                .context()
                .event_name()
                .chars()
                .all(|c| c.is_uppercase()),
        ))
    }
}

#[socketio_trigger(hub = "hub", event = "SHOUT")]
async fn shout(loud: Shouting) {
    let _ = loud.0;
}

fn main() {}
