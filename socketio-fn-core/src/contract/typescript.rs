//! A [`Contract`] as TypeScript for socket.io-client 4: `ServerToClientEvents` and
//! `ClientToServerEvents` (what `Socket<ServerToClientEvents, ClientToServerEvents>` takes) and a type
//! per named Rust type they mention, each converted from its JSON Schema. A value the contract could
//! not describe reads `unknown`.

use super::names::{Names, Side, ident};
use super::{Contract, ReplyShape};
use serde_json::Value;
use std::fmt::Write;

pub(super) fn render(contract: &Contract) -> String {
    let names = Names {
        sent: &contract.sent_types,
        received: &contract.received_types,
    };
    let mut out = format!(
        "// The contract of hub `{}`, namespace `{}`, generated from the app by `cargo socketio-fn \
         types`.\n// Do not edit: generate it again when the app changes.\n",
        contract.hub, contract.namespace
    );
    for unknown in &contract.unknown {
        let _ = writeln!(
            out,
            "// `{unknown}` could not be described (derive `schemars::JsonSchema` for it): it reads `unknown`."
        );
    }
    out.push_str("\n/** The events the server sends (each `#[socketio_event]` of the app). */\n");
    out.push_str("export interface ServerToClientEvents {\n");
    for event in &contract.server_events {
        let mut params: Vec<String> = event
            .arguments
            .iter()
            .enumerate()
            .map(|(i, schema)| format!("arg{i}: {}", ts_of(schema.as_ref(), Side::Sent, &names)))
            .collect();
        if let Some((answer, spread)) = &event.answer {
            let args = if *spread {
                spread_args(answer.as_ref(), Side::Received, &names)
            } else {
                format!("answer: {}", ts_of(answer.as_ref(), Side::Received, &names))
            };
            params.push(format!("callback: ({args}) => void"));
        }
        let _ = writeln!(out, "  /** `{}` */", event.type_name);
        let _ = writeln!(
            out,
            "  {}: ({}) => void;",
            quoted(event.name),
            params.join(", ")
        );
    }
    out.push_str(
        "}\n\n/** The events clients send: each function's parameters, then its ack. */\n",
    );
    out.push_str("export interface ClientToServerEvents {\n");
    for event in &contract.client_events {
        let mut params: Vec<String> = event
            .parameters
            .iter()
            .map(|(name, schema)| {
                format!(
                    "{}: {}",
                    ident(name),
                    ts_of(schema.as_ref(), Side::Received, &names)
                )
            })
            .collect();
        match &event.reply {
            ReplyShape::Nothing => {}
            // A client need not ask for the ack.
            ReplyShape::Value(schema) => params.push(format!(
                "callback?: ({}) => void",
                spread_args(schema.as_ref(), Side::Sent, &names)
            )),
            ReplyShape::Unknown => params.push("callback?: (...args: unknown[]) => void".into()),
        }
        let _ = writeln!(out, "  /** `{}` */", event.function);
        let _ = writeln!(
            out,
            "  {}: ({}) => void;",
            quoted(&event.name),
            params.join(", ")
        );
    }
    out.push_str("}\n");
    definitions(&mut out, &names);
    out
}

/// The named types, each once (a type serde writes differently than it reads appears twice).
fn definitions(out: &mut String, names: &Names<'_>) {
    for (name, schema, side) in names.all() {
        declare(out, &name, schema, side, names);
    }
}

fn declare(out: &mut String, name: &str, schema: &Value, side: Side, names: &Names<'_>) {
    out.push('\n');
    if let Some(description) = schema.get("description").and_then(Value::as_str) {
        let _ = writeln!(out, "/** {} */", description.replace("*/", "* /"));
    }
    let _ = writeln!(out, "export type {name} = {};", ts(schema, side, names));
}

