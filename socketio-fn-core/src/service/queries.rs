//! What a [`ServiceHandle`] asks the service beyond sending: whether a socket, room or user is there,
//! who is in a room (paged, bounded), and an emit whose acks come back (`:invoke`, bounded by the
//! caller's timeout).

use super::client::ServiceClient;
use super::error::{QueryError, SendError, ServiceError};
use super::handle::ServiceHandle;
use crate::actions::SocketIoAction;
use serde_json::Value;
use socketio_fn_protocol::groups::{MAX_GROUP_NAME_CHARS, room_group};
use socketio_fn_protocol::packet::{Packet, PacketType};
use socketio_fn_protocol::paths::{API_VERSION_QUERY, REST_HUB_PREFIX, escape_component};
use std::time::Duration;
use tokio::time::Instant;

/// The most members [`ServiceHandle::room_members`] returns; a larger room is a
/// [`QueryError::TooManyMembers`].
pub const MAX_ROOM_MEMBERS: usize = 100_000;
/// The most pages [`ServiceHandle::room_members`] reads (200 members each).
pub const MAX_ROOM_PAGES: usize = 1_000;
/// The most acks [`ServiceHandle::emit_with_ack`] collects; later ones are not read.
pub const MAX_ACKS: usize = 100_000;
/// The api-version that lists a group's connections (`service-api.md` 8).
const LIST_API_VERSION: &str = "2024-12-01";
/// The longest line of an `:invoke` reply read (one ack).
const MAX_ACK_LINE_BYTES: usize = 1024 * 1024;

/// A connection in a room, as the service lists it: with one socket per namespace per connection,
/// one socket of the room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomMember {
    /// The Engine.IO connection id (`ce-connectionId`).
    pub connection_id: String,
    /// The connection's user id, when its token named one.
    pub user_id: Option<String>,
}

impl ServiceHandle {
    /// Whether socket `socket_id` of this handle's namespace is connected (its own room has a
    /// member).
    pub async fn socket_exists(&self, socket_id: &str) -> Result<bool, QueryError> {
        self.group_exists("socket_id", socket_id).await
    }

    /// Whether `room` of this handle's namespace has any socket.
    pub async fn room_exists(&self, room: &str) -> Result<bool, QueryError> {
        self.group_exists("room", room).await
    }

    /// Whether user `user_id` has any connection to the hub (in any namespace: the service tracks
    /// users per connection).
    pub async fn user_exists(&self, user_id: &str) -> Result<bool, QueryError> {
        non_empty("user_id", user_id)?;
        let (client, hub) = self.client().await?;
        let path = format!("{}/users/{}", hub_path(&hub), escape_component(user_id));
        Ok(client.exists("userExists", &query(&path, &client)).await?)
    }

    async fn group_exists(&self, what: &'static str, room: &str) -> Result<bool, QueryError> {
        let group = self.group(what, room)?;
        let (client, hub) = self.client().await?;
        let path = format!("{}/groups/{}", hub_path(&hub), escape_component(&group));
        Ok(client.exists("groupExists", &query(&path, &client)).await?)
    }

    /// Who is in `room` of this handle's namespace: every page the service gives, in its order, at
    /// most [`MAX_ROOM_MEMBERS`] members in [`MAX_ROOM_PAGES`] pages.
    ///
    /// ```no_run
    /// # async fn demo(hub: socketio_fn::ServiceHandle) -> Result<(), Box<dyn std::error::Error>> {
    /// for member in hub.room_members("lobby").await? {
    ///     println!("{} ({:?})", member.connection_id, member.user_id);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn room_members(&self, room: &str) -> Result<Vec<RoomMember>, QueryError> {
        let group = self.group("room", room)?;
        let (client, hub) = self.client().await?;
        let mut url = format!(
            "{}{}/groups/{}/connections?{API_VERSION_QUERY}={LIST_API_VERSION}&maxpagesize=200",
            client.base(),
            hub_path(&hub),
            escape_component(&group)
        );
        let mut members = Vec::new();
        for _ in 0..MAX_ROOM_PAGES {
            let page = client.get_json("listConnectionsInGroup", &url).await?;
            members.extend(page_members(&page)?);
            if members.len() > MAX_ROOM_MEMBERS {
                return Err(QueryError::TooManyMembers {
                    room: room.to_owned(),
                    limit: MAX_ROOM_MEMBERS,
                });
            }
            match page.get("nextLink").and_then(Value::as_str) {
                None | Some("") => return Ok(members),
                Some(next) if same_origin(next, client.base()) => url = next.to_owned(),
                Some(next) => return Err(QueryError::ForeignNextLink(next.to_owned())),
            }
        }
        Err(QueryError::TooManyPages {
            room: room.to_owned(),
            limit: MAX_ROOM_PAGES,
        })
    }

    /// Emits a send action (in this handle's namespace unless it names one) and collects the acks of
    /// the sockets that answer within `timeout`: one entry (the ack's arguments) per socket that
    /// acked, in arrival order; sockets that did not ack are absent. Any other action is an
    /// [`InvalidAction`](crate::actions::InvalidAction). Sent once through the service's `:invoke`
    /// (docs/protocol-notes.md: undocumented, as Microsoft's Socket.IO adapter uses it).
    ///
    /// ```no_run
    /// # async fn demo(hub: socketio_fn::ServiceHandle) -> Result<(), Box<dyn std::error::Error>> {
    /// use socketio_fn::SocketIoAction;
    /// use std::time::Duration;
    /// let question = SocketIoAction::send_to_rooms(["lobby"], "ready?", ());
    /// let answers = hub.emit_with_ack(question, Duration::from_secs(2)).await?;
    /// println!("{} sockets answered", answers.len());
    /// # Ok(()) }
    /// ```
    pub async fn emit_with_ack(
        &self,
        action: SocketIoAction,
        timeout: Duration,
    ) -> Result<Vec<Vec<Value>>, SendError> {
        let action = action.or_namespace(self.namespace());
        action.validate()?;
        let bound = self.resolved().await?;
        let request = action.invoke_request(&bound.target.hub)?;
        let deadline = Instant::now() + timeout;
        let response = bound.client.stream("invoke", request, timeout).await?;
        Ok(read_acks(response, deadline).await?)
    }

    /// The group of a room (or a socket's own room) of this handle's namespace, checked.
    fn group(&self, what: &'static str, room: &str) -> Result<String, QueryError> {
        non_empty(what, room)?;
        let group = room_group(self.namespace(), room);
        if group.chars().count() > MAX_GROUP_NAME_CHARS {
            return Err(QueryError::Invalid(format!(
                "`{what}` is too long for the service's group names (at most {MAX_GROUP_NAME_CHARS} \
                 characters with the namespace, in base64)"
            )));
        }
        Ok(group)
    }

    async fn client(&self) -> Result<(std::sync::Arc<ServiceClient>, String), ServiceError> {
        let bound = self.resolved().await?;
        Ok((bound.client.clone(), bound.target.hub.clone()))
    }
}

