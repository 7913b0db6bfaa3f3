//! The REST request each action becomes (spec 5.4), byte for byte.

use super::SocketIoAction;
use crate::protocol::groups::{in_group, namespace_group, room_group, rooms_filter as filter};
use crate::protocol::packet::{encode_disconnect, encode_event};
use crate::protocol::paths::{REST_HUB_PREFIX, escape_component};

/// A POST to the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestRequest {
    /// Path and query, e.g. `/api/hubs/hub/:send?api-version=2024-01-01&filter=...`.
    pub path_and_query: String,
    /// `text/plain` for sends, `application/json` for group changes.
    pub content_type: &'static str,
    /// The body.
    pub body: String,
}

impl SocketIoAction {
    /// The REST request for this action on `hub`.
    ///
    /// ```
    /// use socketio_fn_core::actions::SocketIoAction;
    /// let r = SocketIoAction::send_to_socket("socket1", "event", ("abc",)).in_namespace("/ns").rest_request("hub", "2024-01-01");
    /// assert_eq!(r.path_and_query, "/api/hubs/hub/groups/0~L25z~c29ja2V0MQ/:send?api-version=2024-01-01");
    /// assert_eq!(r.body, "42/ns,[\"event\",\"abc\"]");
    /// ```
    pub fn rest_request(&self, hub: &str, api_version: &str) -> RestRequest {
        let hub_path = format!("{REST_HUB_PREFIX}{}", escape_component(hub));
        let version = escape_component(api_version);
        let send = |path: String, filter: Option<String>, body: String| RestRequest {
            path_and_query: match filter {
                Some(f) => format!(
                    "{path}/:send?api-version={version}&filter={}",
                    escape_component(&f)
                ),
                None => format!("{path}/:send?api-version={version}"),
            },
            content_type: "text/plain",
            body,
        };
        let groups = |operation: &str, namespace: &str, socket_id: &str, room: &str| {
            // The reference writes `'` as `\u0027` (.NET's JSON escaping); the service parses the JSON,
            // so serde_json's plain form is the same body to it.
            let body = serde_json::json!({
                "filter": in_group(&room_group(namespace, socket_id)),
                "groups": [room_group(namespace, room)],
            })
            .to_string();
            RestRequest {
                path_and_query: format!("{hub_path}/:{operation}?api-version={version}"),
                content_type: "application/json",
                body,
            }
        };
        match self {
            Self::AddSocketToRoom {
                namespace,
                socket_id,
                room,
            } => groups("addToGroups", namespace, socket_id, room),
            Self::RemoveSocketFromRoom {
                namespace,
                socket_id,
                room,
            } => groups("removeFromGroups", namespace, socket_id, room),
            Self::SendToNamespace {
                namespace,
                event_name,
                parameters,
                except_rooms,
            } => send(
                format!(
                    "{hub_path}/groups/{}",
                    escape_component(&namespace_group(namespace))
                ),
                Some(filter(namespace, &[], except_rooms, false)),
                encode_event(namespace, event_name, parameters),
            ),
            Self::SendToRooms {
                namespace,
                rooms,
                event_name,
                parameters,
                except_rooms,
            } => {
                let body = encode_event(namespace, event_name, parameters);
                match rooms.as_slice() {
                    [room] => send(
                        format!(
                            "{hub_path}/groups/{}",
                            escape_component(&room_group(namespace, room))
                        ),
                        Some(filter(namespace, &[], except_rooms, false)),
                        body,
                    ),
                    _ => send(
                        hub_path.clone(),
                        Some(filter(namespace, rooms, except_rooms, false)),
                        body,
                    ),
                }
            }
            Self::SendToSocket {
                namespace,
                socket_id,
                event_name,
                parameters,
            } => send(
                format!(
                    "{hub_path}/groups/{}",
                    escape_component(&room_group(namespace, socket_id))
                ),
                None,
                encode_event(namespace, event_name, parameters),
            ),
            Self::DisconnectSockets {
                namespace,
                rooms,
                close_underlying_connection,
            } => send(
                hub_path.clone(),
                Some(filter(namespace, rooms, &[], true)),
                encode_disconnect(namespace, *close_underlying_connection),
            ),
        }
    }
}
