//! The answer to the host, `{"Outputs": {...}, "Logs": [...], "ReturnValue": ...}`, always 200 with
//! `application/json` (the host fails an invocation on any other status or content type, and never
//! completes one with an empty body). The trigger's `ReturnValue` is what the Socket.IO extension's
//! dispatcher reads with no `$return` binding declared (host PR #8874; the trigger's
//! `TriggerHandlesReturnValue`): `{"statusCode": 401}` refuses a connect, `{"statusCode": 200,
//! "ack": [...]}` answers an acked event. It is never null: the extension waits for a value.

use super::payload::{Payload, member, unwrap};
use super::{NEGOTIATION_BINDINGS, PayloadError};
use crate::negotiation::{NegotiationInvocation, ResolvedNegotiation};
use crate::registry::OutputBinding;
use crate::response::{InvocationError, Reply};
use crate::service::SocketIoNegotiationResult;
use crate::state::StateMap;
use axum::body::Body;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};
use socketio_fn_protocol::cloud_events::multimap_from_json;
use socketio_fn_protocol::log::Escaped;

/// The answer to one invocation.
#[derive(Debug, Default)]
pub(super) struct HostReply {
    outputs: Map<String, Value>,
    logs: Vec<String>,
    return_value: Value,
}

/// The trigger's `ReturnValue` for a function's answer.
pub(super) fn return_value(result: Result<&Reply, &InvocationError>) -> Value {
    match result {
        Ok(Reply::Connect(r)) => json!({ "statusCode": r.status().as_u16() }),
        Ok(Reply::Message(r)) => json!({ "statusCode": r.status().as_u16(), "ack": r.values() }),
        Ok(Reply::Empty) => json!({ "statusCode": 200 }),
        Err(e) => json!({ "statusCode": e.status().as_u16() }),
    }
}

/// The output bindings' actions by binding name (a binding that flushed twice gets both lists).
fn outputs(bindings: &[OutputBinding], sink: Vec<(usize, Vec<Value>)>) -> Map<String, Value> {
    let mut outputs = Map::new();
    for (position, actions) in sink {
        let Some(binding) = bindings.get(position) else {
            continue;
        };
        let entry = outputs
            .entry(binding.name)
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = entry {
            list.extend(actions);
        }
    }
    outputs
}

impl HostReply {
    /// A trigger's answer: `(ReturnValue, the error's message)`, and its outputs.
    pub(super) fn trigger(
        (return_value, error): (Value, Option<String>),
        bindings: &[OutputBinding],
        sink: Vec<(usize, Vec<Value>)>,
    ) -> Self {
        Self {
            outputs: outputs(bindings, sink),
            logs: error.into_iter().map(|e| Escaped(&e).to_string()).collect(),
            return_value,
        }
    }

    /// A timer's answer (no return value).
    pub(super) fn timer(
        result: Result<(), InvocationError>,
        bindings: &[OutputBinding],
        sink: Vec<(usize, Vec<Value>)>,
    ) -> Self {
        Self {
            outputs: outputs(bindings, sink),
            logs: result
                .err()
                .map(|e| Escaped(e.message()).to_string())
                .into_iter()
                .collect(),
            return_value: Value::Null,
        }
    }

    /// An invocation whose request could not be read: status 400 to the trigger (so a connect is
    /// refused, an ack answered), or to the HTTP output of a negotiation, with the reason logged.
    pub(super) fn bad_request(error: &PayloadError, http: bool) -> Self {
        let reason = error.to_string();
        tracing::warn!(error = %Escaped(&reason), "invocation request refused");
        let mut reply = Self {
            logs: vec![Escaped(&reason).to_string()],
            ..Self::default()
        };
        if http {
            reply.outputs.insert(
                NEGOTIATION_BINDINGS[2].into(),
                json!({ "statusCode": 400, "body": reason, "headers": {"Content-Type": "text/plain; charset=utf-8"} }),
            );
        } else {
            reply.return_value = json!({ "statusCode": 400 });
        }
        reply
    }

    /// An invocation of a function this build does not have (the package and the binary differ):
    /// status 404 to the trigger, or to an HTTP output, and the reason logged.
    pub(super) fn unknown(path: &str) -> Self {
        let reason = format!(
            "no function `{}` in this build: package the app again (`cargo socketio-fn functions --bindings`)",
            path.trim_start_matches('/')
        );
        tracing::error!(error = %Escaped(&reason), "invocation of an unknown function");
        let mut reply = Self {
            logs: vec![Escaped(&reason).to_string()],
            return_value: json!({ "statusCode": 404 }),
            ..Self::default()
        };
        reply.outputs.insert(
            NEGOTIATION_BINDINGS[2].into(),
            json!({ "statusCode": 404, "body": reason, "headers": {"Content-Type": "text/plain; charset=utf-8"} }),
        );
        reply
    }

