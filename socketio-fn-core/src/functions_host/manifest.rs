//! The `function.json` of each function for the Functions host's bindings mode, written from the
//! app's own descriptors (what the macros registered, `%Setting%`s left for the host to resolve):
//! a `socketiotrigger` per trigger function with a `socketio` output per `#[socketio_output]`, an
//! `httpTrigger` with a `socketionegotiation` input and an `http` output per negotiation function,
//! a `timerTrigger` per timer function. Binding properties as the Socket.IO extension reads them
//! (`SocketIOTriggerAttribute`, `SocketIONegotiationAttribute`, `SocketIOAttribute`).
//!
//! A trigger declares no `$return` binding: the host hands the handler's `ReturnValue` to the trigger
//! itself (see `super`), and a `$return` output would be read as an action.

use super::{NEGOTIATION_BINDINGS, TIMER_BINDING, TRIGGER_BINDING};
use crate::negotiation::{NegotiationDescriptor, TemplatePart};
use crate::registry::{CATCH_ALL, FunctionDescriptor, OutputBinding};
use crate::timer::TimerDescriptor;
use serde_json::{Value, json};
use socketio_fn_protocol::setting_names::{CONNECTION, HUB};

/// Why the app cannot be packaged for bindings mode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    /// A catch-all function (`event = "*"`): the extension routes exact event names only.
    #[error(
        "function `{0}`: the Functions extension has no catch-all trigger (`event = \"*\"`); give each event its own function, or package without --bindings"
    )]
    CatchAll(&'static str),
    /// A trigger on a named connection: the extension's trigger has no `connection`.
    #[error(
        "function `{0}`: the Functions extension's trigger has no `connection` (it validates with the default connection); remove `connection`, or package without --bindings"
    )]
    Connection(&'static str),
    /// A binding name the host gives another meaning.
    #[error(
        "function `{function}`: an output named `{name}` clashes with {why}; rename the argument"
    )]
    ReservedName {
        /// The function.
        function: &'static str,
        /// The output's name.
        name: &'static str,
        /// With what.
        why: &'static str,
    },
    /// Two functions share a name (a folder each).
    #[error("two functions are named `{0}`: each function is a folder of the package")]
    Duplicate(&'static str),
    /// A name the host does not take for a function (a letter, then letters, digits, `_` and `-`,
    /// at most 128 characters).
    #[error(
        "`{0}` is not a Functions function name (a letter, then letters, digits, `_` or `-`; at most 128): rename the function"
    )]
    InvalidName(&'static str),
}

/// The host's rule for function names (a folder each).
fn is_function_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && name.len() <= 128
}

/// `%WebPubSubForSocketIOHub%`: the hub of a function that names none, for the host to resolve.
fn hub(hub: Option<&str>) -> String {
    hub.map_or_else(|| format!("%{HUB}%"), str::to_owned)
}

fn check_output(function: &'static str, output: &OutputBinding) -> Result<(), ManifestError> {
    let reserved = |why| ManifestError::ReservedName {
        function,
        name: output.name,
        why,
    };
    if ["statusCode", "ack"]
        .iter()
        .any(|n| n.eq_ignore_ascii_case(output.name))
    {
        return Err(reserved(
            "a member of the trigger's return value, which the host copies into the outputs",
        ));
    }
    let others = [TRIGGER_BINDING, TIMER_BINDING, "$return"];
    if others.iter().any(|n| n.eq_ignore_ascii_case(output.name)) {
        return Err(reserved("the function's trigger binding"));
    }
    Ok(())
}

/// A `socketio` output binding; its hub defaults to `default_hub`.
fn output(output: &OutputBinding, default_hub: Option<&str>) -> Value {
    json!({
        "type": "socketio",
        "direction": "out",
        "name": output.name,
        "hub": hub(output.hub.or(default_hub)),
        "connection": output.connection.unwrap_or(CONNECTION),
    })
}

/// The `function.json` of a trigger function.
pub fn trigger(f: &FunctionDescriptor) -> Result<Value, ManifestError> {
    if f.event == CATCH_ALL {
        return Err(ManifestError::CatchAll(f.name));
    }
    if f.connection.is_some() {
        return Err(ManifestError::Connection(f.name));
    }
    let mut trigger = json!({
        "type": "socketiotrigger",
        "direction": "in",
        "name": TRIGGER_BINDING,
        "hub": hub(f.hub),
        "namespace": f.namespace.unwrap_or("/"),
        "eventName": f.event,
    });
    if !f.parameters.is_empty() {
        trigger["parameterNames"] = json!(f.parameters);
    }
    let mut bindings = vec![trigger];
    for o in f.outputs {
        check_output(f.name, o)?;
        bindings.push(output(o, f.hub));
    }
    Ok(json!({ "bindings": bindings }))
}

/// A negotiation's `userId` template as a binding expression: `{query.<name>}`,
/// `{headers.<name>}`, `%Setting%` and literal text, as written.
pub fn user_id_expression(parts: &[TemplatePart]) -> String {
    parts
        .iter()
        .map(|part| match part {
            TemplatePart::Literal(text) => (*text).to_owned(),
            TemplatePart::Query(name) => format!("{{query.{name}}}"),
            TemplatePart::Header(name) => format!("{{headers.{name}}}"),
            TemplatePart::Setting(name) => format!("%{name}%"),
        })
        .collect()
}

