//! Calls handed to the app's webhook router in the same process: the embedded emulator of
//! `socketio_fn::run()` skips the loopback socket and the HTTP exchange, not the webhook. The request
//! is the one the HTTP path sends (method, the upstream URL's path and query, the CloudEvents headers
//! with `ce-signature`, the raw body); the app's router parses, authenticates and routes it as it would
//! one from the network.

use super::MAX_UPSTREAM_REPLY_BYTES;
use axum::body::{Body, Bytes};
use futures_util::FutureExt;
use std::time::Duration;
use tower::ServiceExt;

/// Why the in-process path cannot be set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InProcessError {
    /// The emulator calls no app.
    #[error("the emulator has no upstream to call in process")]
    NoUpstream,
    /// Calls are spread over several instances, which cannot all be in this process.
    #[error(
        "the emulator calls several app instances; only a single upstream can be called in process"
    )]
    SeveralUpstreams,
    /// The upstream URL has no path the router could route.
    #[error("the upstream URL has no path and query the app's router could route")]
    InvalidUrl,
    /// A router was already given.
    #[error("the emulator already calls an app in process")]
    AlreadySet,
}

/// The app's router and where its webhook is.
#[derive(Clone)]
pub(super) struct InProcess {
    router: axum::Router,
    /// The upstream URL's path and query (what the HTTP path's request line carries).
    uri: http::Uri,
}

impl std::fmt::Debug for InProcess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The path only: a query would carry the webhook code.
        f.debug_struct("InProcess")
            .field("path", &self.uri.path())
            .finish_non_exhaustive()
    }
}

/// How an in-process call failed.
#[derive(Debug)]
pub(super) enum Failure {
    /// No reply within the timeout.
    Timeout,
    /// The router panicked (the webhook isolates functions' panics; this is anything else).
    Panicked,
    /// The reply's body could not be read, or is larger than [`MAX_UPSTREAM_REPLY_BYTES`].
    Body(String),
}

impl Failure {
    /// Why the call failed, as the client's error ack and the log say it.
    pub(super) fn reason(self, timeout: Duration) -> String {
        match self {
            Self::Timeout => format!("timed out after {timeout:?}"),
            Self::Panicked => "the app's webhook panicked".to_owned(),
            Self::Body(reason) => reason,
        }
    }
}

impl InProcess {
    /// `router` at the path and query of `url`.
    pub(super) fn new(router: axum::Router, url: &str) -> Result<Self, InProcessError> {
        let parsed: http::Uri = url.parse().map_err(|_| InProcessError::InvalidUrl)?;
        let uri = parsed
            .path_and_query()
            .ok_or(InProcessError::InvalidUrl)?
            .as_str()
            .parse()
            .map_err(|_| InProcessError::InvalidUrl)?;
        Ok(Self { router, uri })
    }

