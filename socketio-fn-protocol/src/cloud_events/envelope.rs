//! [`CloudEvent`]: the attributes of one upstream call, parsed from a request's headers (the webhook)
//! and written to them (the emulator).

use super::{
    AWPS_VERSION, HeaderError, JSON_UTF8, MAX_LIST_VALUES, SPEC_VERSION, TEXT_PLAIN,
    can_travel_in_a_header, header, is_system_type, lower, split_list, trim_ows,
};
use http::{HeaderMap, HeaderName, HeaderValue};
use std::borrow::Cow;

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

/// A single-valued attribute: set once (a second value is [`HeaderError::Repeated`]), then trimmed of
/// HTTP's optional whitespace (space and tab only) and checked for presence.
fn set_once<'a>(
    slot: &mut Option<&'a str>,
    name: &'static str,
    value: &'a HeaderValue,
) -> Result<(), HeaderError> {
    if slot.is_some() {
        return Err(HeaderError::Repeated(name));
    }
    *slot = Some(trim_ows(text(name, value)?));
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
/// use socketio_fn::protocol::cloud_events::{list, HeaderError};
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
        if origin.as_deref().is_some_and(|o| trim_ows(o).is_empty()) {
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
    /// use socketio_fn::protocol::cloud_events::{CloudEvent, EventKind};
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
        let n = &*NAMES;
        // Every value is checked before any is written: a refused event leaves `headers` as it was.
        let values = [
            value(header::TYPE, self.ce_type)?,
            value(header::SOURCE, &source)?,
            value(header::ID, id)?,
            value(header::TIME, time)?,
            value(header::CONNECTION_ID, self.connection_id)?,
            value(header::HUB, self.hub)?,
            value(header::EVENT_NAME, self.event_name)?,
            value(header::NAMESPACE, self.namespace)?,
            value(header::SOCKET_ID, self.socket_id)?,
        ];
        let optional = |name, text: Option<&str>| text.map(|t| value(name, t)).transpose();
        let origin = optional(header::WEBHOOK_REQUEST_ORIGIN, self.origin.as_deref())?;
        let signature = optional(header::SIGNATURE, self.signature.as_deref())?;
        let user = optional(header::USER_ID, self.user_id)?;
        for (name, fixed) in [
            (&n.spec_version, SPEC_VERSION),
            (&n.awps_version, AWPS_VERSION),
            (&n.content_type, content_type),
        ] {
            headers.insert(name.clone(), HeaderValue::from_static(fixed));
        }
        let names = [
            &n.ce_type,
            &n.source,
            &n.id,
            &n.time,
            &n.connection_id,
            &n.hub,
            &n.event_name,
            &n.namespace,
            &n.socket_id,
        ];
        for (name, value) in names.into_iter().zip(values) {
            headers.insert(name.clone(), value);
        }
        for (name, value) in [
            (&n.origin, origin),
            (&n.signature, signature),
            (&n.user_id, user),
        ] {
            if let Some(value) = value {
                headers.insert(name.clone(), value);
            }
        }
        Ok(())
    }
}

/// The header names [`CloudEvent::write_headers`] writes, as `HeaderName`s made once: inserting by
/// `&'static str` lower-cases and looks up each name on every call (about 900 instructions a name,
/// 13,000 an upstream request).
struct Names {
    spec_version: HeaderName,
    awps_version: HeaderName,
    content_type: HeaderName,
    ce_type: HeaderName,
    source: HeaderName,
    id: HeaderName,
    time: HeaderName,
    connection_id: HeaderName,
    hub: HeaderName,
    event_name: HeaderName,
    namespace: HeaderName,
    socket_id: HeaderName,
    origin: HeaderName,
    signature: HeaderName,
    user_id: HeaderName,
}

static NAMES: std::sync::LazyLock<Names> = std::sync::LazyLock::new(|| {
    let name = |text: &str| {
        HeaderName::from_bytes(text.to_ascii_lowercase().as_bytes())
            .unwrap_or_else(|_| unreachable!("the protocol's header names are valid"))
    };
    Names {
        spec_version: name(header::SPEC_VERSION),
        awps_version: name(header::AWPS_VERSION),
        content_type: http::header::CONTENT_TYPE,
        ce_type: name(header::TYPE),
        source: name(header::SOURCE),
        id: name(header::ID),
        time: name(header::TIME),
        connection_id: name(header::CONNECTION_ID),
        hub: name(header::HUB),
        event_name: name(header::EVENT_NAME),
        namespace: name(header::NAMESPACE),
        socket_id: name(header::SOCKET_ID),
        origin: name(header::WEBHOOK_REQUEST_ORIGIN),
        signature: name(header::SIGNATURE),
        user_id: name(header::USER_ID),
    }
});

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
