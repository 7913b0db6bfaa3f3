//! The CloudEvents envelope (binary mode) of the service's upstream calls: header names, event types,
//! [`CloudEvent`] that both parses a request's headers (the webhook) and writes them (the emulator), and
//! the JSON bodies of the system events.

use http::{HeaderMap, HeaderValue};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;

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
    /// use socketio_fn_protocol::cloud_events::EventKind;
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

/// Splits a list header value (`WebHook-Request-Origin`, `ce-signature`) on commas and spaces, dropping
/// empty parts.
///
/// ```
/// let v: Vec<_> = socketio_fn_protocol::cloud_events::split_list("a.com, b.com,,c.com ").collect();
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
/// use socketio_fn_protocol::cloud_events::can_travel_in_a_header;
/// assert!(can_travel_in_a_header("new message \"quoted\" ✓"));
/// assert!(!can_travel_in_a_header("line\nbreak") && !can_travel_in_a_header(" padded"));
/// ```
pub fn can_travel_in_a_header(text: &str) -> bool {
    !text.starts_with(char::is_whitespace)
        && !text.ends_with(char::is_whitespace)
        && !text.chars().any(char::is_control)
}

/// The CloudEvents attributes of one upstream call, borrowed from (or written to) its headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudEvent<'a> {
    /// `ce-connectionId`.
    pub connection_id: &'a str,
    /// `ce-hub`.
    pub hub: &'a str,
    /// `ce-type`.
    pub ce_type: &'a str,
    /// `ce-eventName`.
    pub event_name: &'a str,
    /// `ce-namespace`.
    pub namespace: &'a str,
    /// `ce-socketId`.
    pub socket_id: &'a str,
    /// `ce-userId`, when the connection has one.
    pub user_id: Option<&'a str>,
    /// `WebHook-Request-Origin` (all values joined with `,`). Some hosting plans strip it
    /// (Azure/azure-webpubsub#877), so it is optional here; the webhook decides what its absence means.
    pub origin: Option<Cow<'a, str>>,
    /// `ce-signature` (all values joined with `,`).
    pub signature: Option<Cow<'a, str>>,
}

fn text<'a>(name: &'static str, value: &'a HeaderValue) -> Result<&'a str, HeaderError> {
    std::str::from_utf8(value.as_bytes()).map_err(|_| HeaderError::NotUtf8(name))
}

/// A single-valued attribute: set once (a second value is [`HeaderError::Repeated`]), then trimmed and
/// checked for presence.
fn set_once<'a>(
    slot: &mut Option<&'a str>,
    name: &'static str,
    value: &'a HeaderValue,
) -> Result<(), HeaderError> {
    if slot.is_some() {
        return Err(HeaderError::Repeated(name));
    }
    *slot = Some(text(name, value)?.trim());
    Ok(())
}

/// The value of a required attribute; `allow_empty` only for `ce-type`.
fn required<'a>(
    value: Option<&'a str>,
    name: &'static str,
    allow_empty: bool,
) -> Result<&'a str, HeaderError> {
    let value = value.ok_or(HeaderError::Missing(name))?;
    if value.is_empty() && !allow_empty {
        return Err(HeaderError::Empty(name));
    }
    Ok(value)
}

/// The values of a list header, joined with `,` (borrowed while there is one line), at most
/// [`MAX_LIST_VALUES`] values in all.
#[derive(Default)]
struct ListValue<'a> {
    joined: Option<Cow<'a, str>>,
    count: usize,
}

impl<'a> ListValue<'a> {
    fn push(&mut self, name: &'static str, value: &'a HeaderValue) -> Result<(), HeaderError> {
        let value = text(name, value)?;
        self.count += split_list(value).count();
        if self.count > MAX_LIST_VALUES {
            return Err(HeaderError::TooManyValues(name));
        }
        self.joined = Some(match self.joined.take() {
            None => Cow::Borrowed(value),
            Some(joined) => Cow::Owned(format!("{joined},{value}")),
        });
        Ok(())
    }
}

