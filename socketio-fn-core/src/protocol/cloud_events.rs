//! CloudEvents (binary mode) headers and event types of the service's upstream calls.

/// Path of the webhook the service calls, as configured in the hub's event handler.
pub const WEBHOOK_PATH: &str = "/runtime/webhooks/socketio";

/// Header names, written as the service writes them. HTTP header names are case-insensitive.
pub mod header {
    /// Host of the calling service; also the abuse-protection handshake's request header.
    pub const WEBHOOK_REQUEST_ORIGIN: &str = "WebHook-Request-Origin";
    /// Abuse-protection handshake reply header: the origin the app accepts.
    pub const WEBHOOK_ALLOWED_ORIGIN: &str = "WebHook-Allowed-Origin";
    /// Id of the Engine.IO connection (shared by all sockets of one client).
    pub const CONNECTION_ID: &str = "ce-connectionId";
    /// Hub name.
    pub const HUB: &str = "ce-hub";
    /// CloudEvents type, e.g. `azure.webpubsub.sys.connect`.
    pub const TYPE: &str = "ce-type";
    /// Event name: `connect`, `connected`, `disconnected` or the Socket.IO event name.
    pub const EVENT_NAME: &str = "ce-eventName";
    /// Socket.IO namespace of the socket.
    pub const NAMESPACE: &str = "ce-namespace";
    /// Socket.IO socket id.
    pub const SOCKET_ID: &str = "ce-socketId";
    /// `sha256=<hex>` values, comma separated, one per access key.
    pub const SIGNATURE: &str = "ce-signature";
    /// User id of the connection, when the client's token had a `sub` claim.
    pub const USER_ID: &str = "ce-userId";
    /// CloudEvents spec version (`1.0`).
    pub const SPEC_VERSION: &str = "ce-specversion";
    /// CloudEvents source, `/hubs/<hub>/client/<connectionId>`.
    pub const SOURCE: &str = "ce-source";
    /// CloudEvents id.
    pub const ID: &str = "ce-id";
    /// CloudEvents time (ISO-8601, UTC).
    pub const TIME: &str = "ce-time";
}

/// Prefix of the `ce-type` of system events; compared case-insensitively.
pub const SYSTEM_EVENT_TYPE_PREFIX: &str = "azure.webpubsub.sys.";
/// `ce-type` of a client's Socket.IO event.
pub const USER_MESSAGE_TYPE: &str = "azure.webpubsub.user.message";
/// Media type of message bodies (the Engine.IO text packet) and of reply bodies.
pub const TEXT_PLAIN: &str = "text/plain";
/// `Content-Type` of reply bodies.
pub const TEXT_PLAIN_UTF8: &str = "text/plain; charset=utf-8";
/// `Content-Type` of system event bodies.
pub const JSON_UTF8: &str = "application/json; charset=utf-8";

/// The four kinds of upstream event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A socket is connecting; the reply accepts or rejects it (blocking).
    Connect,
    /// A socket connected (not blocking).
    Connected,
    /// A socket disconnected (not blocking).
    Disconnected,
    /// A client emitted a Socket.IO event (blocking: the reply may carry an ack).
    Message,
}

impl EventKind {
    /// The kind a function listening for `event_name` handles: the three system event names (compared
    /// case-insensitively) are system events, any other name is a user event.
    pub fn for_event_name(event_name: &str) -> Self {
        if event_name.eq_ignore_ascii_case("connect") {
            Self::Connect
        } else if event_name.eq_ignore_ascii_case("connected") {
            Self::Connected
        } else if event_name.eq_ignore_ascii_case("disconnected") {
            Self::Disconnected
        } else {
            Self::Message
        }
    }

    /// Whether this is one of the system events (`connect`, `connected`, `disconnected`).
    pub fn is_system(self) -> bool {
        !matches!(self, Self::Message)
    }

    /// The event name the service sends for a system event; `None` for messages.
    pub fn system_event_name(self) -> Option<&'static str> {
        match self {
            Self::Connect => Some("connect"),
            Self::Connected => Some("connected"),
            Self::Disconnected => Some("disconnected"),
            Self::Message => None,
        }
    }

    /// The `ce-type` the service sends for this kind of event.
    pub fn ce_type(self) -> &'static str {
        match self {
            Self::Connect => "azure.webpubsub.sys.connect",
            Self::Connected => "azure.webpubsub.sys.connected",
            Self::Disconnected => "azure.webpubsub.sys.disconnected",
            Self::Message => USER_MESSAGE_TYPE,
        }
    }
}

/// Whether a `ce-type` value denotes a system event (prefix `azure.webpubsub.sys.`, case-insensitive).
pub fn is_system_type(ce_type: &str) -> bool {
    ce_type
        .get(..SYSTEM_EVENT_TYPE_PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(SYSTEM_EVENT_TYPE_PREFIX))
}

/// Splits a list header value (`WebHook-Request-Origin`, `ce-signature`) on commas and spaces, dropping
/// empty parts.
pub fn split_list(value: &str) -> impl Iterator<Item = &str> {
    value.split([',', ' ']).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_kind_from_names() {
        assert_eq!(EventKind::for_event_name("CONNECT"), EventKind::Connect);
        assert_eq!(EventKind::for_event_name("Connected"), EventKind::Connected);
        assert_eq!(
            EventKind::for_event_name("disconnected"),
            EventKind::Disconnected
        );
        assert_eq!(EventKind::for_event_name("new message"), EventKind::Message);
        assert!(!EventKind::Message.is_system());
    }

    #[test]
    fn system_type_prefix_is_case_insensitive() {
        assert!(is_system_type("azure.webpubsub.sys.connect"));
        assert!(is_system_type("Azure.WebPubSub.SYS.connected"));
        assert!(!is_system_type("azure.webpubsub.user.message"));
        assert!(!is_system_type(""));
        assert!(!is_system_type("azure.webpubsub.s"));
    }

    #[test]
    fn list_split() {
        let v: Vec<_> = split_list("a.com, b.com,,c.com ").collect();
        assert_eq!(v, ["a.com", "b.com", "c.com"]);
    }
}
