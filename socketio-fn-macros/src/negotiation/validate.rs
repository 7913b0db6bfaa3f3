//! Rules of `#[socketio_negotiation]`.

use crate::common::args::FnModel;
use crate::common::diag::Diag;
use crate::common::keys::Keys;

/// The validated negotiation function.
pub(crate) struct Valid {
    /// The HTTP path, `/api/<route or fn name>`.
    pub(crate) route: String,
}

pub(crate) fn validate(keys: &Keys, model: &FnModel, diag: &mut Diag) -> Option<Valid> {
    let sig = &model.item.sig;
    if sig.asyncness.is_none() {
        diag.error(
            sig.fn_token,
            format!(
                "`#[socketio_negotiation]` functions must be async; write `async fn {}`",
                sig.ident
            ),
        );
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        diag.error(
            &sig.generics,
            "`#[socketio_negotiation]` functions cannot be generic",
        );
    }
    for key in ["hub", "user_id", "connection", "route"] {
        if let Some(lit) = keys.get(key)
            && lit.value().trim().is_empty()
        {
            diag.error(lit, format!("`{key}` must not be empty"));
        }
    }
    if let Some(user) = keys.get("user_id") {
        let value = user.value();
        if let Some(inner) = value.strip_prefix('{').and_then(|v| v.strip_suffix('}')) {
            let lower = inner.to_ascii_lowercase();
            let known = ["query.", "headers."]
                .iter()
                .any(|p| lower.starts_with(p) && lower.len() > p.len());
            if !known {
                diag.error(
                    user,
                    "`user_id` expressions are `{query.<name>}` or `{headers.<name>}`",
                );
            }
        }
    }
    let route = match keys.get("route") {
        Some(r) if r.value().starts_with('/') => {
            diag.error(r, "`route` is relative to `/api/`, as in Azure Functions: write `route = \"negotiate\"`");
            String::new()
        }
        Some(r) => format!("/api/{}", r.value()),
        None => format!("/api/{}", sig.ident),
    };
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
                "`#[socketio_output]` belongs to `#[socketio_trigger]` functions",
            );
        }
    }
    diag.is_empty().then_some(Valid { route })
}