/// All values of a list header joined with `,` (borrowed when there is one line), at most
/// [`MAX_LIST_VALUES`] values in all; `None` when absent.
///
/// ```
/// use socketio_fn_protocol::cloud_events::{list, HeaderError};
/// let mut h = http::HeaderMap::new();
/// h.append("ce-signature", "sha256=a, sha256=b".parse().unwrap());
/// assert_eq!(list(&h, "ce-signature").unwrap().as_deref(), Some("sha256=a, sha256=b"));
/// h.append("ce-signature", "x,x,x,x,x,x,x".parse().unwrap());
/// assert_eq!(list(&h, "ce-signature"), Err(HeaderError::TooManyValues("ce-signature")));
/// ```
pub fn list<'a>(
    headers: &'a HeaderMap,
    name: &'static str,
) -> Result<Option<Cow<'a, str>>, HeaderError> {
    let mut list = ListValue::default();
    for value in headers.get_all(name) {
        list.push(name, value)?;
    }
    Ok(list.joined)
}

impl<'a> CloudEvent<'a> {
    /// Parses the headers of an upstream request: the six `ce-*` attributes are required once and
    /// non-empty (`ce-type` may be empty); origin, signature and user id are optional.
    pub fn parse(headers: &'a HeaderMap) -> Result<Self, HeaderError> {
        let (mut connection_id, mut hub, mut ce_type, mut event_name) = (None, None, None, None);
        let (mut namespace, mut socket_id, mut user_id) = (None, None, None);
        let (mut origin, mut signature) = (ListValue::default(), ListValue::default());
        // One walk over the headers (each value of a repeated name comes separately).
        for (name, value) in headers {
            match name.as_str() {
                lower::CONNECTION_ID => set_once(&mut connection_id, header::CONNECTION_ID, value)?,
                lower::HUB => set_once(&mut hub, header::HUB, value)?,
                lower::TYPE => set_once(&mut ce_type, header::TYPE, value)?,
                lower::EVENT_NAME => set_once(&mut event_name, header::EVENT_NAME, value)?,
                lower::NAMESPACE => set_once(&mut namespace, header::NAMESPACE, value)?,
                lower::SOCKET_ID => set_once(&mut socket_id, header::SOCKET_ID, value)?,
                // The first value counts, as `HeaderMap::get` would give it.
                lower::USER_ID if user_id.is_none() => {
                    user_id = Some(text(header::USER_ID, value)?);
                }
                lower::WEBHOOK_REQUEST_ORIGIN => {
                    origin.push(header::WEBHOOK_REQUEST_ORIGIN, value)?;
                }
                lower::SIGNATURE => signature.push(header::SIGNATURE, value)?,
                _ => {}
            }
        }
        let origin = origin.joined;
        if origin.as_deref().is_some_and(|o| o.trim().is_empty()) {
            return Err(HeaderError::Empty(header::WEBHOOK_REQUEST_ORIGIN));
        }
        Ok(Self {
            connection_id: required(connection_id, header::CONNECTION_ID, false)?,
            hub: required(hub, header::HUB, false)?,
            ce_type: required(ce_type, header::TYPE, true)?,
            event_name: required(event_name, header::EVENT_NAME, false)?,
            namespace: required(namespace, header::NAMESPACE, false)?,
            socket_id: required(socket_id, header::SOCKET_ID, false)?,
            user_id: user_id.filter(|s| !s.is_empty()),
            origin,
            signature: signature.joined,
        })
    }

    /// Whether the event is a system event (by `ce-type`).
    pub fn is_system(&self) -> bool {
        is_system_type(self.ce_type)
    }

