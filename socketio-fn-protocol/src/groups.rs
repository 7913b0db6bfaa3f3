//! Mapping of Socket.IO namespaces and rooms to Web PubSub groups, and the OData filters over them.
//!
//! A room is the group `0~<b64url(namespace)>~<b64url(room)>`; a namespace is the group
//! `0~<b64url(namespace)>~`. Every socket is in the room named after its id.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

fn b64url(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(text.as_bytes())
}

/// The group holding every socket of `namespace`.
///
/// ```
/// assert_eq!(socketio_fn::protocol::groups::namespace_group("/ns"), "0~L25z~");
/// ```
pub fn namespace_group(namespace: &str) -> String {
    format!("0~{}~", b64url(namespace))
}

/// The group of `room` in `namespace` (a socket id is a room too).
///
/// ```
/// assert_eq!(socketio_fn::protocol::groups::room_group("/ns", "socket1"), "0~L25z~c29ja2V0MQ");
/// ```
pub fn room_group(namespace: &str, room: &str) -> String {
    format!("0~{}~{}", b64url(namespace), b64url(room))
}

/// The namespace and room of a room group (the inverse of [`room_group`]); `None` for any other group,
/// including a namespace's own group.
///
/// ```
/// use socketio_fn::protocol::groups::{room_group, room_of_group};
/// assert_eq!(
///     room_of_group(&room_group("/ns", "lobby")),
///     Some(("/ns".to_owned(), "lobby".to_owned()))
/// );
/// assert_eq!(room_of_group("0~L25z~"), None);
/// assert_eq!(room_of_group("my-own-group"), None);
/// ```
pub fn room_of_group(group: &str) -> Option<(String, String)> {
    let mut parts = group.strip_prefix("0~")?.splitn(2, '~');
    let (namespace, room) = (parts.next()?, parts.next()?);
    if room.is_empty() {
        return None;
    }
    let decode = |text: &str| {
        URL_SAFE_NO_PAD
            .decode(text)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
    };
    Some((decode(namespace)?, decode(room)?))
}

/// The longest group name the service accepts (characters).
pub const MAX_GROUP_NAME_CHARS: usize = 1024;

/// An OData string literal: `text` in single quotes, each `'` doubled.
///
/// ```
/// assert_eq!(socketio_fn::protocol::groups::string_literal("o'neil"), "'o''neil'");
/// ```
pub fn string_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The OData filter selecting the connections of user `user_id` that have a socket in `namespace`.
///
/// ```
/// assert_eq!(
///     socketio_fn::protocol::groups::user_filter("/", "alice"),
///     "userId eq 'alice' and '0~Lw~' in groups"
/// );
/// ```
pub fn user_filter(namespace: &str, user_id: &str) -> String {
    format!(
        "userId eq {} and {}",
        string_literal(user_id),
        in_group(&namespace_group(namespace))
    )
}

/// The OData term selecting the connections in `group`.
pub fn in_group(group: &str) -> String {
    format!("'{group}' in groups")
}

/// Builds the OData filter selecting sockets of `namespace` in any of `rooms` and in none of `except_rooms`.
///
/// - rooms are OR-ed, except-terms `not ('<g>' in groups)` are AND-ed;
/// - with `contains_namespace` and no rooms, the namespace group is the rooms part;
/// - no rooms and no excepts give the empty filter (no filtering within the addressed scope).
///
/// When several rooms are combined with except-rooms the rooms part is parenthesised:
/// `('a' in groups or 'b' in groups) and not ('c' in groups)`. The reference extension omits these
/// parentheses, which OData precedence reads as `a or (b and not c)`: a socket in room `a` and in an
/// except-room still received the message. We emit the correct filter on purpose (spec 5.3).
///
/// ```
/// use socketio_fn::protocol::groups::rooms_filter;
/// let rooms = ["g1".to_string(), "g2".to_string()];
/// assert_eq!(
///     rooms_filter("ns/", &rooms, &["g3".to_string()], false),
///     "('0~bnMv~ZzE' in groups or '0~bnMv~ZzI' in groups) and not ('0~bnMv~ZzM' in groups)"
/// );
/// ```
pub fn rooms_filter(
    namespace: &str,
    rooms: &[String],
    except_rooms: &[String],
    contains_namespace: bool,
) -> String {
    let mut out = String::new();
    if rooms.is_empty() {
        if contains_namespace {
            out.push_str(&in_group(&namespace_group(namespace)));
        }
    } else {
        let parenthesise = rooms.len() > 1 && !except_rooms.is_empty();
        if parenthesise {
            out.push('(');
        }
        for (i, room) in rooms.iter().enumerate() {
            if i > 0 {
                out.push_str(" or ");
            }
            out.push_str(&in_group(&room_group(namespace, room)));
        }
        if parenthesise {
            out.push(')');
        }
    }
    for room in except_rooms {
        if !out.is_empty() {
            out.push_str(" and ");
        }
        out.push_str("not (");
        out.push_str(&in_group(&room_group(namespace, room)));
        out.push(')');
    }
    out
}
