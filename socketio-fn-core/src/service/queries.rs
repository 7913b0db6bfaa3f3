//! What a [`ServiceHandle`] asks the service beyond sending: whether a socket, room or user is there,
//! and who is in a room (paged, bounded). Emits whose acks come back are in `acks.rs`.

use super::client::ServiceClient;
use super::error::{QueryError, ServiceError};
use super::handle::ServiceHandle;
use serde_json::Value;
use socketio_fn_protocol::groups::{MAX_GROUP_NAME_CHARS, room_group};
use socketio_fn_protocol::paths::{API_VERSION_QUERY, REST_HUB_PREFIX, escape_component};

/// The most members [`ServiceHandle::room_members`] returns; a larger room is a
/// [`QueryError::TooManyMembers`].
pub const MAX_ROOM_MEMBERS: usize = 100_000;
/// The most pages [`ServiceHandle::room_members`] reads (200 members each).
pub const MAX_ROOM_PAGES: usize = 1_000;
/// The api-version that lists a group's connections (`service-api.md` 8).
const LIST_API_VERSION: &str = "2024-12-01";

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
