//! [`UpstreamRequest`]: a whole upstream call as the service makes it — method, path, CloudEvents
//! headers signed with an access key, body — for tests of a webhook and for tools.

use super::{CloudEvent, EventKind, HeaderError, WEBHOOK_PATH};
use crate::AccessKey;
use crate::signature;
use http::HeaderMap;

/// An upstream call, built like the service builds it.
///
/// ```
/// use socketio_fn::protocol::AccessKey;
/// use socketio_fn::protocol::cloud_events::UpstreamRequest;
/// let request = UpstreamRequest::event("chat", "new message", r#"42["new message","hi"]"#)
///     .signed(&AccessKey::new("key"))
///     .into_http()
///     .unwrap();
/// assert_eq!(request.uri(), "/runtime/webhooks/socketio");
/// assert_eq!(request.headers()["ce-type"], "azure.webpubsub.user.message");
/// assert_eq!(request.headers()["ce-eventName"], "new message");
/// assert!(request.headers()["ce-signature"].to_str().unwrap().starts_with("sha256="));
/// assert_eq!(request.body(), r#"42["new message","hi"]"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamRequest {
    kind: EventKind,
    hub: String,
    event_name: String,
    namespace: String,
    connection_id: String,
    socket_id: String,
    user_id: Option<String>,
    origin: Option<String>,
    signature: Option<String>,
    body: String,
}

impl UpstreamRequest {
    /// An event by its name: a system event (`connect`, `connected`, `disconnected`) with its JSON
    /// body, or a client's event with its Engine.IO text packet (`42["ev",1]`, `42/ns,7["ev"]`).
    /// Namespace `/`, connection `conn1`, socket `sock1`, origin `localhost`, unsigned.
    pub fn event(
        hub: impl Into<String>,
        event_name: impl Into<String>,
        body: impl Into<String>,
    ) -> Self {
        let event_name = event_name.into();
        let kind = EventKind::for_event_name(&event_name);
        Self::new(kind, hub, event_name, body.into())
    }

    fn new(kind: EventKind, hub: impl Into<String>, event_name: String, body: String) -> Self {
        Self {
            kind,
            hub: hub.into(),
            event_name,
            namespace: "/".into(),
            connection_id: "conn1".into(),
            socket_id: "sock1".into(),
            user_id: None,
            origin: Some("localhost".into()),
            signature: None,
            body,
        }
    }

    /// Sets the socket's namespace.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = namespace.into();
        self
    }

    /// Sets the connection and socket ids (set it before [`UpstreamRequest::signed`]: the signature
    /// covers the connection id).
    pub fn connection(
        mut self,
        connection_id: impl Into<String>,
        socket_id: impl Into<String>,
    ) -> Self {
        self.connection_id = connection_id.into();
        self.socket_id = socket_id.into();
        self
    }

    /// Sets the connection's user id (`ce-userId`).
    pub fn user(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }

    /// Sets `WebHook-Request-Origin` (`None`: absent, as some hosting plans strip it).
    pub fn origin(mut self, origin: Option<&str>) -> Self {
        self.origin = origin.map(str::to_owned);
        self
    }

    /// Signs the connection id with `key`, as the service does with each of its access keys.
    pub fn signed(mut self, key: &AccessKey) -> Self {
        self.signature = Some(signature::compute(key, &self.connection_id));
        self
    }

    /// Sets `ce-signature` to this text as is (wrong or several signatures).
    pub fn signature(mut self, text: impl Into<String>) -> Self {
        self.signature = Some(text.into());
        self
    }

    /// The CloudEvents headers (and `Content-Type`).
    pub fn headers(&self) -> Result<HeaderMap, HeaderError> {
        let event = CloudEvent {
            connection_id: &self.connection_id,
            hub: &self.hub,
            ce_type: self.kind.ce_type(),
            event_name: &self.event_name,
            namespace: &self.namespace,
            socket_id: &self.socket_id,
            user_id: self.user_id.as_deref(),
            origin: self.origin.as_deref().map(Into::into),
            signature: self.signature.as_deref().map(Into::into),
        };
        let mut headers = HeaderMap::new();
        event.write_headers("1", "2024-01-01T00:00:00Z", &mut headers)?;
        Ok(headers)
    }

    /// The body.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The whole request: `POST /runtime/webhooks/socketio` with the headers and the body.
    pub fn into_http(self) -> Result<http::Request<String>, HeaderError> {
        let headers = self.headers()?;
        let mut request = http::Request::new(self.body);
        *request.method_mut() = http::Method::POST;
        *request.uri_mut() = http::Uri::from_static(WEBHOOK_PATH);
        *request.headers_mut() = headers;
        Ok(request)
    }
}