    /// Writes every header of this event as the service sends it: `WebHook-Request-Origin`,
    /// `ce-specversion`, `ce-awpsversion`, `ce-type`, `ce-source`, `ce-id`, `ce-time`, `ce-signature`, the
    /// connection attributes and the body's `Content-Type`. Fails, writing nothing, when a value cannot
    /// travel in a header (see [`HeaderError::Unrepresentable`]).
    ///
    /// ```
    /// use socketio_fn_protocol::cloud_events::{CloudEvent, EventKind};
    /// let event = CloudEvent {
    ///     connection_id: "c1", hub: "chat", ce_type: EventKind::Message.ce_type(), event_name: "hi",
    ///     namespace: "/", socket_id: "s1", user_id: None, origin: Some("localhost".into()), signature: None,
    /// };
    /// let mut headers = http::HeaderMap::new();
    /// event.write_headers("1", "2024-01-01T00:00:00Z", &mut headers).unwrap();
    /// assert_eq!(CloudEvent::parse(&headers).unwrap(), event);
    /// assert_eq!(headers["ce-awpsversion"], "1.0");
    /// assert_eq!(headers["ce-source"], "/hubs/chat/client/c1");
    /// ```
    pub fn write_headers(
        &self,
        id: &str,
        time: &str,
        headers: &mut HeaderMap,
    ) -> Result<(), HeaderError> {
        let value = |name: &'static str, text: &str| -> Result<HeaderValue, HeaderError> {
            can_travel_in_a_header(text)
                .then(|| HeaderValue::from_bytes(text.as_bytes()).ok())
                .flatten()
                .ok_or(HeaderError::Unrepresentable(name))
        };
        let content_type = if self.is_system() {
            JSON_UTF8
        } else {
            TEXT_PLAIN
        };
        let source = format!("/hubs/{}/client/{}", self.hub, self.connection_id);
        let mut out: Vec<(&'static str, HeaderValue)> = vec![
            (header::SPEC_VERSION, HeaderValue::from_static(SPEC_VERSION)),
            (header::AWPS_VERSION, HeaderValue::from_static(AWPS_VERSION)),
            ("content-type", HeaderValue::from_static(content_type)),
            (header::TYPE, value(header::TYPE, self.ce_type)?),
            (header::SOURCE, value(header::SOURCE, &source)?),
            (header::ID, value(header::ID, id)?),
            (header::TIME, value(header::TIME, time)?),
            (
                header::CONNECTION_ID,
                value(header::CONNECTION_ID, self.connection_id)?,
            ),
            (header::HUB, value(header::HUB, self.hub)?),
            (
                header::EVENT_NAME,
                value(header::EVENT_NAME, self.event_name)?,
            ),
            (header::NAMESPACE, value(header::NAMESPACE, self.namespace)?),
            (header::SOCKET_ID, value(header::SOCKET_ID, self.socket_id)?),
        ];
        if let Some(origin) = &self.origin {
            out.push((
                header::WEBHOOK_REQUEST_ORIGIN,
                value(header::WEBHOOK_REQUEST_ORIGIN, origin)?,
            ));
        }
        if let Some(signature) = &self.signature {
            out.push((header::SIGNATURE, value(header::SIGNATURE, signature)?));
        }
        if let Some(user) = self.user_id {
            out.push((header::USER_ID, value(header::USER_ID, user)?));
        }
        for (name, value) in out {
            headers.insert(name, value);
        }
        Ok(())
    }
}

/// The headers of the abuse-protection handshake (`OPTIONS`) the service makes before it uses an event
/// handler: `WebHook-Request-Origin` and the CloudEvents version headers.
pub fn handshake_headers(origin: &str) -> Result<HeaderMap, HeaderError> {
    let mut headers = HeaderMap::new();
    let origin = HeaderValue::from_str(origin)
        .map_err(|_| HeaderError::Unrepresentable(header::WEBHOOK_REQUEST_ORIGIN))?;
    headers.insert(header::WEBHOOK_REQUEST_ORIGIN, origin);
    headers.insert(header::SPEC_VERSION, HeaderValue::from_static(SPEC_VERSION));
    headers.insert(header::AWPS_VERSION, HeaderValue::from_static(AWPS_VERSION));
    Ok(headers)
}

