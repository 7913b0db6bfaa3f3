//! The REST requests each action becomes (spec 5.4; `service-api.md` for the kinds beyond the
//! reference's six), byte for byte.

use super::{Event, InvalidAction, SocketIoAction, Target};
use socketio_fn_protocol::groups::{
    in_group, namespace_group, room_group, rooms_filter, string_literal, user_filter,
};
use socketio_fn_protocol::packet::{encode_disconnect, encode_event};
use socketio_fn_protocol::paths::{
    API_VERSION_QUERY, FILTER_QUERY, REST_HUB_PREFIX, escape_component, push_escaped,
};
use std::time::Duration;

/// The api-version Microsoft's Socket.IO adapter sends with `:invoke` (an operation no published
/// specification describes, `service-api.md` 11).
pub(crate) const INVOKE_API_VERSION: &str = "2023-07-01";

/// A request to the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestRequest {
    /// `POST`, or `DELETE` for closing one connection and leaving all groups.
    pub method: &'static str,
    /// Path and query, e.g. `/api/hubs/hub/:send?api-version=2024-01-01&filter=...`.
    pub path_and_query: String,
    /// `text/plain` for sends, `application/json` for group changes.
    pub content_type: &'static str,
    /// The body.
    pub body: String,
}

impl SocketIoAction {
    /// The REST requests for this action on `hub`, in the order they are sent (one, except
    /// `removeUserFromAllRooms`: two).
    ///
    /// ```
    /// use socketio_fn::SocketIoAction;
    /// let r = &SocketIoAction::send_to_socket("socket1", "event", ("abc",)).in_namespace("/ns").rest_requests("hub", "2024-01-01")[0];
    /// assert_eq!(r.path_and_query, "/api/hubs/hub/groups/0~L25z~c29ja2V0MQ/:send?api-version=2024-01-01");
    /// assert_eq!(r.body, "42/ns,[\"event\",\"abc\"]");
    /// ```
    pub fn rest_requests(&self, hub: &str, api_version: &str) -> Vec<RestRequest> {
        let mut hub_path = String::with_capacity(REST_HUB_PREFIX.len() + hub.len());
        hub_path.push_str(REST_HUB_PREFIX);
        push_escaped(&mut hub_path, hub);
        let rest = Rest {
            hub_path,
            version: escape_component(api_version),
            ttl: self.ttl,
        };
        let ns = self.namespace();
        match &self.target {
            Target::SendToNamespace { .. }
            | Target::SendToRooms { .. }
            | Target::SendToSocket { .. }
            | Target::SendToUser { .. }
            | Target::BroadcastFrom { .. } => vec![rest.send_event(ns, &self.target)],
            Target::DisconnectSockets { rooms, close } => vec![rest.send(
                "",
                Some(rooms_filter(ns, rooms, &[], true)),
                encode_disconnect(ns, *close),
            )],
            Target::CloseConnectionsOfUser { user_id, reason } => {
                vec![rest.close(&format!("/users/{}", escape_component(user_id)), reason)]
            }
            Target::CloseConnectionsInRoom { room, reason } => {
                vec![rest.close(&group_path(&room_group(ns, room)), reason)]
            }
            Target::CloseConnection {
                connection_id,
                reason,
            } => vec![rest.delete(
                &format!("/connections/{}", escape_component(connection_id)),
                reason,
            )],
            Target::RemoveUserFromAllRooms { user_id } => vec![
                rest.delete(&format!("/users/{}/groups", escape_component(user_id)), ""),
                // The service removes every group; the namespace's group comes back, so namespace
                // sends still reach the user (docs/protocol-notes.md).
                rest.groups(
                    "addToGroups",
                    &format!("userId eq {}", string_literal(user_id)),
                    &[namespace_group(ns)],
                ),
            ],
            Target::AddSocketToRoom { .. }
            | Target::RemoveSocketFromRoom { .. }
            | Target::AddUserToRoom { .. }
            | Target::RemoveUserFromRoom { .. }
            | Target::SocketsJoin { .. }
            | Target::SocketsLeave { .. } => vec![rest.membership(ns, &self.target)],
        }
    }

