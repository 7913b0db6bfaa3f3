//! The service's REST API as the runtime and Microsoft's `@azure/web-pubsub` SDK call it (spec Appendix
//! A.5): sends to the hub, a group, a connection or a user; group membership; closing connections;
//! existence checks; client tokens. Every call is authenticated with a JWT whose audience is the request
//! URL. Operations the emulator does not offer get a 404 naming the operation.
//!
//! Paths are read from the raw request URI and each segment is percent-decoded exactly once.

mod call;
mod invoke;
mod listing;
mod operations;
mod route;

use crate::sockets::Shared;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use call::Call;
use route::Operation;
use serde_json::json;
use socketio_fn_protocol::paths::ERROR_CODE_HEADER;
use std::sync::Arc;

/// API versions the emulator accepts.
pub const API_VERSIONS: [&str; 4] = ["2021-10-01", "2023-07-01", "2024-01-01", "2024-12-01"];
/// The largest REST body accepted.
pub(crate) const MAX_BODY_BYTES: usize = 1024 * 1024;
/// The longest client token lifetime `:generateToken` issues (one year).
pub const MAX_TOKEN_MINUTES: u64 = 365 * 24 * 60;
/// How long `:invoke` waits for the targeted sockets' acks before it ends its reply.
pub const INVOKE_WAIT: std::time::Duration = std::time::Duration::from_secs(30);
/// The longest message TTL a send takes (`messageTtlSeconds`).
pub const MAX_TTL_SECONDS: u64 = 300;
/// Filter work (conditions x connections) above which evaluation moves off the async runtime.
const BLOCKING_THRESHOLD: usize = 16 * 1024;

/// An error reply as the service writes one: `x-ms-error-code` and a JSON body with `code` and
/// `message`.
fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    let body = json!({ "code": code, "message": message.into() });
    (status, [(ERROR_CODE_HEADER, code)], axum::Json(body)).into_response()
}

fn bad_request(code: &str, message: impl Into<String>) -> Response {
    error(StatusCode::BAD_REQUEST, code, message)
}

/// The 400 reply for a filter that does not parse.
fn invalid_filter(reason: impl std::fmt::Display) -> Response {
    bad_request("InvalidFilter", format!("invalid filter: {reason}"))
}

/// Serves one REST call: read and authenticate it, then run its operation.
pub(crate) async fn handle(shared: Arc<Shared>, request: Request) -> Response {
    match Call::read(&shared, request).await {
        Ok(call) => run(&shared, call).await,
        Err(response) => response,
    }
}

async fn run(shared: &Shared, call: Call) -> Response {
    let hub = shared.hubs.get(&call.hub);
    let Call {
        operation,
        query,
        filter,
        body,
        ..
    } = &call;
    match operation {
        Operation::GenerateToken => operations::generate_token(shared, &call.hub, query),
        Operation::Send(scope) => match ttl(query) {
            Ok(()) => operations::send(shared, hub, scope.clone(), filter.clone(), body).await,
            Err(response) => response,
        },
        Operation::Close(scope) => {
            operations::close(shared, hub, scope.clone(), filter.clone(), query).await
        }
        Operation::Exists(scope) => operations::exists(hub, scope.clone()).await,
        Operation::ChangeGroups { add } => operations::change_groups(shared, hub, body, *add).await,
        Operation::Membership { add, group, scope } => {
            operations::membership(shared, hub, scope.clone(), group, *add).await
        }
        Operation::LeaveAllGroups(scope) => {
            operations::leave_all_groups(shared, hub, scope.clone()).await
        }
        Operation::ListGroup(group) => listing::list(shared, &call.hub, hub, group, query).await,
        Operation::Invoke => invoke::invoke(shared, hub, filter.clone(), body).await,
    }
}

/// `messageTtlSeconds`, when given, is a whole number from 0 to 300. The emulator delivers at once,
/// so a TTL has nothing to drop.
#[allow(clippy::result_large_err)]
fn ttl(query: &call::Query) -> Result<(), Response> {
    match query.value("messageTtlSeconds").map(str::parse::<u64>) {
        None => Ok(()),
        Some(Ok(s)) if s <= MAX_TTL_SECONDS => Ok(()),
        Some(_) => Err(bad_request(
            "InvalidQuery",
            format!("`messageTtlSeconds` must be a whole number from 0 to {MAX_TTL_SECONDS}"),
        )),
    }
}
