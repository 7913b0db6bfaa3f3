//! Start-up as one pipeline of named steps, each a function with a typed error naming the function,
//! handle or setting at fault. [`AppBuilder::build`](crate::AppBuilder::build) runs them in order:
//!
//! 1. **settings**: the builder's, else `local.settings.json` and the environment ([`settings`]);
//! 2. **connections** (`connections.rs`): every connection named anywhere ([`connection_names`]),
//!    opened once (credential chosen, REST client made);
//! 3. **resolution**, against the settings and those connections, through one [`Resolver`]
//!    (`resolve.rs`: hubs with the hub-name rule, `%Setting%`s, namespaces, connections, state types):
//!    functions into the routing table (`functions.rs`), negotiation functions (`negotiations.rs`),
//!    builder handles (`handles.rs`);
//! 4. **webhook authentication** (`auth.rs`: `WebhookAuth::from_settings`);
//! 5. **server limits** (`limits.rs`): address, webhook path, connection cap, timeouts, body limit;
//!    and the mode (`mode.rs`: local mode, listen address, webhook path as settings choose them);
//! 6. **handles bound** (`handles.rs`): only once every step succeeded, so a handle of an app that
//!    failed to build never sends (its sends fail at once).
//!
//! After this, nothing is looked up by name: functions hold their output handles, handles and
//! negotiation functions hold their connection's client. Descriptors (`crate::registry`,
//! `crate::negotiation`) are plain data; every rule about what they name is here.

mod auth;
mod connections;
mod functions;
mod handles;
mod limits;
pub(crate) mod mode;
mod negotiations;
mod resolve;
mod timers;

pub(crate) use connections::{Connections, CredentialOverride};
pub(crate) use functions::registry;
pub(crate) use handles::{PendingHandle, bind_handles, resolve_handles};
pub(crate) use limits::{LimitOverrides, Limits};
pub(crate) use negotiations::negotiations;
pub(crate) use resolve::Resolver;
pub(crate) use timers::timers;

use crate::error::Error;
use crate::negotiation::{NegotiationDescriptor, registered_negotiations};
use crate::registry::{FunctionDescriptor, registered_functions};
use crate::settings::Settings;
use crate::timer::{TimerDescriptor, registered_timers};
use socketio_fn_protocol::setting_names::CONNECTION;

/// Step 1: the builder's settings, else `local.settings.json` and the environment.
pub(crate) fn settings(given: Option<Settings>) -> Result<Settings, Error> {
    match given {
        Some(settings) => Ok(settings),
        None => Ok(Settings::load()?),
    }
}

/// The functions of an app: triggers, negotiations, timers.
pub(crate) type Descriptors = (
    Vec<FunctionDescriptor>,
    Vec<NegotiationDescriptor>,
    Vec<TimerDescriptor>,
);

/// The builder's functions, plus the registered ones when asked.
pub(crate) fn descriptors(
    (mut functions, mut negotiations, mut timers): Descriptors,
    include_registered: bool,
) -> Descriptors {
    if include_registered {
        functions.extend(registered_functions().copied());
        negotiations.extend(registered_negotiations().copied());
        timers.extend(registered_timers().copied());
    }
    (functions, negotiations, timers)
}

/// Every connection setting the app names: the default one, each function's and output's, each
/// negotiation function's and each builder handle's.
pub(crate) fn connection_names<'a>(
    (functions, negotiations, timers): (
        &'a [FunctionDescriptor],
        &'a [NegotiationDescriptor],
        &'a [TimerDescriptor],
    ),
    handles: &'a [PendingHandle],
) -> Vec<&'a str> {
    let mut names: Vec<&str> = vec![CONNECTION];
    for f in functions {
        names.extend(f.connection);
        names.extend(f.outputs.iter().filter_map(|o| o.connection));
    }
    for t in timers {
        names.extend(t.connection);
        names.extend(t.outputs.iter().filter_map(|o| o.connection));
    }
    names.extend(negotiations.iter().filter_map(|n| n.connection));
    names.extend(handles.iter().filter_map(|h| h.connection.as_deref()));
    names
}
