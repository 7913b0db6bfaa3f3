//! Reading one REST call: its hub and operation from the raw path (each segment decoded once), its
//! bearer token (audience = the request URL), `api-version`, filter and body. Any problem is the reply.

use super::route::{Operation, operation};
use super::{API_VERSIONS, MAX_BODY_BYTES, bad_request, error, invalid_filter};
use crate::sockets::Shared;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use socketio_fn_protocol::cloud_events::{MultiMap, query_multimap};
use socketio_fn_protocol::filter::Filter;
use socketio_fn_protocol::paths::{
    API_VERSION_QUERY, FILTER_QUERY, HUB_NAME_RULE, REST_HUB_PREFIX, decode_component, is_valid_hub,
};
use socketio_fn_protocol::token::{self, DEFAULT_LEEWAY_SECS};

/// The query of a call: every value of each name.
pub(super) struct Query(MultiMap);

impl Query {
    fn parse(query: Option<&str>) -> Self {
        Self(query_multimap(query.unwrap_or_default()))
    }

    /// The first value of `name`.
    pub(super) fn value(&self, name: &str) -> Option<&str> {
        self.0.get(name)?.first().map(String::as_str)
    }

    /// Every value of `name`.
    pub(super) fn values(&self, name: &str) -> &[String] {
        self.0.get(name).map(Vec::as_slice).unwrap_or_default()
    }
}

/// An authenticated call, ready to run.
pub(super) struct Call {
    pub(super) hub: String,
    pub(super) operation: Operation,
    pub(super) query: Query,
    pub(super) filter: Filter,
    pub(super) body: Bytes,
}

impl Call {
    /// Reads and authenticates a call; the error is the reply.
    #[allow(clippy::result_large_err)]
    pub(super) async fn read(shared: &Shared, request: Request) -> Result<Self, Response> {
        let (parts, body) = request.into_parts();
        let (hub, operation) = target(&parts)?;
        authenticate(shared, &parts)?;
        let query = Query::parse(parts.uri.query());
        match query.value(API_VERSION_QUERY) {
            Some(v) if API_VERSIONS.contains(&v) => {}
            other => {
                return Err(bad_request(
                    "InvalidApiVersion",
                    format!("unsupported api-version {other:?}; expected one of {API_VERSIONS:?}"),
                ));
            }
        }
        let body = read(body).await?;
        let filter =
            Filter::parse(query.value(FILTER_QUERY).unwrap_or_default()).map_err(invalid_filter)?;
        Ok(Self {
            hub,
            operation,
            query,
            filter,
            body,
        })
    }
}

/// The hub and the operation the path and method name.
#[allow(clippy::result_large_err)]
fn target(parts: &Parts) -> Result<(String, Operation), Response> {
    let raw = parts
        .uri
        .path()
        .strip_prefix(REST_HUB_PREFIX)
        .unwrap_or_default();
    let Some(segments) = raw
        .split('/')
        .map(decode_component)
        .collect::<Option<Vec<String>>>()
    else {
        return Err(bad_request("InvalidPath", "a path segment is not UTF-8"));
    };
    let Some((hub, rest)) = segments.split_first() else {
        return Err(bad_request("InvalidPath", "no hub in the path"));
    };
    if !is_valid_hub(hub) {
        return Err(bad_request(
            "InvalidHub",
            format!("`{hub}` is not a valid hub name: {HUB_NAME_RULE}"),
        ));
    }
    Ok((hub.clone(), operation(&parts.method, rest)?))
}

/// The bearer token must be signed with the emulator's key for this very URL.
#[allow(clippy::result_large_err)]
fn authenticate(shared: &Shared, parts: &Parts) -> Result<(), Response> {
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or_default();
    let audience = format!("{}{path_and_query}", shared.endpoint);
    let unauthorized = |message: String| error(StatusCode::UNAUTHORIZED, "Unauthorized", message);
    let bearer = parts
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| unauthorized("missing bearer token".into()))?;
    token::verify(bearer, &shared.key, &audience, DEFAULT_LEEWAY_SECS)
        .map(|_| ())
        .map_err(|e| unauthorized(e.to_string()))
}

#[allow(clippy::result_large_err)]
async fn read(body: Body) -> Result<Bytes, Response> {
    axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|e| {
            error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "RequestTooLarge",
                format!("the body must be at most {MAX_BODY_BYTES} bytes: {e}"),
            )
        })
}