/// The `function.json` of a negotiation function: the HTTP trigger on the function's route (the
/// package's `host.json` sets an empty route prefix), the host's negotiation, the HTTP output.
pub fn negotiation(n: &NegotiationDescriptor) -> Value {
    let [req, negotiate, res] = NEGOTIATION_BINDINGS;
    let mut input = json!({
        "type": "socketionegotiation",
        "direction": "in",
        "name": negotiate,
        "hub": hub(n.hub),
        "connection": n.connection.unwrap_or(CONNECTION),
    });
    if let Some(parts) = n.user_id {
        input["userId"] = json!(user_id_expression(parts));
    }
    json!({ "bindings": [
        {
            "type": "httpTrigger",
            "direction": "in",
            "name": req,
            "authLevel": "anonymous",
            "methods": ["get", "post"],
            "route": n.route.trim_start_matches('/'),
        },
        input,
        { "type": "http", "direction": "out", "name": res },
    ]})
}

/// The `function.json` of a timer function.
pub fn timer(t: &TimerDescriptor) -> Result<Value, ManifestError> {
    let mut bindings = vec![json!({
        "type": "timerTrigger",
        "direction": "in",
        "name": TIMER_BINDING,
        "schedule": t.schedule,
    })];
    for o in t.outputs {
        check_output(t.name, o)?;
        bindings.push(output(o, t.hub));
    }
    Ok(json!({ "bindings": bindings }))
}

/// Every function's folder name and `function.json`, sorted by name.
pub fn functions(
    functions: &[FunctionDescriptor],
    negotiations: &[NegotiationDescriptor],
    timers: &[TimerDescriptor],
) -> Result<Vec<(&'static str, Value)>, ManifestError> {
    let mut out = Vec::new();
    for f in functions {
        out.push((f.name, trigger(f)?));
    }
    for n in negotiations {
        out.push((n.name, negotiation(n)));
    }
    for t in timers {
        out.push((t.name, timer(t)?));
    }
    if let Some((name, _)) = out.iter().find(|(name, _)| !is_function_name(name)) {
        return Err(ManifestError::InvalidName(name));
    }
    out.sort_by(|a, b| a.0.cmp(b.0));
    if let Some(w) = out.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(ManifestError::Duplicate(w[0].0));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invocation::BoxFuture;
    use crate::registry::FunctionDescriptor;
    use crate::response::{InvocationError, Reply};

    fn noop(_: crate::Invocation) -> BoxFuture<Result<Reply, InvocationError>> {
        Box::pin(async { Ok(Reply::Empty) })
    }

    #[test]
    fn settings_are_left_for_the_host() {
        static OUT: [OutputBinding; 1] = [OutputBinding {
            name: "sio",
            hub: Some("%OtherHub%"),
            connection: Some("Other"),
        }];
        let f = FunctionDescriptor {
            hub: None,
            namespace: Some("%Ns%"),
            parameters: &["a", "b"],
            outputs: &OUT,
            ..FunctionDescriptor::new("f", "", "%Event%", noop)
        };
        assert_eq!(
            trigger(&f).unwrap(),
            json!({"bindings": [
                {"type": "socketiotrigger", "direction": "in", "name": "socketio",
                 "hub": "%WebPubSubForSocketIOHub%", "namespace": "%Ns%", "eventName": "%Event%",
                 "parameterNames": ["a", "b"]},
                {"type": "socketio", "direction": "out", "name": "sio", "hub": "%OtherHub%", "connection": "Other"},
            ]})
        );
    }

    #[test]
    fn what_the_extension_cannot_express_is_an_error() {
        let catch_all = FunctionDescriptor::new("any", "h", CATCH_ALL, noop);
        assert_eq!(trigger(&catch_all), Err(ManifestError::CatchAll("any")));
        let named = FunctionDescriptor {
            connection: Some("Other"),
            ..FunctionDescriptor::new("f", "h", "e", noop)
        };
        assert_eq!(trigger(&named), Err(ManifestError::Connection("f")));
        static ACK: [OutputBinding; 1] = [OutputBinding {
            name: "ack",
            hub: None,
            connection: None,
        }];
        let f = FunctionDescriptor {
            outputs: &ACK,
            ..FunctionDescriptor::new("f", "h", "e", noop)
        };
        assert!(matches!(
            trigger(&f),
            Err(ManifestError::ReservedName { name: "ack", .. })
        ));
        let twice = [
            FunctionDescriptor::new("f", "h", "e", noop),
            FunctionDescriptor::new("f", "h", "g", noop),
        ];
        assert_eq!(
            functions(&twice, &[], &[]),
            Err(ManifestError::Duplicate("f"))
        );
        let raw = [FunctionDescriptor::new("r#type", "h", "e", noop)];
        assert_eq!(
            functions(&raw, &[], &[]),
            Err(ManifestError::InvalidName("r#type"))
        );
        assert!(!is_function_name("_private") && is_function_name("new_message-2"));
    }

    #[test]
    fn user_id_templates_become_binding_expressions() {
        let parts = [
            TemplatePart::Literal("user-"),
            TemplatePart::Query("id"),
            TemplatePart::Literal("@"),
            TemplatePart::Header("x-tenant"),
            TemplatePart::Setting("Region"),
        ];
        assert_eq!(
            user_id_expression(&parts),
            "user-{query.id}@{headers.x-tenant}%Region%"
        );
    }
}
