//! The REST request each action becomes (spec 5.4), byte for byte.

use super::SocketIoAction;
use socketio_fn_protocol::groups::{in_group, namespace_group, room_group, rooms_filter as filter};
use socketio_fn_protocol::packet::{encode_disconnect, encode_event};
use socketio_fn_protocol::paths::{
    API_VERSION_QUERY, FILTER_QUERY, REST_HUB_PREFIX, escape_component,
};

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
    /// use socketio_fn::SocketIoAction;
    /// let r = SocketIoAction::send_to_socket("socket1", "event", ("abc",)).in_namespace("/ns").rest_request("hub", "2024-01-01");
    /// assert_eq!(r.path_and_query, "/api/hubs/hub/groups/0~L25z~c29ja2V0MQ/:send?api-version=2024-01-01");
    /// assert_eq!(r.body, "42/ns,[\"event\",\"abc\"]");
    /// ```
    pub fn rest_request(&self, hub: &str, api_version: &str) -> RestRequest {
        let rest = Rest {
            hub_path: format!("{REST_HUB_PREFIX}{}", escape_component(hub)),
            version: escape_component(api_version),
        };
        match self {
            Self::AddSocketToRoom {
                namespace,
                socket_id,
                room,
            } => rest.groups("addToGroups", namespace, socket_id, room),
            Self::RemoveSocketFromRoom {
                namespace,
                socket_id,
                room,
            } => rest.groups("removeFromGroups", namespace, socket_id, room),
            Self::SendToNamespace {
                namespace,
                event_name,
                parameters,
                except_rooms,
            } => rest.send(
                Some(&namespace_group(namespace)),
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
                    // One room: its group, filtered by the except-rooms only.
                    [room] => rest.send(
                        Some(&room_group(namespace, room)),
                        Some(filter(namespace, &[], except_rooms, false)),
                        body,
                    ),
                    _ => rest.send(
                        None,
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
            } => rest.send(
                Some(&room_group(namespace, socket_id)),
                None,
                encode_event(namespace, event_name, parameters),
            ),
            Self::DisconnectSockets {
                namespace,
                rooms,
                close_underlying_connection,
            } => rest.send(
                None,
                Some(filter(namespace, rooms, &[], true)),
                encode_disconnect(namespace, *close_underlying_connection),
            ),
        }
    }
}

/// The REST API of one hub, at one `api-version` (both escaped).
struct Rest {
    hub_path: String,
    version: String,
}

impl Rest {
    /// `POST <hub>[/groups/<group>]/:send?api-version=..[&filter=..]` with a packet body.
    fn send(&self, group: Option<&str>, filter: Option<String>, body: String) -> RestRequest {
        let path = match group {
            Some(group) => format!("{}/groups/{}", self.hub_path, escape_component(group)),
            None => self.hub_path.clone(),
        };
        let version = &self.version;
        RestRequest {
            path_and_query: match filter {
                Some(f) => format!(
                    "{path}/:send?{API_VERSION_QUERY}={version}&{FILTER_QUERY}={}",
                    escape_component(&f)
                ),
                None => format!("{path}/:send?{API_VERSION_QUERY}={version}"),
            },
            content_type: "text/plain",
            body,
        }
    }

    /// `POST <hub>/:<operation>?api-version=..` moving one socket into or out of a room's group.
    fn groups(&self, operation: &str, namespace: &str, socket_id: &str, room: &str) -> RestRequest {
        // The reference writes `'` as `\u0027` (.NET's JSON escaping); the service parses the JSON,
        // so serde_json's plain form is the same body to it.
        let body = serde_json::json!({
            "filter": in_group(&room_group(namespace, socket_id)),
            "groups": [room_group(namespace, room)],
        })
        .to_string();
        RestRequest {
            path_and_query: format!(
                "{}/:{operation}?{API_VERSION_QUERY}={}",
                self.hub_path, self.version
            ),
            content_type: "application/json",
            body,
        }
    }
}
