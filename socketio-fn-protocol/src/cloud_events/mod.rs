//! The CloudEvents envelope (binary mode) of the service's upstream calls: header names, event types,
//! [`CloudEvent`] that both parses a request's headers (the webhook) and writes them (the emulator), and
//! the JSON bodies of the system events.

mod bodies;
mod envelope;
mod request;

pub use bodies::{
    BodyError, CONNECTED_BODY, ClientCertificate, ConnectBody, DisconnectedBody, MultiMap,
    multimap_from_json, query_multimap, to_multimap,
};
pub use envelope::{CloudEvent, handshake_headers, list};
pub use request::UpstreamRequest;

/// Default path of the webhook the service calls, as configured in the hub's event handler
/// (`SOCKETIO_FN_WEBHOOK_PATH` chooses another).
pub const WEBHOOK_PATH: &str = "/runtime/webhooks/socketio";
/// The webhook's default path under the Azure Functions host, which keeps `/runtime/...` for itself
/// (an app run as a custom handler; the event handler URL is `https://<app>.azurewebsites.net/api/socketio`).
pub const FUNCTIONS_WEBHOOK_PATH: &str = "/api/socketio";

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
    /// Web PubSub's version of the envelope (`1.0`); handlers such as Microsoft's
    /// `@azure/web-pubsub-express` recognise a Web PubSub request by it.
    pub const AWPS_VERSION: &str = "ce-awpsversion";
    /// CloudEvents source, `/hubs/<hub>/client/<connectionId>`.
    pub const SOURCE: &str = "ce-source";
    /// CloudEvents id.
    pub const ID: &str = "ce-id";
    /// CloudEvents time (ISO-8601, UTC).
    pub const TIME: &str = "ce-time";
}

/// The header names [`CloudEvent::parse`] looks for, in lower case (as `http` stores every name): the
/// parse walks the request's headers once and matches each name against these, instead of one hash
/// lookup per attribute. A test checks each against its name in [`header`].
mod lower {
    pub(super) const WEBHOOK_REQUEST_ORIGIN: &str = "webhook-request-origin";
    pub(super) const CONNECTION_ID: &str = "ce-connectionid";
    pub(super) const HUB: &str = "ce-hub";
    pub(super) const TYPE: &str = "ce-type";
    pub(super) const EVENT_NAME: &str = "ce-eventname";
    pub(super) const NAMESPACE: &str = "ce-namespace";
    pub(super) const SOCKET_ID: &str = "ce-socketid";
    pub(super) const SIGNATURE: &str = "ce-signature";
    pub(super) const USER_ID: &str = "ce-userid";
}

/// The value of `ce-specversion`.
pub const SPEC_VERSION: &str = "1.0";
/// The value of `ce-awpsversion`.
pub const AWPS_VERSION: &str = "1.0";
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
/// The most values a list header (`WebHook-Request-Origin`, `ce-signature`) may hold. The service sends
/// one origin and one signature per access key (two keys per resource); the bound keeps the work an
/// unauthenticated request can cause small.
pub const MAX_LIST_VALUES: usize = 8;

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
    ///
    /// ```
    /// use socketio_fn::protocol::cloud_events::EventKind;
    /// assert_eq!(EventKind::for_event_name("CONNECT"), EventKind::Connect);
    /// assert_eq!(EventKind::for_event_name("new message"), EventKind::Message);
    /// ```
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

    /// The `Content-Type` of this kind's request body.
    pub fn content_type(self) -> &'static str {
        if self.is_system() {
            JSON_UTF8
        } else {
            TEXT_PLAIN
        }
    }
}

/// Whether a `ce-type` value denotes a system event (prefix `azure.webpubsub.sys.`, case-insensitive).
pub fn is_system_type(ce_type: &str) -> bool {
    ce_type
        .get(..SYSTEM_EVENT_TYPE_PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(SYSTEM_EVENT_TYPE_PREFIX))
}