    /// The `:invoke` request that emits a send action and streams back the sockets' acks; any other
    /// kind is an [`InvalidAction::NotApplicable`].
    pub(crate) fn invoke_request(&self, hub: &str) -> Result<RestRequest, InvalidAction> {
        let ns = self.namespace();
        let (filter, event) = match &self.target {
            Target::SendToNamespace {
                event,
                except_rooms,
            } => (rooms_filter(ns, &[], except_rooms, true), event),
            Target::SendToRooms {
                rooms,
                event,
                except_rooms,
            } => (rooms_filter(ns, rooms, except_rooms, true), event),
            Target::SendToSocket { socket_id, event } => {
                (in_group(&room_group(ns, socket_id)), event)
            }
            Target::SendToUser { user_id, event } => (user_filter(ns, user_id), event),
            Target::BroadcastFrom {
                socket_id,
                event,
                except_rooms,
            } => (
                rooms_filter(ns, &[], &with(except_rooms, socket_id), true),
                event,
            ),
            _ => {
                return Err(InvalidAction::NotApplicable {
                    action: self.kind(),
                    reason: "an emit with acks takes a send action (sendToNamespace, sendToRooms, \
                             sendToSocket, sendToUser, broadcastFrom)",
                });
            }
        };
        Ok(RestRequest {
            method: "POST",
            path_and_query: format!(
                "{REST_HUB_PREFIX}{}/:invoke?{API_VERSION_QUERY}={INVOKE_API_VERSION}&{FILTER_QUERY}={}",
                escape_component(hub),
                escape_component(&filter)
            ),
            content_type: "text/plain",
            body: encode_event(ns, &event.name, &event.parameters),
        })
    }
}

/// `rooms` and one more.
fn with(rooms: &[String], room: &str) -> Vec<String> {
    let mut all = rooms.to_vec();
    all.push(room.to_owned());
    all
}

/// `/groups/<group>` (group names are base64url with `0` and `~`, escaped all the same).
fn group_path(group: &str) -> String {
    let mut path = String::with_capacity(8 + group.len());
    path.push_str("/groups/");
    push_escaped(&mut path, group);
    path
}

/// The REST API of one hub, at one `api-version` (both escaped), with the action's TTL.
struct Rest {
    hub_path: String,
    version: String,
    ttl: Option<Duration>,
}

impl Rest {
    /// A send action's request: the group (or user) it addresses and the filter within it.
    fn send_event(&self, ns: &str, target: &Target) -> RestRequest {
        let body = |event: &Event| encode_event(ns, &event.name, &event.parameters);
        let except = |rooms: &[String]| Some(rooms_filter(ns, &[], rooms, false));
        match target {
            Target::SendToNamespace {
                event,
                except_rooms,
            } => self.send(
                &group_path(&namespace_group(ns)),
                except(except_rooms),
                body(event),
            ),
            Target::SendToRooms {
                rooms,
                event,
                except_rooms,
            } => match rooms.as_slice() {
                // One room: its group, filtered by the except-rooms only.
                [room] => self.send(
                    &group_path(&room_group(ns, room)),
                    except(except_rooms),
                    body(event),
                ),
                _ => self.send(
                    "",
                    Some(rooms_filter(ns, rooms, except_rooms, false)),
                    body(event),
                ),
            },
            Target::SendToSocket { socket_id, event } => {
                self.send(&group_path(&room_group(ns, socket_id)), None, body(event))
            }
            Target::SendToUser { user_id, event } => self.send(
                &format!("/users/{}", escape_component(user_id)),
                Some(in_group(&namespace_group(ns))),
                body(event),
            ),
            Target::BroadcastFrom {
                socket_id,
                event,
                except_rooms,
            } => self.send(
                &group_path(&namespace_group(ns)),
                except(&with(except_rooms, socket_id)),
                body(event),
            ),
            _ => unreachable!("send_event takes send actions"),
        }
    }