    pub(super) fn into_response(self) -> Response {
        let body = json!({
            "Outputs": self.outputs,
            "Logs": self.logs,
            "ReturnValue": self.return_value,
        });
        let mut response = Response::new(Body::from(serde_json::to_vec(&body).unwrap_or_default()));
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        response
    }
}

/// A negotiation function invoked by the host: the negotiation comes from the host's
/// `socketionegotiation` input (`Data.negotiate`), the request from the HTTP trigger (`Data.req`);
/// the function's HTTP response goes to the `http` output (`Outputs.res`).
pub(super) async fn negotiation(
    function: &ResolvedNegotiation,
    payload: &Payload,
    state: &StateMap,
) -> HostReply {
    let [req, negotiate, _] = NEGOTIATION_BINDINGS;
    let result = match payload.data(negotiate).map(negotiation_result) {
        Ok(Some(result)) => result,
        Ok(None) => {
            let error = PayloadError::Shape {
                what: "Data.negotiate",
                reason: "expected `endpoint`, `path` and `token`".into(),
            };
            return HostReply::bad_request(&error, true);
        }
        Err(e) => return HostReply::bad_request(&e, true),
    };
    let request = match payload.data(req) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    let headers = request_headers(member(&request, "Headers").map(unwrap));
    let query = member(&request, "Query")
        .map(unwrap)
        .and_then(|q| multimap_from_json(q).ok())
        .unwrap_or_default();
    let invocation = NegotiationInvocation {
        result,
        headers,
        query,
        state: state.clone(),
    };
    HostReply::http((function.descriptor.invoke)(invocation).await).await
}

impl HostReply {
    /// An HTTP function's answer: the response in its `http` output.
    pub(super) async fn http(response: Response) -> Self {
        let mut reply = HostReply::default();
        reply
            .outputs
            .insert(NEGOTIATION_BINDINGS[2].into(), http_output(response).await);
        reply
    }
}

/// The HTTP trigger's request (`Data.req`: `Url`, `Method`, `Headers`, `Body`) as a request for the
/// app's routes.
pub(super) fn http_request(payload: &Payload) -> Result<axum::extract::Request, PayloadError> {
    let shape = |reason: String| PayloadError::Shape {
        what: "Data.req",
        reason,
    };
    let Value::Object(req) = payload.data(NEGOTIATION_BINDINGS[0])? else {
        return Err(shape("expected an object".into()));
    };
    let text = |name| {
        member(&req, name)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let url: axum::http::Uri = text("Url")
        .parse()
        .map_err(|e| shape(format!("`Url`: {e}")))?;
    let path = url
        .path_and_query()
        .map_or("/", axum::http::uri::PathAndQuery::as_str)
        .to_owned();
    let method = axum::http::Method::from_bytes(text("Method").as_bytes())
        .map_err(|e| shape(format!("`Method`: {e}")))?;
    let body = match member(&req, "Body") {
        Some(Value::String(s)) => s.clone(),
        None | Some(Value::Null) => String::new(),
        Some(other) => other.to_string(),
    };
    let mut request = axum::extract::Request::new(axum::body::Body::from(body));
    *request.method_mut() = method;
    *request.uri_mut() = path.parse().map_err(|e| shape(format!("`Url`: {e}")))?;
    *request.headers_mut() = request_headers(member(&req, "Headers").map(unwrap));
    Ok(request)
}

/// `{endpoint, path, token}` (any case) as the function's negotiation result.
fn negotiation_result(value: Value) -> Option<SocketIoNegotiationResult> {
    let Value::Object(map) = value else {
        return None;
    };
    let text = |name| member(&map, name)?.as_str().map(str::to_owned);
    let (endpoint, path, token) = (text("endpoint")?, text("path")?, text("token")?);
    let endpoint = endpoint.trim_end_matches('/').to_owned();
    Some(SocketIoNegotiationResult::from_parts(endpoint, path, token))
}

/// The HTTP trigger's headers (`{"Name": ["value"]}` or `{"Name": "value"}`).
fn request_headers(value: Option<Value>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let headers_map = value.and_then(|v| multimap_from_json(v).ok());
    for (name, values) in headers_map.unwrap_or_default() {
        let Ok(name) = HeaderName::from_bytes(name.as_bytes()) else {
            continue;
        };
        for value in values {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.append(name.clone(), value);
            }
        }
    }
    headers
}

/// A response as the host's `http` output binding reads it: status, headers, body as text.
async fn http_output(response: Response) -> Value {
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, 1024 * 1024)
        .await
        .unwrap_or_default();
    let headers: Map<String, Value> = parts
        .headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_owned(), Value::from(v.to_str().ok()?))))
        .collect();
    let status = if parts.status == StatusCode::default() {
        200
    } else {
        parts.status.as_u16()
    };
    json!({
        "statusCode": status,
        "headers": headers,
        "body": String::from_utf8_lossy(&body),
    })
}
