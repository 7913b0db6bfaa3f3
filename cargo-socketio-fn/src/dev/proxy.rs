//! The app's address (`SOCKETIO_FN_ADDR`, `127.0.0.1:7071` by default), where browsers negotiate and
//! load pages: each request is forwarded to the build that serves now, so the address stays while
//! builds come and go on ports of their own.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};

/// Headers of one hop, not forwarded (the body is forwarded whole, with its own length).
const HOP_BY_HOP: [&str; 6] = [
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "upgrade",
    "proxy-connection",
];

/// The largest request or response body forwarded (the app's own limit is lower by default).
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// The forwarding server; forwards to the port set last.
pub(super) struct Proxy {
    port: Arc<AtomicU16>,
}

#[derive(Clone)]
struct Forward {
    port: Arc<AtomicU16>,
    http: reqwest::Client,
}

impl Proxy {
    /// Listens on `address` (nothing is forwarded until [`Proxy::forward_to`]: 503 until then).
    pub(super) async fn start(address: SocketAddr) -> Result<Self, String> {
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|e| format!("cannot listen on {address} (SOCKETIO_FN_ADDR): {e}"))?;
        let port = Arc::new(AtomicU16::new(0));
        let state = Forward {
            port: port.clone(),
            http: reqwest::Client::new(),
        };
        let router = axum::Router::new().fallback(forward).with_state(state);
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(Self { port })
    }

    /// From now on, requests go to the build on `port`.
    pub(super) fn forward_to(&self, port: u16) {
        self.port.store(port, Ordering::SeqCst);
    }
}

async fn forward(State(forward): State<Forward>, request: Request) -> Response {
    let port = forward.port.load(Ordering::SeqCst);
    if port == 0 {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "the first build is not serving yet",
        )
            .into_response();
    }
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut outgoing = forward
        .http
        .request(parts.method, format!("http://127.0.0.1:{port}{path}"))
        .body(body);
    for (name, value) in &parts.headers {
        if name != axum::http::header::HOST && !HOP_BY_HOP.contains(&name.as_str()) {
            outgoing = outgoing.header(name, value);
        }
    }
    let reply = match outgoing.send().await {
        Ok(reply) => reply,
        Err(e) => {
            return (
                StatusCode::BAD_GATEWAY,
                format!("the app did not answer: {e}"),
            )
                .into_response();
        }
    };
    let mut response = Response::builder().status(reply.status());
    for (name, value) in reply.headers() {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            response = response.header(name, value);
        }
    }
    let bytes = reply.bytes().await.unwrap_or_default();
    response
        .body(Body::from(bytes))
        .unwrap_or_else(|_| StatusCode::BAD_GATEWAY.into_response())
}
