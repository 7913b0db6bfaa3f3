//! The rules of `#[socketio_trigger]`, as a pure function over the parsed model.

use super::parse::TriggerArgs;
use crate::common::args::FnModel;
use crate::common::diag::Diag;
use proc_macro2::Span;

/// The event kinds, as the runtime's marker types name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Connect,
    Connected,
    Disconnected,
    Message,
}

impl Kind {
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
    /// Output collector for a hub (empty = the event's hub) and connection.
    Output {
        hub: String,
        connection: Option<String>,
    },
}

/// The validated function: one binding per argument, in declaration order.
pub(crate) struct Valid {
    pub(crate) kind: Kind,
    pub(crate) event: String,
    pub(crate) bindings: Vec<Binding>,
}

fn non_empty(lit: &Option<syn::LitStr>, key: &str, diag: &mut Diag) {
    if let Some(l) = lit
        && l.value().trim().is_empty()
    {
        diag.error(l, format!("`{key}` must not be empty"));
    }
}

/// Checks every rule; returns the bindings when there is no error.
pub(crate) fn validate(args: &TriggerArgs, model: &FnModel, diag: &mut Diag) -> Option<Valid> {
    let sig = &model.item.sig;
    if sig.asyncness.is_none() {
        diag.error(
            sig.fn_token,
            format!(
                "`#[socketio_trigger]` functions must be async; write `async fn {}`",
                sig.ident
            ),
        );
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        diag.error(
            &sig.generics,
            "`#[socketio_trigger]` functions cannot be generic",
        );
    }
    non_empty(&args.hub, "hub", diag);
    non_empty(&args.event, "event", diag);
    non_empty(&args.connection, "connection", diag);
    if let Some(ns) = &args.namespace
        && !ns.value().starts_with('/')
    {
        diag.error(ns, "`namespace` must start with `/`, e.g. \"/chat\"");
    }
    let Some(event) = &args.event else {
        diag.error_at(
            Span::call_site(),
            "missing `event`: write `#[socketio_trigger(hub = \"...\", event = \"...\")]`",
        );
        return None;
    };
    let kind = Kind::of(&event.value());

    let marked: Vec<_> = model
        .args
        .iter()
        .filter_map(|a| a.parameter.as_ref())
        .collect();
    if let Some((span, names)) = &args.parameter_names {
        if kind != Kind::Message {
            diag.error_at(
                *span,
                format!(
                    "`parameter_names` binds arguments of user events; `{}` has none",
                    event.value()
                ),
            );
        }
        for attr in &marked {
            diag.error(
                attr,
                "`parameter_names` cannot be used together with `#[socketio_parameter]`; keep one of them",
            );
        }
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
                        sig.ident
                    ),
                );
            }
        }
    } else if kind != Kind::Message {
        for attr in &marked {
            diag.error(
                attr,
                format!(
                    "`#[socketio_parameter]` binds arguments of user events; `{}` has none",
                    event.value()
                ),
            );
        }
    }
    let mut output_hubs: Vec<String> = Vec::new();
    for arg in &model.args {
        let Some(output) = &arg.output else { continue };
        if let Some(p) = &arg.parameter {
            diag.error(
                p,
                "an argument is either `#[socketio_parameter]` or `#[socketio_output]`, not both",
            );
        }
        if let Some((_, names)) = &args.parameter_names
            && let Some(n) = names.iter().find(|n| arg.ident == n.value())
        {
            diag.error(
                n,
                format!(
                    "`{}` is a `#[socketio_output]` argument; remove it from `parameter_names`",
                    arg.ident
                ),
            );
        }
        let hub = output
            .hub
            .as_ref()
            .map(syn::LitStr::value)
            .unwrap_or_default();
        if output
            .hub
            .as_ref()
            .is_some_and(|h| h.value().trim().is_empty())
        {
            diag.error(
                &output.attr,
                "`hub` must not be empty; omit it to use the event's hub",
            );
        }
        let connection = output
            .connection
            .as_ref()
            .map(syn::LitStr::value)
            .unwrap_or_default();
        let key = format!("{}\u{0}{}", hub.to_lowercase(), connection.to_lowercase());
        if output_hubs.contains(&key) {
            diag.error(
                &output.attr,
                "two `#[socketio_output]` arguments for one hub; use one collector",
            );
        }
        output_hubs.push(key);
    }
    if !diag.is_empty() {
        return None;
    }

    let mut position = 0;
    let bindings = model
        .args
        .iter()
        .map(|arg| {
            let name = arg.ident.to_string();
            if let Some(output) = &arg.output {
                Binding::Output {
                    hub: output
                        .hub
                        .as_ref()
                        .map(syn::LitStr::value)
                        .unwrap_or_default(),
                    connection: output.connection.as_ref().map(syn::LitStr::value),
                }
            } else if let Some((_, names)) = &args.parameter_names {
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
        .collect();
    Some(Valid {
        kind,
        event: event.value(),
        bindings,
    })
}
