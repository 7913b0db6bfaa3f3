//! Admitting a socket: the connect middleware checks the hub and the token, asks the app
//! (`connect`), and on acceptance sets up everything the socket needs before the client can emit.

use super::queue::Enqueue;
use super::{Refused, Shared, SocketState, on_disconnect};
use crate::upstream::Event;
use serde_json::Value;
use socketio_fn_protocol::cloud_events::{
    ConnectBody, EventKind, MultiMap, can_travel_in_a_header, query_multimap, to_multimap,
};
use socketio_fn_protocol::log::Escaped;
use socketio_fn_protocol::paths::{CLIENT_PATH_PREFIX, client_audience, is_valid_hub};
use socketio_fn_protocol::token::{self, DEFAULT_LEEWAY_SECS};
use socketioxide::extract::{SocketRef, State, TryData};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

fn claim_values(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().flat_map(claim_values).collect(),
        Value::Null => Vec::new(),
        other => vec![other.to_string()],
    }
}

/// The hub of a client request path `/clients/socketio/hubs/<hub>[/]`.
pub(crate) fn hub_of(path: &str) -> Option<&str> {
    let hub = path.strip_prefix(CLIENT_PATH_PREFIX)?.trim_end_matches('/');
    is_valid_hub(hub).then_some(hub)
}

/// The connect middleware: checks the token, asks the app (`connect`), and on acceptance sets up
/// everything the socket needs before the client can emit.
pub(super) async fn authenticate(
    s: SocketRef,
    State(shared): State<Arc<Shared>>,
    TryData(auth): TryData<Value>,
) -> Result<(), Refused> {
    let ns = s.ns().to_owned();
    shared.namespace_count(&ns, 1);
    let result = admit(&s, &shared, auth.ok()).await;
    if result.is_err() {
        shared.namespace_count(&ns, -1);
    }
    result
}

async fn admit(s: &SocketRef, shared: &Arc<Shared>, auth: Option<Value>) -> Result<(), Refused> {
    if let Some(allowed) = &shared.allowed_namespaces
        && !allowed.iter().any(|ns| ns == s.ns())
    {
        // A Socket.IO server's words for a namespace it does not serve.
        return Err(Refused("Invalid namespace".into()));
    }
    let client = Client::read(s, shared, auth)?;
    let connection_id = s.id.to_string();
    // socketioxide gives every namespace socket of a connection the Engine.IO session id, and sends it to
    // the client in the CONNECT packet; the app must see the id the client knows (the service gives
    // each namespace socket its own id: a documented difference).
    let socket_id = connection_id.clone();
    let ns = s.ns().to_owned();
    let event = Event {
        kind: EventKind::Connect,
        hub: &client.hub,
        namespace: &ns,
        connection_id: &connection_id,
        socket_id: &socket_id,
        user_id: client.user_id.as_deref(),
        event_name: None,
        signature: None,
        body: client.connect_body(s).to_json(),
    };
    ask_the_app(shared, event).await?;
    // The namespace object may have been swept while this socket was being checked.
    if shared.io().is_some_and(|io| io.of(ns.as_str()).is_none()) {
        return Err(Refused(
            "Service unavailable: the namespace was reset; connect again".into(),
        ));
    }
    let hub = shared
        .hubs
        .join(
            &client.hub,
            &connection_id,
            &ns,
            &socket_id,
            client.user_id.as_deref(),
            &client.token_groups,
        )
        .map_err(|e| Refused(format!("Service unavailable: {e}")))?;
    let user_id = client.user_id;
    let signature = shared
        .upstream
        .as_ref()
        .map(|u| u.signature(&connection_id))
        .unwrap_or_default();
    let state = Arc::new(SocketState {
        hub: hub.clone(),
        socket_id,
        connection_id,
        namespace: ns,
        user_id,
        signature,
        shared: Arc::downgrade(shared),
        queue: std::sync::Mutex::default(),
        pending: AtomicUsize::new(0),
        closed: AtomicBool::new(false),
        live: shared.live_sockets.clone(),
        issued: crate::admin::unix_millis(),
        watched: shared.admin.is_some(),
    });
    shared.live_sockets.fetch_add(1, Ordering::SeqCst);
    s.extensions.insert(state.clone());
    s.on_fallback(Enqueue);
    s.on_disconnect(on_disconnect);
    tracing::info!(
        hub = %Escaped(&client.hub),
        namespace = %Escaped(&state.namespace),
        socket = %state.socket_id,
        user = %Escaped(state.user_id.as_deref().unwrap_or("")),
        "socket connected"
    );
    Ok(())
}