    /// A group change: one socket, a user's sockets, or the sockets of rooms join or leave a room.
    fn membership(&self, ns: &str, target: &Target) -> RestRequest {
        let (operation, filter, room) = match target {
            Target::AddSocketToRoom { socket_id, room } => {
                ("addToGroups", in_group(&room_group(ns, socket_id)), room)
            }
            Target::RemoveSocketFromRoom { socket_id, room } => (
                "removeFromGroups",
                in_group(&room_group(ns, socket_id)),
                room,
            ),
            Target::AddUserToRoom { user_id, room } => {
                ("addToGroups", user_filter(ns, user_id), room)
            }
            Target::RemoveUserFromRoom { user_id, room } => {
                ("removeFromGroups", user_filter(ns, user_id), room)
            }
            Target::SocketsJoin { in_rooms, room } => {
                ("addToGroups", rooms_filter(ns, in_rooms, &[], true), room)
            }
            Target::SocketsLeave { in_rooms, room } => (
                "removeFromGroups",
                rooms_filter(ns, in_rooms, &[], true),
                room,
            ),
            _ => unreachable!("membership takes group changes"),
        };
        self.groups(operation, &filter, &[room_group(ns, room)])
    }

    /// `POST <hub><scope>/:send?api-version=..[&filter=..][&messageTtlSeconds=..]` with a packet.
    fn send(&self, scope: &str, filter: Option<String>, body: String) -> RestRequest {
        // Pushed into one buffer rather than formatted: this runs for every send.
        let filter_len = filter.as_ref().map_or(0, |f| f.len() * 3 + 8);
        let mut path = String::with_capacity(self.hub_path.len() + scope.len() + 32 + filter_len);
        for part in [
            &self.hub_path,
            scope,
            "/:send?",
            API_VERSION_QUERY,
            "=",
            &self.version,
        ] {
            path.push_str(part);
        }
        // An empty filter is sent as `filter=`, as the reference does.
        if let Some(f) = filter {
            for part in ["&", FILTER_QUERY, "="] {
                path.push_str(part);
            }
            push_escaped(&mut path, &f);
        }
        if let Some(ttl) = self.ttl {
            path.push_str(&format!("&messageTtlSeconds={}", whole_seconds(ttl)));
        }
        RestRequest {
            method: "POST",
            path_and_query: path,
            content_type: "text/plain",
            body,
        }
    }

    /// `POST <hub>/:<operation>` with `{"filter": .., "groups": [..]}`.
    fn groups(&self, operation: &str, filter: &str, groups: &[String]) -> RestRequest {
        // The reference writes `'` as `\u0027` (.NET's JSON escaping); the service parses the JSON,
        // so serde_json's plain form is the same body to it.
        let body = serde_json::json!({ "filter": filter, "groups": groups }).to_string();
        RestRequest {
            method: "POST",
            path_and_query: format!(
                "{}/:{operation}?{API_VERSION_QUERY}={}",
                self.hub_path, self.version
            ),
            content_type: "application/json",
            body,
        }
    }

    /// `POST <hub><scope>/:closeConnections?..[&reason=..]`.
    fn close(&self, scope: &str, reason: &str) -> RestRequest {
        RestRequest {
            method: "POST",
            path_and_query: format!(
                "{}{scope}/:closeConnections?{}",
                self.hub_path,
                self.query(reason)
            ),
            content_type: "application/json",
            body: String::new(),
        }
    }

    /// `DELETE <hub><path>?..[&reason=..]`.
    fn delete(&self, path: &str, reason: &str) -> RestRequest {
        RestRequest {
            method: "DELETE",
            path_and_query: format!("{}{path}?{}", self.hub_path, self.query(reason)),
            content_type: "application/json",
            body: String::new(),
        }
    }

    fn query(&self, reason: &str) -> String {
        let mut query = format!("{API_VERSION_QUERY}={}", self.version);
        if !reason.is_empty() {
            query.push_str(&format!("&reason={}", escape_component(reason)));
        }
        query
    }
}

/// `messageTtlSeconds`: whole seconds, rounded up.
fn whole_seconds(ttl: Duration) -> u64 {
    ttl.as_secs() + u64::from(ttl.subsec_nanos() > 0)
}
