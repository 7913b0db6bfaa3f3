//! A [`Contract`] as an AsyncAPI 3.0 document: one channel (the namespace of one hub, at its address),
//! a message per event with its arguments as a JSON Schema array in order, a `receive` operation per
//! event clients send (its ack as the reply), a `send` operation per event the server sends (the
//! clients' answer as the reply), the named types under `components.schemas`, and how clients
//! connect: the service's client path as the server, the token negotiation hands out as its security.

use super::names::{Names, Side, ident};
use super::{Contract, ReplyShape};
use serde_json::{Map, Value, json};
use socketio_fn_protocol::paths::client_path;

/// The security scheme's key.
const TOKEN: &str = "negotiatedToken";

pub(super) fn render(contract: &Contract, title: &str) -> Value {
    let names = Names {
        sent: &contract.sent_types,
        received: &contract.received_types,
    };
    let channel = match contract.namespace.as_str() {
        "/" => ident(&contract.hub),
        namespace => ident(&format!("{}{namespace}", contract.hub)),
    };
    let mut doc = Document {
        channel: channel.clone(),
        names: &names,
        messages: Map::new(),
        operations: Map::new(),
    };
    for event in &contract.client_events {
        let payload = arguments(event.parameters.iter().map(|(_, s)| s.as_ref()));
        let summary = format!("Clients send it; `{}` handles it.", event.function);
        let reply = match &event.reply {
            ReplyShape::Nothing => None,
            ReplyShape::Value(schema) => Some(spread(schema.as_ref())),
            ReplyShape::Unknown => Some(json!({ "type": "array" })),
        };
        doc.operation("receive", &event.name, &summary, payload, reply);
    }
    for event in &contract.server_events {
        let payload = arguments(event.arguments.iter().map(Option::as_ref));
        let summary = format!("The server sends it (`{}`).", event.type_name);
        let reply = event
            .answer
            .as_ref()
            .map(|(schema, spread_answer)| match spread_answer {
                true => spread(schema.as_ref()),
                false => arguments([schema.as_ref()].into_iter()),
            });
        doc.operation("send", event.name, &summary, payload, reply);
    }
    let schemas: Map<String, Value> = names
        .all()
        .into_iter()
        .map(|(name, schema, side)| (name, refs(schema, side, &names)))
        .collect();
    json!({
        "asyncapi": "3.0.0",
        "info": {
            "title": title,
            "version": "1.0.0",
            "description": format!(
                "The Socket.IO events of hub `{}`, namespace `{}`, generated from the app by \
                 `cargo socketio-fn asyncapi`. Each message's payload is the event's arguments in \
                 order; a reply is the ack's arguments.",
                contract.hub, contract.namespace
            ),
        },
        "defaultContentType": "application/json",
        "servers": { "service": server(contract) },
        "channels": {
            channel: {
                "address": contract.namespace,
                "title": format!("{} {}", contract.hub, contract.namespace),
                "description": "A Socket.IO namespace of the hub.",
                "servers": [{ "$ref": "#/servers/service" }],
                "messages": doc.messages,
            }
        },
        "operations": doc.operations,
        "components": {
            "schemas": schemas,
            "securitySchemes": { TOKEN: security(contract) },
        },
    })
}

/// The channel's messages and operations as they are added.
struct Document<'n> {
    channel: String,
    names: &'n Names<'n>,
    messages: Map<String, Value>,
    operations: Map<String, Value>,
}

