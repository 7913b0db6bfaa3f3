//! Turning an authenticated, routed request into the function's request: the system event's JSON
//! body, or the user event's packet (checked against `ce-eventName`), and where its ack goes.

use super::Rejection;
use crate::request::{
    SocketIoConnectRequest, SocketIoConnectedRequest, SocketIoDisconnectedRequest,
    SocketIoMessageRequest, TriggerRequest,
};
use axum::body::Bytes;
use axum::http::{HeaderMap, header::CONTENT_TYPE};
use socketio_fn_protocol::cloud_events::{
    CloudEvent, ConnectBody, DisconnectedBody, EventKind, TEXT_PLAIN, trim_ows,
};
use socketio_fn_protocol::packet::{EventData, Packet, PacketError, PacketType};

/// Where an ack goes: the socket's namespace and the packet's ack id.
pub(super) struct AckTarget {
    pub(super) namespace: String,
    pub(super) id: u64,
}

/// The request of the event kind the route found, from the event's attributes and body.
pub(super) fn request(
    kind: EventKind,
    event: &CloudEvent<'_>,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<(TriggerRequest, Option<AckTarget>), Rejection> {
    let namespace = event.namespace.to_owned();
    let socket_id = event.socket_id.to_owned();
    let system_body = |event: &'static str| {
        move |e: socketio_fn_protocol::cloud_events::BodyError| Rejection::SystemBody {
            event,
            reason: e.to_string(),
        }
    };
    Ok(match kind {
        EventKind::Connect => {
            let b = ConnectBody::from_json(&body).map_err(system_body("connect"))?;
            let request = SocketIoConnectRequest {
                namespace,
                socket_id,
                claims: b.claims,
                query: b.query,
                headers: b.headers,
                client_certificates: b.client_certificates,
            };
            (TriggerRequest::Connect(request), None)
        }
        EventKind::Connected => (
            TriggerRequest::Connected(SocketIoConnectedRequest {
                namespace,
                socket_id,
            }),
            None,
        ),
        EventKind::Disconnected => {
            let b = DisconnectedBody::from_json(&body).map_err(system_body("disconnected"))?;
            let request = SocketIoDisconnectedRequest {
                namespace,
                socket_id,
                reason: b.reason,
            };
            (TriggerRequest::Disconnected(request), None)
        }
        EventKind::Message => message_request(event, headers, body, namespace, socket_id)?,
    })
}

/// A user event: a `text/plain` UTF-8 body holding one EVENT packet whose event name is
/// `ce-eventName`; its ack id (when the client asked for an ack) says where the reply goes.
fn message_request(
    event: &CloudEvent<'_>,
    headers: &HeaderMap,
    body: Bytes,
    namespace: String,
    socket_id: String,
) -> Result<(TriggerRequest, Option<AckTarget>), Rejection> {
    let media_type = headers
        .get(CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()))
        .unwrap_or_default();
    let media_type = trim_ows(media_type.split(";").next().unwrap_or_default());
    if !media_type.eq_ignore_ascii_case(TEXT_PLAIN) {
        return Err(Rejection::NotText(media_type.to_owned()));
    }
    let payload = String::from_utf8(body.into()).map_err(|_| Rejection::NotUtf8)?;
    let packet = Packet::decode(&payload)?;
    if packet.kind != PacketType::Event {
        return Err(PacketError::UnexpectedType {
            expected: PacketType::Event,
            found: packet.kind,
        }
        .into());
    }
    let id = packet.id;
    let data = EventData::parse(packet.data)?;
    if data.event_name != event.event_name {
        return Err(Rejection::EventNameMismatch {
            packet: data.event_name,
            header: event.event_name.to_owned(),
        });
    }
    let ack = id.map(|id| AckTarget {
        namespace: namespace.clone(),
        id,
    });
    let request = SocketIoMessageRequest {
        namespace,
        socket_id,
        event_name: data.event_name,
        parameters: data.parameters,
        ack_id: id,
        payload,
    };
    Ok((TriggerRequest::Message(request), ack))
}