/// A map of names to lists of values (claims, query, headers of a connect request).
pub type MultiMap = BTreeMap<String, Vec<String>>;

/// A client certificate presented when connecting.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ClientCertificate {
    /// SHA-1 thumbprint.
    #[serde(default)]
    pub thumbprint: Option<String>,
    /// PEM content.
    #[serde(default)]
    pub content: Option<String>,
}

/// Why a system event body was refused.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// The body is not a JSON object.
    #[error("expected a JSON object")]
    NotAnObject,
    /// The object does not have the expected shape.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

/// Parses a JSON object body (arrays, which serde would read as a struct's fields in order, are refused).
fn object<'de, T: Deserialize<'de>>(bytes: &'de [u8]) -> Result<T, BodyError> {
    if bytes.trim_ascii_start().first() != Some(&b'{') {
        return Err(BodyError::NotAnObject);
    }
    Ok(serde_json::from_slice(bytes)?)
}

/// The body of a `connect` event. The reference requires all five members; missing ones are read as
/// empty here (lenient about absence, strict about shapes). Claim values that are not strings are
/// written as JSON text.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectBody {
    /// Claims of the client's access token.
    #[serde(default, deserialize_with = "multimap")]
    pub claims: MultiMap,
    /// Query of the client's connection request.
    #[serde(default, deserialize_with = "multimap")]
    pub query: MultiMap,
    /// Headers of the client's connection request.
    #[serde(default, deserialize_with = "multimap")]
    pub headers: MultiMap,
    /// Subprotocols the client asked for.
    #[serde(default, deserialize_with = "strings")]
    pub subprotocols: Vec<String>,
    /// Client certificates.
    #[serde(default, deserialize_with = "certificates")]
    pub client_certificates: Vec<ClientCertificate>,
}

impl ConnectBody {
    /// Parses a `connect` body; it must be a JSON object.
    ///
    /// ```
    /// use socketio_fn_protocol::cloud_events::ConnectBody;
    /// let b = ConnectBody::from_json(br#"{"claims":{"sub":["alice"]},"query":null}"#).unwrap();
    /// assert_eq!(b.claims["sub"], ["alice"]);
    /// assert!(ConnectBody::from_json(b"[]").is_err());
    /// ```
    pub fn from_json(bytes: &[u8]) -> Result<Self, BodyError> {
        object(bytes)
    }

    /// The JSON body the service sends.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The body of a `disconnected` event.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DisconnectedBody {
    /// Why the socket disconnected.
    #[serde(default)]
    pub reason: Option<String>,
}

impl DisconnectedBody {
    /// Parses a `disconnected` body: a JSON object, or nothing (no reason).
    pub fn from_json(bytes: &[u8]) -> Result<Self, BodyError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::default());
        }
        object(bytes)
    }

    /// The JSON body the service sends.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The body of a `connected` event.
pub const CONNECTED_BODY: &str = "{}";

fn multimap<'de, D: Deserializer<'de>>(d: D) -> Result<MultiMap, D::Error> {
    use serde::de::Error as _;
    let raw: Option<BTreeMap<String, Value>> = Option::deserialize(d)?;
    let mut out = MultiMap::new();
    for (key, value) in raw.unwrap_or_default() {
        let values = match value {
            Value::Null => Vec::new(),
            Value::String(s) => vec![s],
            Value::Array(items) => items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                })
                .collect(),
            _ => {
                return Err(D::Error::custom(format!(
                    "`{key}` must be a string or an array of strings"
                )));
            }
        };
        out.insert(key, values);
    }
    Ok(out)
}

fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(d)?.unwrap_or_default())
}

fn certificates<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ClientCertificate>, D::Error> {
    let raw: Option<Vec<Option<ClientCertificate>>> = Option::deserialize(d)?;
    Ok(raw.unwrap_or_default().into_iter().flatten().collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

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