fn non_empty(what: &'static str, value: &str) -> Result<(), QueryError> {
    if value.is_empty() {
        return Err(QueryError::Invalid(format!("`{what}` must not be empty")));
    }
    Ok(())
}

fn hub_path(hub: &str) -> String {
    format!("{REST_HUB_PREFIX}{}", escape_component(hub))
}

fn query(path: &str, client: &ServiceClient) -> String {
    format!(
        "{path}?{API_VERSION_QUERY}={}",
        escape_component(client.api_version_in_use())
    )
}

/// Whether `url` is on the endpoint `base` (`scheme://host[:port]`, then a path).
fn same_origin(url: &str, base: &str) -> bool {
    url.strip_prefix(base)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// The members of one page: `{"value": [{"connectionId": .., "userId": ..}], "nextLink": ..}`.
fn page_members(page: &Value) -> Result<Vec<RoomMember>, ServiceError> {
    let invalid = |what: &str| ServiceError::InvalidReply {
        operation: "listConnectionsInGroup",
        source: what.to_owned().into(),
    };
    let items = page
        .get("value")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("a page has no `value` array"))?;
    items
        .iter()
        .map(|item| {
            let connection_id = item
                .get("connectionId")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid("a member has no `connectionId`"))?;
            Ok(RoomMember {
                connection_id: connection_id.to_owned(),
                user_id: item
                    .get("userId")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            })
        })
        .collect()
}

/// Reads the `:invoke` reply until it ends or the deadline passes: JSON lines, each with a
/// `Payload` string holding Engine.IO packets (separated by U+001E) whose ACKs are the answers.
async fn read_acks(
    mut response: reqwest::Response,
    deadline: Instant,
) -> Result<Vec<Vec<Value>>, ServiceError> {
    let mut acks = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    loop {
        let chunk = match tokio::time::timeout_at(deadline, response.chunk()).await {
            Err(_) => return Ok(acks),
            Ok(Err(e)) if e.is_timeout() => return Ok(acks),
            Ok(Err(e)) => {
                return Err(ServiceError::InvalidReply {
                    operation: "invoke",
                    source: Box::new(e),
                });
            }
            Ok(Ok(None)) => break,
            Ok(Ok(Some(chunk))) => chunk,
        };
        for &byte in chunk.iter() {
            if byte == b'\n' {
                acks.extend(line_acks(&line)?);
                line.clear();
            } else if line.len() < MAX_ACK_LINE_BYTES {
                line.push(byte);
            }
        }
        if acks.len() >= MAX_ACKS {
            acks.truncate(MAX_ACKS);
            return Ok(acks);
        }
    }
    acks.extend(line_acks(&line)?);
    Ok(acks)
}

/// The acks in one line (`{"Payload":"43/ns,1[\"ok\"]"}`); an empty line has none.
fn line_acks(line: &[u8]) -> Result<Vec<Vec<Value>>, ServiceError> {
    let text = String::from_utf8_lossy(line);
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let invalid = |reason: String| ServiceError::InvalidReply {
        operation: "invoke",
        source: reason.into(),
    };
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| invalid(format!("an ack line is not JSON: {e}")))?;
    let payload = value
        .get("Payload")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("an ack line has no `Payload` string".into()))?;
    let mut acks = Vec::new();
    for packet in payload.split('\u{1e}').filter(|p| !p.is_empty()) {
        let packet = Packet::decode(packet)
            .map_err(|e| invalid(format!("an ack packet is invalid: {e}")))?;
        if packet.kind == PacketType::Ack {
            let args = serde_json::from_str::<Vec<Value>>(packet.data)
                .map_err(|e| invalid(format!("an ack's arguments are not a JSON array: {e}")))?;
            acks.push(args);
        }
    }
    Ok(acks)
}
