//! The kinds of action, their JSON names, and why an action is invalid.

macro_rules! kinds {
    ($($kind:ident => $name:literal),+ $(,)?) => {
        /// The kinds of action; each is a constructor of [`SocketIoAction`](super::SocketIoAction).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ActionKind {
            $(
                #[doc = concat!("`", $name, "`")]
                $kind,
            )+
        }

        impl ActionKind {
            /// Every kind.
            pub const ALL: &'static [Self] = &[$(Self::$kind),+];

            /// The name in the JSON form's `actionName` (camelCase of the constructor).
            pub fn name(self) -> &'static str {
                match self {
                    $(Self::$kind => $name,)+
                }
            }
        }
    };
}

kinds! {
    AddSocketToRoom => "addSocketToRoom",
    RemoveSocketFromRoom => "removeSocketFromRoom",
    SendToNamespace => "sendToNamespace",
    SendToRooms => "sendToRooms",
    SendToSocket => "sendToSocket",
    DisconnectSockets => "disconnectSockets",
    SendToUser => "sendToUser",
    BroadcastFrom => "broadcastFrom",
    AddUserToRoom => "addUserToRoom",
    RemoveUserFromRoom => "removeUserFromRoom",
    RemoveUserFromAllRooms => "removeUserFromAllRooms",
    SocketsJoin => "socketsJoin",
    SocketsLeave => "socketsLeave",
    CloseConnectionsOfUser => "closeConnectionsOfUser",
    CloseConnectionsInRoom => "closeConnectionsInRoom",
    CloseConnection => "closeConnection",
}

impl ActionKind {
    /// Whether the action emits an event (and so takes a TTL and can be emitted with acks).
    pub fn is_send(self) -> bool {
        matches!(
            self,
            Self::SendToNamespace
                | Self::SendToRooms
                | Self::SendToSocket
                | Self::SendToUser
                | Self::BroadcastFrom
        )
    }

    /// The kind named by an `actionName` value, compared case-insensitively (as the reference does).
    ///
    /// ```
    /// use socketio_fn::actions::ActionKind;
    /// assert_eq!(ActionKind::from_action_name("SENDTOROOMS"), Some(ActionKind::SendToRooms));
    /// assert_eq!(ActionKind::from_action_name("sendToRoom"), None);
    /// ```
    pub fn from_action_name(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.name().eq_ignore_ascii_case(name))
    }

    /// The kind named by a `type` value as the service's docs write it (`SendToNamespace`, and
    /// `SendToRoom` for sending to rooms), compared case-insensitively.
    ///
    /// ```
    /// use socketio_fn::actions::ActionKind;
    /// assert_eq!(ActionKind::from_type_name("SendToRoom"), Some(ActionKind::SendToRooms));
    /// assert_eq!(ActionKind::from_type_name("DisconnectSockets"), Some(ActionKind::DisconnectSockets));
    /// ```
    pub fn from_type_name(name: &str) -> Option<Self> {
        if name.eq_ignore_ascii_case("sendToRoom") {
            return Some(Self::SendToRooms);
        }
        Self::from_action_name(name)
    }
}

impl std::fmt::Display for ActionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Why an action could not be parsed from JSON, or cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidAction {
    /// The JSON names no known action.
    #[error(
        "unsupported action `{0}`: expected `actionName` (or `type`) to be one of addSocketToRoom, \
         removeSocketFromRoom, sendToNamespace, sendToRooms, sendToSocket, disconnectSockets, \
         sendToUser, broadcastFrom, addUserToRoom, removeUserFromRoom, removeUserFromAllRooms, \
         socketsJoin, socketsLeave, closeConnectionsOfUser, closeConnectionsInRoom, closeConnection"
    )]
    UnknownAction(String),
    /// The JSON is not an object or an array of objects.
    #[error("an action must be a JSON object (or an array of them)")]
    NotAnObject,
    /// A required member is missing or empty.
    #[error("`{field}` of `{action}` must not be missing or empty")]
    MissingField {
        /// The action.
        action: ActionKind,
        /// The member (camelCase).
        field: &'static str,
    },
    /// A member has the wrong JSON type, or a value the service does not take.
    #[error("`{field}` of `{action}` must be {expected}")]
    InvalidField {
        /// The action.
        action: ActionKind,
        /// The member.
        field: &'static str,
        /// What was expected.
        expected: &'static str,
    },
    /// An event argument does not serialise to JSON.
    #[error("an argument of `{action}` cannot be serialised to JSON: {reason}")]
    Arguments {
        /// The action.
        action: ActionKind,
        /// serde's message.
        reason: String,
    },
    /// The action is not of a kind the operation takes (an emit with acks needs a send).
    #[error("`{action}` cannot be used here: {reason}")]
    NotApplicable {
        /// The action.
        action: ActionKind,
        /// What the operation takes.
        reason: &'static str,
    },
}
