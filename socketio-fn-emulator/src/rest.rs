//! The service's REST API as the runtime calls it (spec Appendix A.5): sends, group changes and client
//! tokens, authenticated with a JWT whose audience is the request URL.

use crate::Service;
use crate::filter::Filter;
use crate::hub::{Candidate, Spread};
use axum::body::Bytes;
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use socketio_fn_core::protocol::packet::{EventData, Packet, PacketType};
use socketio_fn_core::protocol::paths::client_audience;
use socketio_fn_core::protocol::token;
use socketioxide::socket::Sid;
use std::str::FromStr;

/// API versions the emulator accepts.
pub(crate) const API_VERSIONS: [&str; 4] = ["2021-10-01", "2023-07-01", "2024-01-01", "2024-12-01"];

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    let body = json!({ "code": code, "message": message.into() });
    (status, [("x-ms-error-code", code)], axum::Json(body)).into_response()
}

enum Operation {
    Send { group: Option<String> },
    AddToGroups,
    RemoveFromGroups,
    GenerateToken,
}

fn operation(rest: &str) -> Option<Operation> {
    let segments: Vec<&str> = rest.split('/').collect();
    match segments.as_slice() {
        [":send"] => Some(Operation::Send { group: None }),
        ["groups", group, ":send"] => Some(Operation::Send {
            group: Some(percent_decode(group)),
        }),
        [":addToGroups"] => Some(Operation::AddToGroups),
        [":removeFromGroups"] => Some(Operation::RemoveFromGroups),
        [":generateToken"] => Some(Operation::GenerateToken),
        _ => None,
    }
}

fn percent_decode(text: &str) -> String {
    form_urlencoded::parse(format!("x={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

pub(crate) async fn handle(service: &Service, hub: &str, rest: &str, request: Request) -> Response {
    let Some(operation) = operation(rest) else {
        return error(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("no such operation `{rest}`"),
        );
    };
    if request.method() != Method::POST {
        return error(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "use POST",
        );
    }
    let (parts, body) = request.into_parts();
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or_default();
    let audience = format!("{}{path_and_query}", service.shared.endpoint);
    let token = parts
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let Some(token) = token else {
        return error(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "missing bearer token",
        );
    };
    if let Err(e) = token::verify(
        token,
        service.shared.access_key.expose(),
        &audience,
        token::unix_now(),
        5,
    ) {
        return error(StatusCode::UNAUTHORIZED, "Unauthorized", e.to_string());
    }
    let query: Vec<(String, String)> =
        form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let value = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    match value("api-version") {
        Some(v) if API_VERSIONS.contains(&v) => {}
        other => {
            return error(
                StatusCode::BAD_REQUEST,
                "InvalidApiVersion",
                format!("unsupported api-version {other:?}; expected one of {API_VERSIONS:?}"),
            );
        }
    }
    let body = match axum::body::to_bytes(body, 1024 * 1024).await {
        Ok(b) => b,
        Err(e) => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "RequestTooLarge",
                e.to_string(),
            );
        }
    };
    match operation {
        Operation::GenerateToken => {
            let user = value("userId").filter(|u| !u.is_empty()).map(str::to_owned);
            let minutes: u64 = match value("minutesToExpire").map(str::parse) {
                None => 60,
                Some(Ok(m)) if m > 0 => m,
                Some(_) => {
                    return error(
                        StatusCode::BAD_REQUEST,
                        "InvalidQuery",
                        "`minutesToExpire` must be a positive whole number",
                    );
                }
            };
            let aud = client_audience(&service.shared.endpoint, hub);
            let claims = token::Claims::new(aud, token::unix_now(), minutes * 60, user);
            let token = token::sign(&claims, service.shared.access_key.expose());
            (StatusCode::OK, axum::Json(json!({ "token": token }))).into_response()
        }
        Operation::AddToGroups | Operation::RemoveFromGroups => {
            let add = matches!(operation, Operation::AddToGroups);
            change_groups(service, hub, &body, add)
        }
        Operation::Send { group } => {
            let filter = match Filter::parse(value("filter").unwrap_or_default()) {
                Ok(f) => f,
                Err(e) => return invalid_filter(e),
            };
            send(service, hub, group.as_deref(), &filter, &body)
        }
    }
}

/// The 400 reply for a filter that does not parse.
fn invalid_filter(reason: String) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "InvalidFilter",
        format!("invalid filter: {reason}"),
    )
}