/// The ack (or answer) arguments of a value acked as `SocketIoMessageResponse::ack` does: a tuple or
/// list spread into several arguments, `()` none, anything else one.
fn spread_args(schema: Option<&Value>, side: Side, names: &Names<'_>) -> String {
    let Some(schema) = schema else {
        return "...args: unknown[]".into();
    };
    if schema.get("type").and_then(Value::as_str) == Some("null") {
        return String::new();
    }
    if schema.get("type").and_then(Value::as_str) == Some("array") {
        match schema.get("items") {
            Some(Value::Array(items)) => {
                return items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| format!("arg{i}: {}", ts(item, side, names)))
                    .collect::<Vec<_>>()
                    .join(", ");
            }
            Some(item) => return format!("...args: {}[]", wrapped(ts(item, side, names))),
            None => return "...args: unknown[]".into(),
        }
    }
    format!("arg0: {}", ts(schema, side, names))
}

fn ts_of(schema: Option<&Value>, side: Side, names: &Names<'_>) -> String {
    schema.map_or_else(|| "unknown".to_owned(), |s| ts(s, side, names))
}

/// A JSON Schema (draft-07, as schemars writes it) as a TypeScript type.
fn ts(schema: &Value, side: Side, names: &Names<'_>) -> String {
    let object = match schema {
        Value::Bool(false) => return "never".into(),
        Value::Object(object) => object,
        _ => return "unknown".into(),
    };
    if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
        return names.of_ref(reference, side);
    }
    if let Some(value) = object.get("const") {
        return value.to_string();
    }
    if let Some(Value::Array(values)) = object.get("enum") {
        return union(values.iter().map(Value::to_string));
    }
    for (key, join) in [("oneOf", " | "), ("anyOf", " | "), ("allOf", " & ")] {
        if let Some(Value::Array(parts)) = object.get(key) {
            let parts: Vec<String> = parts.iter().map(|p| wrapped(ts(p, side, names))).collect();
            return parts.join(join);
        }
    }
    match object.get("type") {
        Some(Value::String(ty)) => typed(ty, schema, side, names),
        Some(Value::Array(types)) => union(
            types
                .iter()
                .filter_map(Value::as_str)
                .map(|ty| typed(ty, schema, side, names)),
        ),
        _ if object.contains_key("properties") => typed("object", schema, side, names),
        _ => "unknown".into(),
    }
}

