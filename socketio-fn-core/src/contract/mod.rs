//! The app's wire contract, collected from what runs (never from a hand-kept list): every event clients
//! send to one hub and namespace (each `#[socketio_trigger]` function's parameters and ack) and every
//! event the server sends (each `#[socketio_event]`), with the shapes of the types they mention, as
//! JSON Schema (`describe.rs`, schemars with the feature `contract`). `typescript.rs` renders it for
//! socket.io-client's typed `Socket<ServerToClientEvents, ClientToServerEvents>`, `asyncapi.rs` as an
//! AsyncAPI 3.0 document; `names.rs` names the types alike in both.

mod asyncapi;
mod describe;
mod names;
mod reply;
mod typescript;

pub use describe::{DescribeFn, Describer, Direction, NoSchema, Probe, ViaSchema};
pub use reply::{
    AckPayload, KnownReply, PayloadKind, ReplyFn, ReplyProbe, ReplyShape, UnknownReply, reply_shape,
};

use crate::error::ContractError;
use crate::registry::{CATCH_ALL, ResolvedFunction, same_name};
use serde_json::Value;
use socketio_fn_protocol::cloud_events::EventKind;
use std::collections::{BTreeMap, BTreeSet};

/// The shape of a `#[socketio_trigger]` function's event, submitted by the macro.
#[derive(Debug, Clone, Copy)]
pub struct FunctionShape {
    /// The function's name (its descriptor's).
    pub function: &'static str,
    /// Its event parameters, in order.
    pub parameters: &'static [ParameterShape],
    /// What it acks.
    pub reply: ReplyFn,
}

inventory::collect!(FunctionShape);

/// One event parameter of a function.
#[derive(Debug, Clone, Copy)]
pub struct ParameterShape {
    /// The parameter's name.
    pub name: &'static str,
    /// Its type's description (as the app receives it).
    pub describe: DescribeFn,
}

/// The shape of a server event, submitted by `#[socketio_event]`.
#[derive(Debug, Clone, Copy)]
pub struct EventShape {
    /// The event's name on the wire.
    pub name: &'static str,
    /// The Rust type that declares it.
    pub type_name: &'static str,
    /// Its arguments' descriptions (as the app sends them), in order.
    pub arguments: &'static [DescribeFn],
    /// What a client answers, when the event declares it.
    pub answer: Option<AnswerShape>,
}

inventory::collect!(EventShape);

/// What clients answer a server event with.
#[derive(Debug, Clone, Copy)]
pub struct AnswerShape {
    /// The answer type's description (as the app receives it).
    pub describe: DescribeFn,
    /// Whether the answer is a tuple spread over several ack arguments.
    pub spread: bool,
}

/// An event clients send, and the function that handles it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientEvent {
    /// The event's name.
    pub name: String,
    /// The function.
    pub function: &'static str,
    /// Its parameters in order: name and schema (`None`: not described).
    pub parameters: Vec<(String, Option<Value>)>,
    /// What the function acks.
    pub reply: ReplyShape,
}

/// An event the server sends.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerEvent {
    /// The event's name.
    pub name: &'static str,
    /// The Rust type that declares it.
    pub type_name: &'static str,
    /// Its arguments' schemas, in order (`None`: not described).
    pub arguments: Vec<Option<Value>>,
    /// What a client answers: the schema, and whether it is spread over several ack arguments.
    pub answer: Option<(Option<Value>, bool)>,
}

/// The contract of one hub and namespace.
#[derive(Debug, Clone, PartialEq)]
pub struct Contract {
    /// The hub.
    pub hub: String,
    /// The namespace.
    pub namespace: String,
    /// Events clients send, by name (system events and the catch-all are not part of it).
    pub client_events: Vec<ClientEvent>,
    /// Events the server sends, by name (every `#[socketio_event]` of the app: a typed send can go to
    /// any hub and namespace).
    pub server_events: Vec<ServerEvent>,
    /// The named types what the app sends refers to, as JSON Schema.
    pub sent_types: BTreeMap<String, Value>,
    /// The named types what the app receives refers to, as JSON Schema.
    pub received_types: BTreeMap<String, Value>,
    /// The Rust types that could not be described (they read `unknown`).
    pub unknown: BTreeSet<&'static str>,
    /// The routes of the hub's negotiation functions.
    pub negotiations: Vec<String>,
}