/// What a connecting client presented: its hub, query and verified token.
struct Client {
    hub: String,
    /// The connection's query, without the token.
    query: MultiMap,
    claims: serde_json::Map<String, Value>,
    user_id: Option<String>,
    token_groups: Vec<String>,
}

impl Client {
    /// Reads the hub from the path and checks the token (query `access_token`, or the auth payload's
    /// `token`/`access_token`) for that hub.
    fn read(s: &SocketRef, shared: &Shared, auth: Option<Value>) -> Result<Self, Refused> {
        let parts = s.req_parts();
        let hub = hub_of(parts.uri.path())
            .ok_or_else(|| Refused("Bad request: invalid hub name in the path".into()))?
            .to_owned();
        let mut query = query_multimap(parts.uri.query().unwrap_or_default());
        let auth = auth.unwrap_or(Value::Null);
        let token = query
            .get("access_token")
            .and_then(|v| v.first())
            .map(String::as_str)
            .or_else(|| auth.get("token").and_then(Value::as_str))
            .or_else(|| auth.get("access_token").and_then(Value::as_str))
            .ok_or_else(|| Refused("Unauthorized: missing access_token".into()))?;
        let audience = client_audience(&shared.endpoint, &hub);
        let claims = token::verify(token, &shared.key, &audience, DEFAULT_LEEWAY_SECS)
            .map_err(|e| Refused(format!("Unauthorized: {e}")))?;
        let user_id = claims.get("sub").and_then(Value::as_str).map(str::to_owned);
        if user_id
            .as_deref()
            .is_some_and(|u| !can_travel_in_a_header(u))
        {
            return Err(Refused(
                "Unauthorized: the token's user id (`sub`) has control characters or surrounding whitespace, which the app cannot receive".into(),
            ));
        }
        let token_groups = claims
            .get("webpubsub.group")
            .map(claim_values)
            .unwrap_or_default();
        // The app gets the token's claims, not the token itself.
        query.remove("access_token");
        Ok(Self {
            hub,
            query,
            claims,
            user_id,
            token_groups,
        })
    }

    /// The `connect` event's body: claims, query, the connection request's headers.
    fn connect_body(&self, s: &SocketRef) -> ConnectBody {
        ConnectBody {
            claims: self
                .claims
                .iter()
                .map(|(k, v)| (k.clone(), claim_values(v)))
                .collect(),
            query: self.query.clone(),
            headers: to_multimap(s.req_parts().headers.iter().filter_map(|(k, v)| {
                v.to_str()
                    .ok()
                    .map(|v| (k.as_str().to_owned(), v.to_owned()))
            })),
            subprotocols: Vec::new(),
            client_certificates: Vec::new(),
        }
    }
}

/// Sends `connect` to the app: a 2xx accepts, 404 (no `connect` function, as if the hub's event
/// handler did not subscribe to the event) accepts too, anything else refuses with the app's text.
async fn ask_the_app(shared: &Shared, event: Event<'_>) -> Result<(), Refused> {
    let Some(upstream) = &shared.upstream else {
        return Ok(());
    };
    let socket_id = event.socket_id.to_owned();
    let reply = upstream.send(event).await.map_err(|e| {
        tracing::error!(error = %socketio_fn_protocol::log::Escaped(&e.to_string()), "connect: function app unavailable");
        Refused(format!("Service unavailable: {e}"))
    })?;
    if (200..300).contains(&reply.status) || reply.status == 404 {
        return Ok(());
    }
    let message = if reply.body.is_empty() {
        format!(
            "connection rejected by the app with status {}",
            reply.status
        )
    } else {
        reply.body
    };
    tracing::info!(socket = %socket_id, status = reply.status, "connect rejected by the app");
    Err(Refused(message))
}