impl Document<'_> {
    /// An operation on `event` (`receive` or `send`), its message, and its reply's message.
    fn operation(
        &mut self,
        action: &str,
        event: &str,
        summary: &str,
        payload: Value,
        reply: Option<Value>,
    ) {
        let key = self.unique(&format!("{action}_{}", ident(event)));
        let channel = format!("#/channels/{}", self.channel);
        let message = json!({
            "name": event,
            "title": event,
            "summary": summary,
            "payload": refs(&payload, side_of(action), self.names),
        });
        self.messages.insert(key.clone(), message);
        let mut operation = json!({
            "action": action,
            "channel": { "$ref": channel },
            "summary": summary,
            "messages": [{ "$ref": format!("{channel}/messages/{key}") }],
        });
        if let Some(reply) = reply {
            let reply_key = self.unique(&format!("{key}_reply"));
            let reply_side = match side_of(action) {
                Side::Received => Side::Sent,
                Side::Sent => Side::Received,
            };
            self.messages.insert(
                reply_key.clone(),
                json!({
                    "name": format!("{event} (ack)"),
                    "summary": format!("The ack of `{event}`: its arguments in order."),
                    "payload": refs(&reply, reply_side, self.names),
                }),
            );
            operation["reply"] = json!({
                "channel": { "$ref": channel },
                "messages": [{ "$ref": format!("{channel}/messages/{reply_key}") }],
            });
        }
        self.operations.insert(key, operation);
    }

    /// `key`, or `key_2`, `key_3`… when an event's sanitised name is taken.
    fn unique(&self, key: &str) -> String {
        let mut candidate = key.to_owned();
        let mut n = 2;
        while self.messages.contains_key(&candidate) {
            candidate = format!("{key}_{n}");
            n += 1;
        }
        candidate
    }
}

fn side_of(action: &str) -> Side {
    if action == "send" {
        Side::Sent
    } else {
        Side::Received
    }
}

/// Arguments in order as a JSON Schema array (draft-07 tuple form); one not described is any value.
fn arguments<'v>(schemas: impl Iterator<Item = Option<&'v Value>>) -> Value {
    let items: Vec<Value> = schemas.map(|s| s.cloned().unwrap_or(json!({}))).collect();
    let n = items.len();
    json!({ "type": "array", "items": items, "minItems": n, "maxItems": n })
}

/// An acked value as its ack arguments, spread as `SocketIoMessageResponse::ack` does: a tuple or list
/// is the arguments, `()` none, anything else one.
fn spread(schema: Option<&Value>) -> Value {
    match schema {
        None => json!({ "type": "array" }),
        Some(s) if s.get("type").and_then(Value::as_str) == Some("null") => {
            json!({ "type": "array", "maxItems": 0 })
        }
        Some(s) if s.get("type").and_then(Value::as_str) == Some("array") => s.clone(),
        Some(s) => arguments([Some(s)].into_iter()),
    }
}

/// `schema` with each `$ref` pointing at `components.schemas`, under the name of its side.
fn refs(schema: &Value, side: Side, names: &Names<'_>) -> Value {
    match schema {
        Value::Object(object) => Value::Object(
            object
                .iter()
                .map(|(key, value)| match (key.as_str(), value) {
                    ("$ref", Value::String(r)) => (
                        key.clone(),
                        Value::String(format!("#/components/schemas/{}", names.of_ref(r, side))),
                    ),
                    _ => (key.clone(), refs(value, side, names)),
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| refs(v, side, names)).collect()),
        other => other.clone(),
    }
}

/// Where clients connect: the service's Socket.IO path of the hub, on the resource's host.
fn server(contract: &Contract) -> Value {
    json!({
        "host": "{resource}",
        "protocol": "wss",
        "pathname": client_path(&contract.hub),
        "title": "Azure Web PubSub for Socket.IO",
        "description": "Socket.IO clients connect to the resource's endpoint with `path` set to this \
                        pathname and the negotiated token as `access_token` in the query (the local \
                        emulator serves the same path).",
        "variables": {
            "resource": {
                "description": "The resource's host, as negotiation returns it: `<name>.webpubsub.azure.com`.",
                "default": "localhost"
            }
        },
        "security": [{ "$ref": format!("#/components/securitySchemes/{TOKEN}") }],
    })
}

/// The token negotiation hands out, and where the app negotiates.
fn security(contract: &Contract) -> Value {
    let routes = if contract.negotiations.is_empty() {
        "the app has no negotiation function for this hub".to_owned()
    } else {
        contract
            .negotiations
            .iter()
            .map(|r| format!("`GET {r}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    json!({
        "type": "httpApiKey",
        "name": "access_token",
        "in": "query",
        "description": format!(
            "The client access token of the hub, from the app's negotiation ({routes}), which \
             answers `{{ endpoint, path, token }}`."
        ),
    })
}
