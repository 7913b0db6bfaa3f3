//! Start-up as one pipeline of named steps, each with a typed error naming the function, handle or
//! setting at fault:
//!
//! 1. **settings**: the builder's, else `local.settings.json` and the environment;
//! 2. **connections** (`connections.rs`): every connection named anywhere, opened once (credential
//!    chosen, REST client made);
//! 3. **resolution** (`resolve.rs`): hubs (hub-name rule), `%Setting%`s, namespaces, events, state types,
//!    outputs, negotiation functions and builder handles, against the settings and those connections;
//! 4. **webhook authentication** (`auth.rs`: `WebhookAuth::from_settings`);
//! 5. **server limits** (`limits.rs`): address, connection cap, timeouts, body limit;
//! 6. **handles bound**: only once every step succeeded, so a handle of an app that failed to build
//!    never sends (its sends fail at once).
//!
//! After this, nothing is looked up by name: functions hold their output handles, handles and
//! negotiation functions hold their connection's client.

mod auth;
mod connections;
mod limits;
mod resolve;

pub use resolve::BindingError;

pub(crate) use connections::{Connections, CredentialOverride};
pub(crate) use limits::{LimitOverrides, Limits};
pub(crate) use resolve::Resolver;

use crate::app::{App, AppBuilder, Mode, PendingHandle};
use crate::error::Error;
use crate::negotiation::{NegotiationDescriptor, registered_negotiations};
use crate::registry::{FunctionDescriptor, Registry, registered_functions};
use crate::service::ServiceHandle;
use crate::settings::Settings;
use crate::webhook::WebhookAuth;
use socketio_fn_protocol::setting_names::CONNECTION;
use std::sync::Arc;

/// Runs the pipeline over a builder.
pub(crate) fn build(builder: AppBuilder) -> Result<App, Error> {
    let AppBuilder {
        settings,
        functions,
        negotiations,
        include_registered,
        routes,
        state,
        credentials,
        handles,
        allow_unauthenticated,
        local_emulator,
        limits,
        layers,
        hooks,
    } = builder;
    let settings = match settings {
        Some(s) => s,
        None => Settings::load()?,
    };
    let (functions, negotiations) = descriptors(functions, negotiations, include_registered);
    let names = connection_names(&functions, &negotiations, &handles);
    let connections = Connections::open(&settings, names, &credentials)?;
    let resolver = Resolver::new(&settings, &connections, &state);
    let registry = Registry::build(functions, &resolver)?;
    if registry.functions().is_empty() {
        tracing::warn!(
            "no socketio-fn functions found: annotate async fns with #[socketio_trigger], and make sure \
             the modules that hold them are linked into this binary"
        );
    }
    let negotiations = crate::negotiation::resolve(negotiations, &resolver)?;
    let resolved_handles = resolve_handles(&handles, &resolver)?;
    let callers: Vec<&str> = registry
        .functions()
        .iter()
        .filter_map(|f| f.descriptor.connection)
        .collect();
    let auth =
        WebhookAuth::from_settings(&settings, &connections, &callers, allow_unauthenticated)?;
    let limits = Limits::from_settings(&settings, limits)?;
    let mode = match local_emulator {
        Some(endpoint) => Mode::Local(endpoint),
        None => Mode::of(connections.get(CONNECTION).map(|c| &c.connection)),
    };
    for (pending, resolved) in handles.into_iter().zip(&resolved_handles) {
        pending.binder.bind(resolved);
    }
    Ok(App {
        routes: routes.unwrap_or_default(),
        registry: Arc::new(registry),
        negotiations,
        connections: Arc::new(connections),
        auth,
        settings,
        limits,
        state,
        mode,
        layers,
        hooks: crate::hook::Hooks(hooks.into()),
    })
}

/// The builder's functions, plus the registered ones when asked.
fn descriptors(
    mut functions: Vec<FunctionDescriptor>,
    mut negotiations: Vec<NegotiationDescriptor>,
    include_registered: bool,
) -> (Vec<FunctionDescriptor>, Vec<NegotiationDescriptor>) {
    if include_registered {
        functions.extend(registered_functions().copied());
        negotiations.extend(registered_negotiations().copied());
    }
    (functions, negotiations)
}

/// Every connection setting the app names: the default one, each function's and output's, each
/// negotiation function's and each builder handle's.
fn connection_names<'a>(
    functions: &'a [FunctionDescriptor],
    negotiations: &'a [NegotiationDescriptor],
    handles: &'a [PendingHandle],
) -> Vec<&'a str> {
    let mut names: Vec<&str> = vec![CONNECTION];
    for f in functions {
        names.extend(f.connection);
        names.extend(f.outputs.iter().filter_map(|o| o.connection));
    }
    names.extend(negotiations.iter().filter_map(|n| n.connection));
    names.extend(handles.iter().filter_map(|h| h.connection.as_deref()));
    names
}

/// Resolves each builder handle (not bound yet: that is the last step).
fn resolve_handles(
    handles: &[PendingHandle],
    resolver: &Resolver<'_>,
) -> Result<Vec<ServiceHandle>, Error> {
    handles
        .iter()
        .map(|h| {
            resolver
                .handle_for(&h.hub, h.connection.as_deref())
                .map_err(|reason| Error::InvalidHandle {
                    hub: h.hub.clone(),
                    connection: h.connection.as_deref().unwrap_or(CONNECTION).to_owned(),
                    reason,
                })
        })
        .collect()
}
