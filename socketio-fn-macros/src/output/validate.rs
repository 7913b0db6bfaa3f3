//! The rules of output arguments.

use crate::common::args::FnModel;
use crate::common::diag::Diag;
use syn::LitStr;

/// Each rule pushes its errors; the names say what they check.
pub(crate) fn validate(model: &FnModel, parameter_names: Option<&[LitStr]>, diag: &mut Diag) {
    let mut seen: Vec<String> = Vec::new();
    for arg in &model.args {
        let Some(output) = &arg.output else { continue };
        if let Some(p) = &arg.parameter {
            diag.error(
                p,
                "an argument is either `#[socketio_parameter]` or `#[socketio_output]`, not both",
            );
        }
        if let Some(n) = parameter_names
            .into_iter()
            .flatten()
            .find(|n| arg.ident == n.value())
        {
            diag.error(
                n,
                format!(
                    "`{}` is a `#[socketio_output]` argument; remove it from `parameter_names`",
                    arg.ident
                ),
            );
        }
        for (key, value) in [
            ("hub", &output.args.hub),
            ("connection", &output.args.connection),
        ] {
            if let Some(v) = value.as_ref().filter(|v| v.value().trim().is_empty()) {
                diag.error(
                    v,
                    format!("`{key}` must not be empty; omit it for the default"),
                );
            }
        }
        let key = format!(
            "{}\u{0}{}",
            output
                .args
                .hub
                .as_ref()
                .map(LitStr::value)
                .unwrap_or_default()
                .to_lowercase(),
            output
                .args
                .connection
                .as_ref()
                .map(LitStr::value)
                .unwrap_or_default()
                .to_lowercase()
        );
        if seen.contains(&key) {
            diag.error(
                &output.attr,
                "two `#[socketio_output]` arguments for one hub; use one collector",
            );
        }
        seen.push(key);
    }
}
