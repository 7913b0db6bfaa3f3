//! The rules of output arguments, one function each, run over every `#[socketio_output]` argument.

use crate::common::args::{Arg, FnModel, OutputAttr};
use crate::common::diag::Diag;
use syn::LitStr;

/// Checks every rule over the function's output arguments, pushing each problem.
pub(crate) fn validate(model: &FnModel, parameter_names: Option<&[LitStr]>, diag: &mut Diag) {
    let outputs: Vec<(&Arg, &OutputAttr)> = model
        .args
        .iter()
        .filter_map(|arg| Some((arg, arg.output.as_ref()?)))
        .collect();
    for &(arg, output) in &outputs {
        not_also_a_parameter(arg, diag);
        not_in_parameter_names(arg, parameter_names, diag);
        names_are_not_empty(output, diag);
    }
    one_output_per_hub(&outputs, diag);
}

/// An argument is an event argument or an output, not both.
fn not_also_a_parameter(arg: &Arg, diag: &mut Diag) {
    if let Some(p) = &arg.parameter {
        diag.error(
            p,
            "an argument is either `#[socketio_parameter]` or `#[socketio_output]`, not both",
        );
    }
}

/// `parameter_names` does not list an output argument.
fn not_in_parameter_names(arg: &Arg, parameter_names: Option<&[LitStr]>, diag: &mut Diag) {
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
}

/// `hub` and `connection`, when given, are not empty.
fn names_are_not_empty(output: &OutputAttr, diag: &mut Diag) {
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
}

/// At most one output per (hub, connection), names compared case-insensitively: the second one is
/// the error.
fn one_output_per_hub(outputs: &[(&Arg, &OutputAttr)], diag: &mut Diag) {
    let folded = |v: &Option<LitStr>| {
        v.as_ref()
            .map(LitStr::value)
            .unwrap_or_default()
            .to_lowercase()
    };
    let mut seen: Vec<(String, String)> = Vec::new();
    for (_, output) in outputs {
        let key = (folded(&output.args.hub), folded(&output.args.connection));
        if seen.contains(&key) {
            diag.error(
                &output.attr,
                "two `#[socketio_output]` arguments for one hub; use one collector",
            );
        }
        seen.push(key);
    }
}
