//! Rules of `#[socketio_timer]`, one function per rule: a schedule is given and, when literal, parses
//! (with the runtime's parser); no `#[socketio_parameter]` (a timer has no event); outputs as for
//! triggers. What else an argument may be is checked by the `FromTimer` trait, at the argument's type.

use super::parse::TimerArgs;
use crate::common::args::FnModel;
use crate::common::diag::Diag;
use proc_macro2::Span;

/// The validated timer function: for each argument, its output index when it is an output.
pub(crate) struct Valid {
    pub(crate) outputs: Vec<Option<usize>>,
}

pub(crate) fn validate(args: &TimerArgs, model: &FnModel, diag: &mut Diag) -> Option<Valid> {
    names_are_not_empty(args, diag);
    schedule_parses(args, diag);
    no_event_parameters(model, diag);
    crate::output::validate::validate(model, None, diag);
    let mut index = 0;
    let outputs = model
        .args
        .iter()
        .map(|arg| {
            arg.output.as_ref().map(|_| {
                index += 1;
                index - 1
            })
        })
        .collect();
    diag.is_empty().then_some(Valid { outputs })
}

fn names_are_not_empty(args: &TimerArgs, diag: &mut Diag) {
    for (key, value) in [("hub", &args.hub), ("connection", &args.connection)] {
        if let Some(lit) = value.as_ref().filter(|l| l.value().trim().is_empty()) {
            diag.error(lit, format!("`{key}` must not be empty"));
        }
    }
}

fn schedule_parses(args: &TimerArgs, diag: &mut Diag) {
    let Some(lit) = &args.schedule else {
        diag.error_at(
            Span::call_site(),
            "missing `schedule`: write `#[socketio_timer(schedule = \"0 */5 * * * *\")]` (NCRONTAB \
             with seconds, as Azure Functions timers), or `schedule = \"%MySchedule%\"`",
        );
        return;
    };
    let text = lit.value();
    if socketio_fn_schedule::is_setting(&text) {
        return;
    }
    if let Err(e) = socketio_fn_schedule::Schedule::parse(&text) {
        diag.error(lit, format!("invalid `schedule`: {e}"));
    }
}

fn no_event_parameters(model: &FnModel, diag: &mut Diag) {
    for p in model.args.iter().filter_map(|a| a.parameter.as_ref()) {
        diag.error(
            p,
            "`#[socketio_parameter]` binds an event's arguments; a timer has no event",
        );
    }
}