fn change_groups(service: &Service, hub: &str, body: &Bytes, add: bool) -> Response {
    let parsed: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                "InvalidBody",
                format!("invalid JSON: {e}"),
            );
        }
    };
    // A missing or non-text filter would otherwise select every connection.
    let Some(filter) = parsed["filter"].as_str() else {
        return error(
            StatusCode::BAD_REQUEST,
            "InvalidBody",
            "`filter` must be a string",
        );
    };
    let filter = match Filter::parse(filter) {
        Ok(f) => f,
        Err(e) => return invalid_filter(e),
    };
    let Some(groups) = parsed["groups"].as_array() else {
        return error(
            StatusCode::BAD_REQUEST,
            "InvalidBody",
            "`groups` must be an array of strings",
        );
    };
    let Some(groups) = groups
        .iter()
        .map(|g| g.as_str().map(str::to_owned))
        .collect::<Option<Vec<String>>>()
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "InvalidBody",
            "`groups` must be an array of strings",
        );
    };
    if let Some((hub, _)) = service.existing_hub(hub) {
        let mut connections = hub.lock();
        for (id, connection) in connections.iter_mut() {
            if filter.matches(&Candidate { id, connection }) {
                for g in &groups {
                    if add {
                        connection.groups.insert(g.clone());
                    } else {
                        connection.groups.remove(g);
                    }
                }
            }
        }
    }
    StatusCode::OK.into_response()
}

fn send(
    service: &Service,
    hub: &str,
    group: Option<&str>,
    filter: &Filter,
    body: &Bytes,
) -> Response {
    let Ok(text) = std::str::from_utf8(body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "InvalidBody",
            "the body must be UTF-8 text",
        );
    };
    let packet = match Packet::decode(text) {
        Ok(p) => p,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                "InvalidBody",
                format!("invalid packet: {e}"),
            );
        }
    };
    let event = match packet.kind {
        PacketType::Event => match EventData::parse(packet.data) {
            Ok(d) => Some(d),
            Err(e) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "InvalidBody",
                    format!("invalid packet: {e}"),
                );
            }
        },
        PacketType::Disconnect => None,
        other => {
            return error(
                StatusCode::BAD_REQUEST,
                "InvalidBody",
                format!("only EVENT and DISCONNECT packets can be sent, got {other:?}"),
            );
        }
    };
    let close = packet.kind == PacketType::Disconnect
        && serde_json::from_str::<Value>(packet.data).is_ok_and(|d| d["close"] == true);
    let Some((hub, io)) = service.existing_hub(hub) else {
        return StatusCode::ACCEPTED.into_response();
    };
    let targets: Vec<(String, Vec<String>)> = hub
        .lock()
        .iter()
        .filter(|(_, c)| group.is_none_or(|g| c.groups.contains(g)))
        .filter(|(id, connection)| filter.matches(&Candidate { id, connection }))
        .map(|(id, c)| (id.clone(), c.namespaces.iter().cloned().collect()))
        .collect();
    for (id, namespaces) in targets {
        let Ok(sid) = Sid::from_str(&id) else {
            continue;
        };
        let socket = |ns: &str| io.of(ns).and_then(|op| op.get_socket(sid));
        match &event {
            Some(event) => {
                if let Some(s) = socket(packet.namespace)
                    && let Err(e) = s.emit(event.event_name.as_str(), &Spread(&event.parameters))
                {
                    tracing::warn!(socket = %id, error = %e, "emit failed");
                }
            }
            None if close => {
                for ns in namespaces {
                    if let Some(s) = socket(&ns) {
                        let _ = s.disconnect();
                    }
                }
            }
            None => {
                if let Some(s) = socket(packet.namespace) {
                    let _ = s.disconnect();
                }
            }
        }
    }
    StatusCode::ACCEPTED.into_response()
}
