//! The request head a new Engine.IO session keeps. engineioxide keeps the request's head (its
//! `Parts`) for the session's whole life, and hyper's parsed head points into the connection's read
//! buffer (16 KiB), so an idle socket would hold that buffer. A request that opens a session
//! therefore reaches the engine with its URI and header values copied out of the buffer: a few
//! hundred bytes instead of 16 KiB per socket.

use axum::extract::{OriginalUri, Request};
use http::HeaderValue;

/// Whether `request` opens an Engine.IO session (a handshake: no `sid`) or upgrades one to
/// websocket: the requests whose head the engine keeps.
pub(crate) fn opens_a_session(request: &Request) -> bool {
    let query = request.uri().query().unwrap_or_default();
    let has = |pair: &str| query.split('&').any(|p| p == pair);
    !query.split('&').any(|p| p.starts_with("sid=")) || has("transport=websocket")
}

/// `request` with its URI (also axum's `OriginalUri` copy) and header values in their own
/// allocations (names are static or copied by hyper already); the body and the other extensions (the
/// upgrade handle) unchanged.
pub(crate) fn detached(request: Request) -> Request {
    let (mut parts, body) = request.into_parts();
    parts.headers = parts
        .headers
        .iter()
        .map(|(name, value)| {
            let copy = HeaderValue::from_bytes(value.as_bytes()).map(|mut copy| {
                copy.set_sensitive(value.is_sensitive());
                copy
            });
            (name.clone(), copy.unwrap_or_else(|_| value.clone()))
        })
        .collect();
    if let Ok(uri) = http::Uri::try_from(parts.uri.to_string()) {
        // axum's router keeps a copy of the URI in the extensions too (`OriginalUri`).
        if parts.extensions.get::<OriginalUri>().is_some() {
            parts.extensions.insert(OriginalUri(uri.clone()));
        }
        parts.uri = uri;
    }
    Request::from_parts(parts, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(uri: &str) -> Request {
        Request::builder()
            .uri(uri)
            .header("cookie", "a=b")
            .header("x-two", "1")
            .header("x-two", "2")
            .body(axum::body::Body::empty())
            .unwrap()
    }

    #[test]
    fn handshakes_and_upgrades_open_sessions_polls_do_not() {
        let base = "/clients/socketio/hubs/h/?EIO=4";
        assert!(opens_a_session(&request(&format!(
            "{base}&transport=polling"
        ))));
        assert!(opens_a_session(&request(&format!(
            "{base}&transport=websocket&sid=abc"
        ))));
        assert!(!opens_a_session(&request(&format!(
            "{base}&transport=polling&sid=abc"
        ))));
    }

    #[test]
    fn a_detached_head_is_the_same_head() {
        let original = request("/clients/socketio/hubs/h/?EIO=4&transport=polling&t=x");
        let copy = detached(request(
            "/clients/socketio/hubs/h/?EIO=4&transport=polling&t=x",
        ));
        assert_eq!(copy.uri(), original.uri());
        assert_eq!(copy.headers(), original.headers());
        assert_eq!(copy.headers().get_all("x-two").iter().count(), 2);
    }
}