    /// One request through the app's router, its reply read whole, within `timeout`.
    pub(super) async fn call(
        &self,
        method: http::Method,
        headers: http::HeaderMap,
        body: Bytes,
        timeout: Duration,
    ) -> Result<http::Response<Bytes>, Failure> {
        let mut request = http::Request::new(Body::from(body));
        *request.method_mut() = method;
        *request.uri_mut() = self.uri.clone();
        *request.headers_mut() = headers;
        let exchange = async {
            let Ok(response) = self.router.clone().oneshot(request).await;
            let (parts, body) = response.into_parts();
            let bytes = axum::body::to_bytes(body, MAX_UPSTREAM_REPLY_BYTES)
                .await
                .map_err(|e| {
                    Failure::Body(format!(
                        "its reply could not be read (at most {MAX_UPSTREAM_REPLY_BYTES} bytes): {}",
                        socketio_fn_protocol::error_chain(&e)
                    ))
                })?;
            Ok(http::Response::from_parts(parts, bytes))
        };
        // A panic in the router must not end the socket's queue task (its later events would wait
        // forever): it fails this call only.
        let guarded = std::panic::AssertUnwindSafe(exchange).catch_unwind();
        match tokio::time::timeout(timeout, guarded).await {
            Err(_) => Err(Failure::Timeout),
            Ok(Err(_)) => Err(Failure::Panicked),
            Ok(Ok(result)) => result,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::post;
    use socketio_fn_protocol::cloud_events::header;

    fn router() -> axum::Router {
        axum::Router::new()
            .route(
                "/hook",
                post(
                    |uri: http::Uri, headers: http::HeaderMap, body: Bytes| async move {
                        let seen = format!(
                            "{uri} {} {}",
                            headers
                                .get(header::TYPE)
                                .map_or("-", |v| v.to_str().unwrap_or("?")),
                            String::from_utf8_lossy(&body)
                        );
                        (http::StatusCode::ACCEPTED, seen)
                    },
                ),
            )
            .route("/panics", post(panics))
            .route(
                "/slow",
                post(|| async {
                    tokio::time::sleep(Duration::from_secs(60)).await;
                    "late"
                }),
            )
            .route(
                "/large",
                post(|| async { vec![b'x'; MAX_UPSTREAM_REPLY_BYTES + 1] }),
            )
    }

    #[allow(clippy::panic)] // the router's panic under test
    async fn panics() -> &'static str {
        panic!("boom")
    }

    #[tokio::test]
    async fn the_request_reaches_the_router_as_sent() {
        let to = InProcess::new(router(), "http://127.0.0.1:1/hook?x=1").unwrap_or_else(|e| {
            unreachable!("{e}");
        });
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::HeaderName::from_static("ce-type"),
            http::HeaderValue::from_static("t.user.x"),
        );
        let reply = to
            .call(
                http::Method::POST,
                headers,
                Bytes::from_static(b"42[\"a\"]"),
                Duration::from_secs(5),
            )
            .await
            .map_err(|e| format!("{e:?}"));
        let reply = reply.as_ref().map(|r| (r.status(), r.body().clone()));
        assert_eq!(
            reply,
            Ok((
                http::StatusCode::ACCEPTED,
                Bytes::from_static(b"/hook?x=1 t.user.x 42[\"a\"]")
            ))
        );
    }

    /// An empty POST to `path` of [`router`], within `timeout`.
    async fn post_to(path: &str, timeout: Duration) -> Result<http::Response<Bytes>, Failure> {
        let to = InProcess::new(router(), &format!("http://127.0.0.1:1{path}"))
            .unwrap_or_else(|e| unreachable!("{e}"));
        to.call(
            http::Method::POST,
            http::HeaderMap::new(),
            Bytes::new(),
            timeout,
        )
        .await
    }

    #[tokio::test]
    async fn a_path_the_router_lacks_is_its_404() {
        let reply = post_to("/elsewhere", Duration::from_secs(5)).await;
        assert!(matches!(reply, Ok(r) if r.status() == http::StatusCode::NOT_FOUND));
    }

    #[tokio::test]
    async fn a_panic_fails_the_call_only() {
        let reply = post_to("/panics", Duration::from_secs(5)).await;
        assert!(matches!(reply, Err(Failure::Panicked)), "{reply:?}");
    }

    #[tokio::test]
    async fn a_slow_app_times_out() {
        let reply = post_to("/slow", Duration::from_millis(50)).await;
        assert!(matches!(reply, Err(Failure::Timeout)), "{reply:?}");
    }

    #[tokio::test]
    async fn a_reply_over_the_bound_is_refused() {
        let reply = post_to("/large", Duration::from_secs(5)).await;
        assert!(matches!(reply, Err(Failure::Body(_))), "{reply:?}");
    }

    #[test]
    fn urls_without_a_path_are_refused() {
        assert_eq!(
            InProcess::new(axum::Router::new(), "not a url").map(|_| ()),
            Err(InProcessError::InvalidUrl)
        );
        let debug = format!(
            "{:?}",
            InProcess::new(axum::Router::new(), "http://h/x?code=SECRET").map_err(|_| ())
        );
        assert!(!debug.contains("SECRET"), "{debug}");
    }
}
