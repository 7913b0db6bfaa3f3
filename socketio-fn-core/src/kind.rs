//! Marker types naming the event kind a function handles. The macros check extractors
//! ([`crate::extract::FromInvocation`]) and return types ([`crate::response::ReplyFor`]) against them at
//! compile time; at run time the same kinds are the protocol's [`EventKind`] values.

use socketio_fn_protocol::cloud_events::EventKind;

/// The `connect` event.
#[derive(Debug, Clone, Copy)]
pub struct Connect;
/// The `connected` event.
#[derive(Debug, Clone, Copy)]
pub struct Connected;
/// The `disconnected` event.
#[derive(Debug, Clone, Copy)]
pub struct Disconnected;
/// A user event (message).
#[derive(Debug, Clone, Copy)]
pub struct Message;

/// Implemented by the four markers.
pub trait KindMarker: Send + Sync + 'static {
    /// The run-time kind.
    const KIND: EventKind;
    /// Name used in messages.
    const NAME: &'static str;
}

impl KindMarker for Connect {
    const KIND: EventKind = EventKind::Connect;
    const NAME: &'static str = "connect";
}
impl KindMarker for Connected {
    const KIND: EventKind = EventKind::Connected;
    const NAME: &'static str = "connected";
}
impl KindMarker for Disconnected {
    const KIND: EventKind = EventKind::Disconnected;
    const NAME: &'static str = "disconnected";
}
impl KindMarker for Message {
    const KIND: EventKind = EventKind::Message;
    const NAME: &'static str = "message";
}