impl Contract {
    /// The contract of `hub` (the only hub of `functions` when `None`) and `namespace` (`/` when
    /// `None`), from the functions as resolved at start-up, the negotiation functions' hubs and routes,
    /// and the shapes the macros submitted.
    pub fn collect(
        functions: &[ResolvedFunction],
        negotiations: &[(&str, &str)],
        hub: Option<&str>,
        namespace: Option<&str>,
    ) -> Result<Self, ContractError> {
        let hub = choose_hub(functions, hub)?;
        let namespace = namespace.unwrap_or("/").to_owned();
        let mut received = Describer::new(Direction::Received);
        let mut sent = Describer::new(Direction::Sent);
        let mut client_events: Vec<ClientEvent> = functions
            .iter()
            .filter(|f| same_name(&f.hub, &hub) && same_name(&f.namespace, &namespace))
            .filter(|f| f.kind == EventKind::Message && f.event != CATCH_ALL)
            .map(|f| client_event(f, &mut received, &mut sent))
            .collect();
        client_events.sort_by(|a, b| a.name.cmp(&b.name));
        let mut server_events: Vec<ServerEvent> = inventory::iter::<EventShape>
            .into_iter()
            .map(|e| server_event(e, &mut received, &mut sent))
            .collect();
        server_events.sort_by(|a, b| a.name.cmp(b.name).then(a.type_name.cmp(b.type_name)));
        let mut unknown: BTreeSet<&'static str> = received.unknown().clone();
        unknown.extend(sent.unknown());
        Ok(Self {
            namespace,
            client_events,
            server_events,
            sent_types: sent.into_definitions(),
            received_types: received.into_definitions(),
            unknown,
            negotiations: negotiations
                .iter()
                .filter(|(h, _)| same_name(h, &hub))
                .map(|(_, route)| (*route).to_owned())
                .collect(),
            hub,
        })
    }

    /// The contract as TypeScript for socket.io-client 4: `ServerToClientEvents`,
    /// `ClientToServerEvents` and the types they mention.
    pub fn typescript(&self) -> String {
        typescript::render(self)
    }

    /// The contract as an AsyncAPI 3.0 document titled `title`.
    pub fn asyncapi(&self, title: &str) -> Value {
        asyncapi::render(self, title)
    }
}

fn choose_hub(functions: &[ResolvedFunction], hub: Option<&str>) -> Result<String, ContractError> {
    let mut hubs: Vec<String> = Vec::new();
    for f in functions {
        if !hubs.iter().any(|h| same_name(h, &f.hub)) {
            hubs.push(f.hub.clone());
        }
    }
    hubs.sort();
    match hub {
        Some(hub) => hubs
            .iter()
            .find(|h| same_name(h, hub))
            .cloned()
            .ok_or_else(|| ContractError::UnknownHub {
                hub: hub.to_owned(),
                hubs: hubs.clone(),
            }),
        None if hubs.len() > 1 => Err(ContractError::SeveralHubs(hubs)),
        None => Ok(hubs.pop().unwrap_or_default()),
    }
}

fn client_event(
    f: &ResolvedFunction,
    received: &mut Describer,
    sent: &mut Describer,
) -> ClientEvent {
    let shape = inventory::iter::<FunctionShape>
        .into_iter()
        .find(|s| s.function == f.descriptor.name);
    let (parameters, reply) = match shape {
        Some(shape) => (
            shape
                .parameters
                .iter()
                .map(|p| (p.name.to_owned(), (p.describe)(received)))
                .collect(),
            (shape.reply)(sent),
        ),
        // A function written by hand: nothing is known of its arguments or ack.
        None => (Vec::new(), ReplyShape::Unknown),
    };
    ClientEvent {
        name: f.event.clone(),
        function: f.descriptor.name,
        parameters,
        reply,
    }
}

fn server_event(e: &EventShape, received: &mut Describer, sent: &mut Describer) -> ServerEvent {
    ServerEvent {
        name: e.name,
        type_name: e.type_name,
        arguments: e.arguments.iter().map(|describe| describe(sent)).collect(),
        answer: e
            .answer
            .map(|answer| ((answer.describe)(received), answer.spread)),
    }
}