fn typed(ty: &str, schema: &Value, side: Side, names: &Names<'_>) -> String {
    match ty {
        "null" => "null".into(),
        "boolean" => "boolean".into(),
        "integer" | "number" => "number".into(),
        "string" => "string".into(),
        "array" => match schema.get("items") {
            Some(Value::Array(items)) => format!(
                "[{}]",
                items
                    .iter()
                    .map(|i| ts(i, side, names))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Some(item) => format!("{}[]", wrapped(ts(item, side, names))),
            None => "unknown[]".into(),
        },
        "object" => object(schema, side, names),
        _ => "unknown".into(),
    }
}

fn object(schema: &Value, side: Side, names: &Names<'_>) -> String {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut members: Vec<String> = Vec::new();
    if let Some(Value::Object(properties)) = schema.get("properties") {
        for (name, property) in properties {
            let optional = if required.contains(&name.as_str()) {
                ""
            } else {
                "?"
            };
            members.push(format!(
                "{}{optional}: {}",
                member(name),
                ts(property, side, names)
            ));
        }
    }
    match schema.get("additionalProperties") {
        Some(Value::Bool(false)) | None if !members.is_empty() => {}
        Some(Value::Bool(false)) => return "Record<string, never>".into(),
        Some(Value::Object(_)) | Some(Value::Bool(true)) | None => {
            let value = schema
                .get("additionalProperties")
                .map_or_else(|| "unknown".to_owned(), |v| ts(v, side, names));
            members.push(format!("[key: string]: {value}"));
        }
        Some(_) => {}
    }
    format!("{{ {} }}", members.join("; "))
}

fn union(parts: impl Iterator<Item = String>) -> String {
    let mut parts: Vec<String> = parts.map(wrapped).collect();
    parts.dedup();
    match parts.len() {
        0 => "never".into(),
        _ => parts.join(" | "),
    }
}

/// `t` in parentheses when it is a union or intersection (before `[]`, inside another union).
fn wrapped(t: String) -> String {
    if t.contains(" | ") || t.contains(" & ") {
        format!("({t})")
    } else {
        t
    }
}

/// An event name as a property key.
fn quoted(name: &str) -> String {
    serde_json::to_string(name).unwrap_or_default()
}

/// An object member's name, quoted unless it is an identifier.
fn member(name: &str) -> String {
    if is_identifier(name) {
        name.to_owned()
    } else {
        quoted(name)
    }
}

fn is_identifier(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn names() -> (BTreeMap<String, Value>, BTreeMap<String, Value>) {
        (BTreeMap::new(), BTreeMap::new())
    }

    #[test]
    fn schemas_become_types() {
        let (sent, received) = names();
        let n = Names {
            sent: &sent,
            received: &received,
        };
        let t = |s: Value| ts(&s, Side::Received, &n);
        assert_eq!(t(json!({"type": "string"})), "string");
        assert_eq!(t(json!({"type": ["string", "null"]})), "string | null");
        assert_eq!(
            t(json!({"type": "array", "items": {"type": ["integer", "null"]}})),
            "(number | null)[]"
        );
        assert_eq!(
            t(json!({"type": "array", "items": [{"type": "boolean"}, {"type": "string"}]})),
            "[boolean, string]"
        );
        assert_eq!(
            t(
                json!({"type": "object", "properties": {"a": {"type": "integer"}, "b-c": {"type": "string"}}, "required": ["a"]})
            ),
            "{ a: number; \"b-c\"?: string }"
        );
        assert_eq!(
            t(json!({"type": "object", "additionalProperties": {"type": "integer"}})),
            "{ [key: string]: number }"
        );
        assert_eq!(t(json!({"enum": ["a", "b"]})), "\"a\" | \"b\"");
        assert_eq!(
            t(
                json!({"oneOf": [{"const": "x"}, {"type": "object", "properties": {"t": {"const": "y"}}, "required": ["t"]}]})
            ),
            "\"x\" | { t: \"y\" }"
        );
        assert_eq!(t(json!({"$ref": "#/definitions/Point"})), "Point");
        assert_eq!(t(json!(true)), "unknown");
    }

    #[test]
    fn acks_spread_as_socketio_message_response_does() {
        let (sent, received) = names();
        let n = Names {
            sent: &sent,
            received: &received,
        };
        let spread = |s: Value| spread_args(Some(&s), Side::Sent, &n);
        assert_eq!(spread(json!({"type": "null"})), "");
        assert_eq!(spread(json!({"type": "string"})), "arg0: string");
        assert_eq!(
            spread(json!({"type": "array", "items": [{"type": "string"}, {"type": "integer"}]})),
            "arg0: string, arg1: number"
        );
        assert_eq!(
            spread(json!({"type": "array", "items": {"type": "string"}})),
            "...args: string[]"
        );
        assert_eq!(spread_args(None, Side::Sent, &n), "...args: unknown[]");
    }

    #[test]
    fn a_type_written_differently_than_read_has_two_names() {
        let sent = BTreeMap::from([(
            "User".to_owned(),
            json!({"type": "object", "properties": {"id": {"type": "integer"}}}),
        )]);
        let received = BTreeMap::from([(
            "User".to_owned(),
            json!({"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]}),
        )]);
        let n = Names {
            sent: &sent,
            received: &received,
        };
        assert_eq!(n.of("User", Side::Sent), "UserSent");
        assert_eq!(n.of("User", Side::Received), "User");
        let mut out = String::new();
        definitions(&mut out, &n);
        assert!(out.contains("export type User = { id: number };"), "{out}");
        assert!(
            out.contains("export type UserSent = { id?: number };"),
            "{out}"
        );
    }
}
