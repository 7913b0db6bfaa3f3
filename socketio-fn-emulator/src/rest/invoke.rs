//! `POST :invoke`: emits the event to every selected socket with an ack id of its own, and streams
//! back one JSON line `{"Payload":"43<ns,><id>[...]"}` per socket that acks, in the order they
//! arrive (`service-api.md` 11.4). The reply ends when every targeted socket acked or left, at once
//! when nothing matches, and after [`INVOKE_WAIT`] at the latest. These acks never reach the app.

use super::operations::select;
use super::{INVOKE_WAIT, bad_request};
use crate::hubs::Hub;
use crate::sockets::{Gather, Shared, Spread};
use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use socketio_fn_protocol::filter::Filter;
use socketio_fn_protocol::packet::{EventData, Packet, PacketType, encode_ack};
use socketioxide::socket::Sid;
use std::str::FromStr;
use std::sync::Arc;

/// Emits and streams the acks.
pub(super) async fn invoke(
    shared: &Shared,
    hub: Option<Arc<Hub>>,
    filter: Filter,
    body: &Bytes,
) -> Response {
    let Ok(text) = std::str::from_utf8(body) else {
        return bad_request("InvalidBody", "the body must be UTF-8 text");
    };
    let event = match Packet::decode(text) {
        Ok(p) if p.kind == PacketType::Event => match EventData::parse(p.data) {
            Ok(d) => (p.namespace.to_owned(), d),
            Err(e) => return bad_request("InvalidBody", format!("invalid packet: {e}")),
        },
        Ok(p) => {
            return bad_request(
                "InvalidBody",
                format!("only EVENT packets can be invoked, got {:?}", p.kind),
            );
        }
        Err(e) => return bad_request("InvalidBody", format!("invalid packet: {e}")),
    };
    let (namespace, data) = event;
    let pending = FuturesUnordered::new();
    if let (Some(io), Some(hub)) = (shared.io(), hub) {
        let hub_of_sends = hub.clone();
        for (id, _) in select(hub, super::route::Scope::Hub, filter).await {
            let socket = Sid::from_str(&id)
                .ok()
                .and_then(|sid| io.of(namespace.as_str())?.get_socket(sid));
            let Some(socket) = socket else { continue };
            match socket
                .timeout(INVOKE_WAIT)
                .emit_with_ack::<_, Gather>(data.event_name.as_str(), &Spread(&data.parameters))
            {
                Ok(ack) => {
                    crate::admin::event_sent(
                        shared,
                        &hub_of_sends.name,
                        &namespace,
                        &id,
                        &data.event_name,
                        &data.parameters,
                    );
                    pending.push(ack);
                }
                Err(e) => tracing::warn!(connection = %id, error = %e, "invoke: emit failed"),
            }
        }
    }
    let lines = pending.enumerate().filter_map(move |(n, ack)| {
        let namespace = namespace.clone();
        async move {
            let Gather(values) = ack.ok()?;
            let id = u64::try_from(n).unwrap_or(u64::MAX);
            let line = serde_json::json!({ "Payload": encode_ack(&namespace, id, &values) });
            Some(Ok::<_, std::convert::Infallible>(format!("{line}\n")))
        }
    });
    (
        StatusCode::OK,
        [("content-type", "application/x-ndjson")],
        Body::from_stream(lines),
    )
        .into_response()
}
