//! Which operation a REST path and method name.

use super::error;
use crate::hubs::Connection;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use socketio_fn_protocol::paths::generate_token;

/// Which connections a call addresses.
#[derive(Debug, Clone)]
pub(super) enum Scope {
    Hub,
    Group(String),
    Connection(String),
    User(String),
}

pub(super) enum Operation {
    Send(Scope),
    Close(Scope),
    Exists(Scope),
    ChangeGroups {
        add: bool,
    },
    Membership {
        add: bool,
        group: String,
        scope: Scope,
    },
    LeaveAllGroups(Scope),
    GenerateToken,
    /// `GET groups/{g}/connections` (paged).
    ListGroup(String),
    /// `POST :invoke`: emit and stream back the acks.
    Invoke,
}

/// Routes a path (after `/api/hubs/<hub>/`) and method to an operation; the error is the reply itself.
#[allow(clippy::result_large_err)]
pub(super) fn operation(method: &Method, segments: &[String]) -> Result<Operation, Response> {
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    let scoped = |kind: &str, id: &str| match kind {
        "groups" => Scope::Group(id.to_owned()),
        "connections" => Scope::Connection(id.to_owned()),
        _ => Scope::User(id.to_owned()),
    };
    let expect = |allowed: Method, op: Operation| {
        if *method == allowed {
            Ok(op)
        } else {
            Err(error(
                StatusCode::METHOD_NOT_ALLOWED,
                "MethodNotAllowed",
                format!("use {allowed} for `{}`", segments.join("/")),
            ))
        }
    };
    match s.as_slice() {
        [":send"] => expect(Method::POST, Operation::Send(Scope::Hub)),
        [":invoke"] => expect(Method::POST, Operation::Invoke),
        ["groups", group, "connections"] => {
            expect(Method::GET, Operation::ListGroup((*group).to_owned()))
        }
        [kind @ ("groups" | "connections" | "users"), id, ":send"] => {
            expect(Method::POST, Operation::Send(scoped(kind, id)))
        }
        [":closeConnections"] => expect(Method::POST, Operation::Close(Scope::Hub)),
        [kind @ ("groups" | "users"), id, ":closeConnections"] => {
            expect(Method::POST, Operation::Close(scoped(kind, id)))
        }
        ["connections", id] if method == Method::DELETE => {
            Ok(Operation::Close(Scope::Connection((*id).to_owned())))
        }
        [kind @ ("groups" | "connections" | "users"), id] => {
            expect(Method::HEAD, Operation::Exists(scoped(kind, id)))
        }
        [":addToGroups"] => expect(Method::POST, Operation::ChangeGroups { add: true }),
        [":removeFromGroups"] => expect(Method::POST, Operation::ChangeGroups { add: false }),
        ["groups", group, kind @ ("connections" | "users"), id]
        | [kind @ "users", id, "groups", group] => {
            let add = match *method {
                Method::PUT => true,
                Method::DELETE => false,
                _ => {
                    return Err(error(
                        StatusCode::METHOD_NOT_ALLOWED,
                        "MethodNotAllowed",
                        "use PUT to add or DELETE to remove",
                    ));
                }
            };
            Ok(Operation::Membership {
                add,
                group: (*group).to_owned(),
                scope: scoped(kind, id),
            })
        }
        [kind @ ("connections" | "users"), id, "groups"] => {
            expect(Method::DELETE, Operation::LeaveAllGroups(scoped(kind, id)))
        }
        [generate_token::OPERATION] => expect(Method::POST, Operation::GenerateToken),
        _ => Err(error(
            StatusCode::NOT_FOUND,
            "NotSupported",
            format!(
                "the emulator does not offer `{} {}` (see its fidelity page)",
                method,
                segments.join("/")
            ),
        )),
    }
}

impl Scope {
    pub(super) fn contains(&self, id: &str, connection: &Connection) -> bool {
        match self {
            Self::Hub => true,
            Self::Group(g) => connection.groups.contains(g),
            Self::Connection(c) => id == c,
            Self::User(u) => connection.user_id.as_deref() == Some(u.as_str()),
        }
    }
}