/// A header value without HTTP's optional whitespace around it: spaces and horizontal tabs only (RFC
/// 9110, section 5.5). Any other whitespace, a non-breaking space among it, is part of the value.
///
/// ```
/// use socketio_fn_protocol::cloud_events::trim_ows;
/// assert_eq!(trim_ows(" \tnew message\t "), "new message");
/// assert_eq!(trim_ows("new message\u{a0}"), "new message\u{a0}");
/// assert_eq!(trim_ows("\u{2003}x"), "\u{2003}x");
/// ```
pub fn trim_ows(value: &str) -> &str {
    value.trim_matches([' ', '\t'])
}

/// Splits a list header value (`WebHook-Request-Origin`, `ce-signature`) on commas and spaces, dropping
/// empty parts.
///
/// ```
/// let v: Vec<_> = socketio_fn::protocol::cloud_events::split_list("a.com, b.com,,c.com ").collect();
/// assert_eq!(v, ["a.com", "b.com", "c.com"]);
/// ```
pub fn split_list(value: &str) -> impl Iterator<Item = &str> {
    // Two single-byte splits (memchr) rather than one split on a char set (decodes every char).
    value
        .split(',')
        .flat_map(|part| part.split(' '))
        .filter(|s| !s.is_empty())
}

/// Why headers could not be parsed or written. The message names the header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// A required header is absent.
    #[error("missing required header `{0}`")]
    Missing(&'static str),
    /// A required header is empty.
    #[error("header `{0}` must not be empty")]
    Empty(&'static str),
    /// A single-valued header appears more than once.
    #[error("header `{0}` must appear only once")]
    Repeated(&'static str),
    /// A header is not UTF-8.
    #[error("header `{0}` is not valid UTF-8")]
    NotUtf8(&'static str),
    /// A list header holds more values than [`MAX_LIST_VALUES`].
    #[error("header `{0}` holds more than {MAX_LIST_VALUES} values")]
    TooManyValues(&'static str),
    /// A value cannot be written as a header: control characters, or whitespace at either end, which
    /// HTTP does not carry.
    #[error(
        "`{0}` cannot be sent in a header: it contains control characters or starts or ends with whitespace"
    )]
    Unrepresentable(&'static str),
}

/// Whether `text` can be a header value as is (sent as UTF-8 bytes): no control characters and no
/// whitespace at either end, which HTTP strips. User ids and event names that cannot are refused.
///
/// ```
/// use socketio_fn::protocol::cloud_events::can_travel_in_a_header;
/// assert!(can_travel_in_a_header("new message \"quoted\" ✓"));
/// assert!(!can_travel_in_a_header("line\nbreak") && !can_travel_in_a_header(" padded"));
/// ```
pub fn can_travel_in_a_header(text: &str) -> bool {
    if text.is_ascii() {
        // The same test on bytes (an ASCII whitespace that is not a control character is a space).
        let bytes = text.as_bytes();
        return bytes.first() != Some(&b' ')
            && bytes.last() != Some(&b' ')
            && !bytes.iter().any(u8::is_ascii_control);
    }
    !text.starts_with(char::is_whitespace)
        && !text.ends_with(char::is_whitespace)
        && !text.chars().any(char::is_control)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use http::HeaderMap;

    #[test]
    fn the_ascii_test_is_the_char_test() {
        let by_chars = |t: &str| {
            !t.starts_with(char::is_whitespace)
                && !t.ends_with(char::is_whitespace)
                && !t.chars().any(char::is_control)
        };
        for a in 0u8..128 {
            for b in [b'x', b' ', b'\t', 0x0b, 0x7f, a] {
                for text in [[a].to_vec(), [a, b].to_vec(), [b'y', a, b].to_vec()] {
                    let text = String::from_utf8(text).unwrap();
                    assert_eq!(can_travel_in_a_header(&text), by_chars(&text), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn lower_case_names_are_the_header_names() {
        for (lower, name) in [
            (
                lower::WEBHOOK_REQUEST_ORIGIN,
                header::WEBHOOK_REQUEST_ORIGIN,
            ),
            (lower::CONNECTION_ID, header::CONNECTION_ID),
            (lower::HUB, header::HUB),
            (lower::TYPE, header::TYPE),
            (lower::EVENT_NAME, header::EVENT_NAME),
            (lower::NAMESPACE, header::NAMESPACE),
            (lower::SOCKET_ID, header::SOCKET_ID),
            (lower::SIGNATURE, header::SIGNATURE),
            (lower::USER_ID, header::USER_ID),
        ] {
            let parsed = http::HeaderName::from_bytes(name.as_bytes()).unwrap();
            assert_eq!(lower, parsed.as_str(), "{name}");
        }
    }

    #[test]
    fn system_type_prefix_is_case_insensitive() {
        assert!(is_system_type("azure.webpubsub.sys.connect"));
        assert!(is_system_type("Azure.WebPubSub.SYS.connected"));
        assert!(!is_system_type("azure.webpubsub.user.message"));
        assert!(!is_system_type(""));
        assert!(!is_system_type("azure.webpubsub.s"));
    }

    fn event<'a>(user_id: Option<&'a str>, event_name: &'a str) -> CloudEvent<'a> {
        CloudEvent {
            connection_id: "c",
            hub: "h",
            ce_type: EventKind::Message.ce_type(),
            event_name,
            namespace: "/",
            socket_id: "s",
            user_id,
            origin: Some("localhost".into()),
            signature: Some("sha256=00".into()),
        }
    }

    #[test]
    fn values_that_cannot_travel_in_a_header_are_refused() {
        for (user, name, culprit) in [
            (Some("a\u{1}b"), "ok", header::USER_ID),
            (None, "new\nline", header::EVENT_NAME),
            (None, "nul\0", header::EVENT_NAME),
            (None, " padded", header::EVENT_NAME),
        ] {
            let mut headers = HeaderMap::new();
            assert_eq!(
                event(user, name).write_headers("1", "t", &mut headers),
                Err(HeaderError::Unrepresentable(culprit))
            );
            assert!(headers.is_empty(), "nothing written on failure");
        }
        // Quotes, backslashes and non-ASCII text travel as UTF-8 bytes and parse back.
        let mut headers = HeaderMap::new();
        let e = event(Some("usér"), "say \"hi\" \\ ✓");
        e.write_headers("1", "t", &mut headers).unwrap();
        assert_eq!(CloudEvent::parse(&headers).unwrap(), e);
    }

    #[test]
    fn list_headers_are_bounded_and_origin_is_optional() {
        let mut headers = HeaderMap::new();
        event(None, "e")
            .write_headers("1", "t", &mut headers)
            .unwrap();
        headers.remove(header::WEBHOOK_REQUEST_ORIGIN);
        assert_eq!(CloudEvent::parse(&headers).unwrap().origin, None);
        let many = ["sha256=00"; MAX_LIST_VALUES + 1].join(",");
        headers.insert(header::SIGNATURE, many.parse().unwrap());
        assert_eq!(
            CloudEvent::parse(&headers),
            Err(HeaderError::TooManyValues(header::SIGNATURE))
        );
    }

    #[test]
    fn bodies_round_trip_and_refuse_non_objects() {
        let body = ConnectBody {
            claims: [("sub".to_owned(), vec!["a".to_owned()])].into(),
            subprotocols: vec!["json".into()],
            ..ConnectBody::default()
        };
        assert_eq!(
            ConnectBody::from_json(body.to_json().as_bytes()).unwrap(),
            body
        );
        for bad in [&b"[]"[..], b"[{}]", b"\"x\"", b"1", b""] {
            assert!(ConnectBody::from_json(bad).is_err(), "{bad:?}");
        }
        assert!(ConnectBody::from_json(br#"{"claims":{"a":{"b":1}}}"#).is_err());
        assert_eq!(
            DisconnectedBody::from_json(b"  ").unwrap(),
            DisconnectedBody::default()
        );
        assert!(DisconnectedBody::from_json(b"[null]").is_err());
        let d = DisconnectedBody {
            reason: Some("ping timeout".into()),
        };
        assert_eq!(
            DisconnectedBody::from_json(d.to_json().as_bytes()).unwrap(),
            d
        );
    }
}
