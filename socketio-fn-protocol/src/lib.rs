//! Wire facts of Azure Web PubSub for Socket.IO in serverless mode, shared by the socketio-fn runtime
//! (`socketio-fn-core`, which re-exports this crate as `protocol`) and its local emulator
//! (`socketio-fn-emulator`), so that every protocol rule exists exactly once:
//!
//! - [`cloud_events`]: the CloudEvents envelope of upstream calls (header names, parsing and writing) and
//!   the bodies of system events;
//! - [`packet`]: Engine.IO / Socket.IO text packets;
//! - [`groups`] and [`filter`]: how namespaces and rooms map to service groups, and the OData filters
//!   over them;
//! - [`signature`]: the `ce-signature` HMAC;
//! - [`token`] and [`AccessKey`]: access tokens (HS256 JWTs) signed with an access key;
//! - [`paths`]: where clients connect and where the REST API lives, and the REST API's names;
//! - [`connection_string`]: the key-based connection string;
//! - [`setting_names`]: the names of the settings the runtime, the facade and the emulator read;
//! - [`log`]: request values written into log lines without forging one.

mod access_key;
pub mod cloud_events;
pub mod connection_string;
pub mod filter;
pub mod groups;
pub mod log;
pub mod packet;
pub mod paths;
pub mod setting_names;
pub mod signature;
pub mod token;

pub use access_key::AccessKey;

/// An error and its sources, joined with `: `, for log lines and for errors that carry a reason
/// string (the runtime and the emulator both report transport errors this way).
///
/// ```
/// let e = std::io::Error::other("inner");
/// assert_eq!(socketio_fn::protocol::error_chain(&e), "inner");
/// ```
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
