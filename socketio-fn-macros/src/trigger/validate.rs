//! The rules of `#[socketio_trigger]`, as pure functions over the parsed model, one per rule.

use super::parse::TriggerArgs;
use crate::common::args::FnModel;
use crate::common::diag::Diag;
use proc_macro2::Span;
use syn::LitStr;

/// The event kinds, as the runtime's marker types name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Connect,
    Connected,
    Disconnected,
    Message,
}

impl Kind {
    /// The kind of an event name; a `%Setting%` event is a user event (the runtime refuses one that
    /// resolves to a system event name).
    pub(crate) fn of(event: &str) -> Self {
        match event.to_ascii_lowercase().as_str() {
            "connect" => Self::Connect,
            "connected" => Self::Connected,
            "disconnected" => Self::Disconnected,
            _ => Self::Message,
        }
    }

    pub(crate) fn marker(self) -> &'static str {
        match self {
            Self::Connect => "Connect",
            Self::Connected => "Connected",
            Self::Disconnected => "Disconnected",
            Self::Message => "Message",
        }
    }
}

/// How an argument binds.
pub(crate) enum Binding {
    /// Event argument at this position, under this name.
    Parameter { position: usize, name: String },
    /// Context extractor.
    Extractor,
    /// Output binding number `index`.
    Output { index: usize },
}

/// The validated function: one binding per argument, in declaration order.
pub(crate) struct Valid {
    pub(crate) kind: Kind,
    pub(crate) event: String,
    pub(crate) bindings: Vec<Binding>,
}

/// Checks every rule; returns the bindings when there is no error.
pub(crate) fn validate(args: &TriggerArgs, model: &FnModel, diag: &mut Diag) -> Option<Valid> {
    names_are_not_empty(args, diag);
    namespace_starts_with_a_slash(args, diag);
    let event = event_is_given(args, diag)?;
    only_a_lone_star_is_a_pattern(event, diag);
    let kind = Kind::of(&event.value());
    let names = args.parameter_names.as_ref().map(|n| n.as_slice());
    match (&args.parameter_names, names) {
        (Some(spanned), Some(names)) => {
            parameter_names_only_for_user_events(kind, event, spanned.span(), diag);
            parameter_names_exclude_the_attribute(model, diag);
            parameter_names_are_unique_and_match_arguments(names, model, diag);
        }
        _ => parameter_attribute_only_for_user_events(kind, event, model, diag),
    }
    crate::output::validate::validate(model, names, diag);
    if !diag.is_empty() {
        return None;
    }
    Some(Valid {
        kind,
        event: event.value(),
        bindings: bindings(model, names),
    })
}

fn names_are_not_empty(args: &TriggerArgs, diag: &mut Diag) {
    for (key, value) in [
        ("hub", &args.hub),
        ("event", &args.event),
        ("connection", &args.connection),
        ("namespace", &args.namespace),
    ] {
        if let Some(l) = value.as_ref().filter(|l| l.value().trim().is_empty()) {
            diag.error(l, format!("`{key}` must not be empty"));
        }
    }
}

fn is_setting(text: &str) -> bool {
    text.len() > 2 && text.starts_with('%') && text.ends_with('%')
}

fn namespace_starts_with_a_slash(args: &TriggerArgs, diag: &mut Diag) {
    if let Some(ns) = &args.namespace {
        let value = ns.value();
        if !value.trim().is_empty() && !value.starts_with('/') && !is_setting(&value) {
            diag.error(ns, "`namespace` must start with `/`, e.g. \"/chat\"");
        }
    }
}

fn event_is_given<'a>(args: &'a TriggerArgs, diag: &mut Diag) -> Option<&'a LitStr> {
    if args.event.is_none() {
        diag.error_at(
            Span::call_site(),
            "missing `event`: write `#[socketio_trigger(hub = \"...\", event = \"...\")]`",
        );
    }
    args.event.as_ref()
}

/// `event = "*"` is the catch-all (every user event without a function of its own); `*` inside a
/// name would read as a pattern, which the routing does not have.
fn only_a_lone_star_is_a_pattern(event: &LitStr, diag: &mut Diag) {
    let value = event.value();
    if value != "*" && value.contains('*') {
        diag.error(
            event,
            format!(
                "`{value}` is not an event pattern: `event = \"*\"` alone catches every user event \
                 that has no function of its own; other names are matched exactly"
            ),
        );
    }
}

fn parameter_names_only_for_user_events(kind: Kind, event: &LitStr, span: Span, diag: &mut Diag) {
    if kind != Kind::Message {
        diag.error_at(
            span,
            format!(
                "`parameter_names` binds arguments of user events; `{}` has none",
                event.value()
            ),
        );
    }
}

fn parameter_names_exclude_the_attribute(model: &FnModel, diag: &mut Diag) {
    for attr in model.args.iter().filter_map(|a| a.parameter.as_ref()) {
        diag.error(
            attr,
            "`parameter_names` cannot be used together with `#[socketio_parameter]`; keep one of them",
        );
    }
}

fn parameter_names_are_unique_and_match_arguments(
    names: &[LitStr],
    model: &FnModel,
    diag: &mut Diag,
) {
    for (i, name) in names.iter().enumerate() {
        let value = name.value();
        if names[..i].iter().any(|n| n.value() == value) {
            diag.error(
                name,
                format!("`{value}` is listed more than once in `parameter_names`"),
            );
        } else if !model.args.iter().any(|a| a.ident == value) {
            diag.error(
                name,
                format!(
                    "`{value}` in `parameter_names` matches no argument of `{}`",
                    model.item.sig.ident
                ),
            );
        }
    }
}

fn parameter_attribute_only_for_user_events(
    kind: Kind,
    event: &LitStr,
    model: &FnModel,
    diag: &mut Diag,
) {
    if kind == Kind::Message {
        return;
    }
    for attr in model.args.iter().filter_map(|a| a.parameter.as_ref()) {
        diag.error(
            attr,
            format!(
                "`#[socketio_parameter]` binds arguments of user events; `{}` has none",
                event.value()
            ),
        );
    }
}

/// The binding of each argument: outputs by their attribute, parameters by `parameter_names` or
/// `#[socketio_parameter]` (declaration order), everything else through the extractor trait.
fn bindings(model: &FnModel, names: Option<&[LitStr]>) -> Vec<Binding> {
    let mut position = 0;
    let mut outputs = 0;
    model
        .args
        .iter()
        .map(|arg| {
            let name = arg.ident.to_string();
            if arg.output.is_some() {
                outputs += 1;
                Binding::Output { index: outputs - 1 }
            } else if let Some(names) = names {
                match names.iter().position(|n| n.value() == name) {
                    Some(position) => Binding::Parameter { position, name },
                    None => Binding::Extractor,
                }
            } else if arg.parameter.is_some() {
                position += 1;
                Binding::Parameter {
                    position: position - 1,
                    name,
                }
            } else {
                Binding::Extractor
            }
        })
        .collect()
}
