//! Rules of `#[socketio_negotiation]`, one function per rule.

use super::parse::NegotiationArgs;
use crate::common::args::FnModel;
use crate::common::diag::Diag;
use crate::common::template::{self, Part};

/// The validated negotiation function.
pub(crate) struct Valid {
    /// The HTTP path, `/api/<route or fn name>`.
    pub(crate) route: String,
    /// The parsed `user_id` template.
    pub(crate) user_id: Option<Vec<Part>>,
}

pub(crate) fn validate(args: &NegotiationArgs, model: &FnModel, diag: &mut Diag) -> Option<Valid> {
    names_are_not_empty(args, diag);
    no_trigger_helpers(model, diag);
    let user_id = user_id_is_a_template(args, diag);
    let route = route_is_relative(args, model, diag);
    diag.is_empty().then_some(Valid { route, user_id })
}

fn names_are_not_empty(args: &NegotiationArgs, diag: &mut Diag) {
    for (key, value) in [
        ("hub", &args.hub),
        ("user_id", &args.user_id),
        ("connection", &args.connection),
        ("route", &args.route),
    ] {
        if let Some(lit) = value.as_ref().filter(|l| l.value().trim().is_empty()) {
            diag.error(lit, format!("`{key}` must not be empty"));
        }
    }
}

fn user_id_is_a_template(args: &NegotiationArgs, diag: &mut Diag) -> Option<Vec<Part>> {
    let lit = args.user_id.as_ref()?;
    match template::parse(&lit.value()) {
        Ok(parts) => Some(parts),
        Err(reason) => {
            diag.error(lit, format!("invalid `user_id`: {reason}"));
            None
        }
    }
}

fn route_is_relative(args: &NegotiationArgs, model: &FnModel, diag: &mut Diag) -> String {
    match &args.route {
        Some(r) if r.value().starts_with('/') => {
            diag.error(
                r,
                "`route` is relative to `/api/`, as in Azure Functions: write `route = \"negotiate\"`",
            );
            String::new()
        }
        Some(r) => format!("/api/{}", r.value()),
        None => format!("/api/{}", model.item.sig.ident),
    }
}

fn no_trigger_helpers(model: &FnModel, diag: &mut Diag) {
    for arg in &model.args {
        if let Some(p) = &arg.parameter {
            diag.error(
                p,
                "`#[socketio_parameter]` belongs to `#[socketio_trigger]` functions",
            );
        }
        if let Some(o) = &arg.output {
            diag.error(
                &o.attr,
                "`#[socketio_output]` belongs to `#[socketio_trigger]` and `#[socketio_timer]` functions",
            );
        }
    }
}
