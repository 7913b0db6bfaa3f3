//! How a call to the app, or a change of its instances, can fail.

use super::BREAKER_THRESHOLD;
use socketio_fn_protocol::cloud_events::HeaderError;

/// Why the app could not be called.
#[derive(Debug, thiserror::Error)]
pub(crate) enum UpstreamError {
    /// The app did not answer.
    #[error("the function app at {url} did not answer: {reason}")]
    Unreachable { url: String, reason: String },
    /// Recent calls failed; calls fail fast until the breaker lets one through.
    #[error(
        "the function app at {url} is not answering (the last {BREAKER_THRESHOLD} calls failed); retrying in a few seconds"
    )]
    Down { url: String },
    /// A value of the event cannot travel in a header.
    #[error(transparent)]
    Header(#[from] HeaderError),
    /// The emulator is stopping: calls already made finish, no new one starts.
    #[error("the emulator is stopping")]
    Stopping,
}

/// Why the app's instances could not be replaced ([`crate::Emulator::set_upstreams`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SetUpstreamsError {
    /// The emulator was started without an upstream: it calls no app.
    #[error("the emulator calls no app (it was started without an upstream)")]
    NoUpstream,
    /// No URL was given.
    #[error("at least one upstream URL is needed")]
    Empty,
    /// The app is called in this process.
    #[error("the emulator calls the app in process; its upstream cannot change")]
    InProcess,
}

/// How one attempt on one instance ended, when it got no reply.
pub(super) enum Missed {
    /// The instance cannot have received the call (the connection was refused): another may take it.
    NotReceived(UpstreamError),
    /// The instance may have received it (a timeout, a connection cut mid-call): not sent again.
    Failed(UpstreamError),
}
