//! `GET groups/{g}/connections`: a group's connections, paged as the service pages them —
//! `maxpagesize` (1-200) per page, `top` in all, an opaque `continuationToken` (keyset order by
//! connection id) and an absolute `nextLink` on the emulator's endpoint.

use super::bad_request;
use super::call::Query;
use crate::hubs::Hub;
use crate::sockets::Shared;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use socketio_fn_protocol::paths::{REST_HUB_PREFIX, escape_component};
use std::sync::Arc;

/// The largest page.
const MAX_PAGE: usize = 200;
/// The api-version of the `nextLink` (the one that has this operation).
const LIST_API_VERSION: &str = "2024-12-01";

/// One page of the group's members, after the continuation token.
pub(super) async fn list(
    shared: &Shared,
    hub_name: &str,
    hub: Option<Arc<Hub>>,
    group: &str,
    query: &Query,
) -> Response {
    #[allow(clippy::result_large_err)]
    let number = |name: &str, max: usize| -> Result<Option<usize>, Response> {
        match query.value(name).map(str::parse::<usize>) {
            None => Ok(None),
            Some(Ok(n)) if (1..=max).contains(&n) => Ok(Some(n)),
            Some(_) => Err(bad_request(
                "InvalidQuery",
                format!("`{name}` must be a whole number from 1 to {max}"),
            )),
        }
    };
    let (page_size, top) = match (
        number("maxpagesize", MAX_PAGE),
        number("top", i32::MAX as usize),
    ) {
        (Ok(p), Ok(t)) => (p.unwrap_or(MAX_PAGE), t),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let after = query.value("continuationToken").unwrap_or_default();
    let mut members: Vec<(String, Option<String>)> = hub
        .map(|hub| {
            hub.lock()
                .iter()
                .filter(|(id, c)| c.groups.contains(group) && id.as_str() > after)
                .map(|(id, c)| (id.clone(), c.user_id.clone()))
                .collect()
        })
        .unwrap_or_default();
    members.sort();
    let take = page_size.min(top.unwrap_or(usize::MAX));
    // More pages only while `top` leaves room for them.
    let more = members.len() > take && top.is_none_or(|t| t > take);
    members.truncate(take);
    let value: Vec<Value> = members
        .iter()
        .map(|(id, user)| match user {
            Some(user) => json!({ "connectionId": id, "userId": user }),
            None => json!({ "connectionId": id }),
        })
        .collect();
    let mut page = json!({ "value": value });
    if let (true, Some((last, _))) = (more, members.last()) {
        let mut next = format!(
            "{}{REST_HUB_PREFIX}{}/groups/{}/connections?api-version={LIST_API_VERSION}&maxpagesize={page_size}",
            shared.endpoint,
            escape_component(hub_name),
            escape_component(group)
        );
        if let Some(top) = top {
            next.push_str(&format!("&top={}", top - members.len()));
        }
        next.push_str(&format!("&continuationToken={}", escape_component(last)));
        page["nextLink"] = Value::String(next);
    }
    (StatusCode::OK, axum::Json(page)).into_response()
}
