//! Registered functions: descriptors collected with `inventory` or given explicitly, and the routing table.

use crate::error::Error;
use crate::invocation::InvokeFn;
use crate::protocol::cloud_events::EventKind;
use crate::settings::{DEFAULT_HUB_SETTING, Settings};
use std::collections::HashMap;

/// Static description of a function, emitted by `#[socketio_trigger]` (or written by hand for tests).
#[derive(Debug, Clone, Copy)]
pub struct FunctionDescriptor {
    /// The function's name (unique in the app; used in logs and errors).
    pub name: &'static str,
    /// Hub name; `%setting%` resolves an app setting; empty uses the `WebPubSubForSocketIOHub` setting.
    pub hub: &'static str,
    /// Socket.IO namespace; empty means `/`.
    pub namespace: &'static str,
    /// Event name: `connect`, `connected`, `disconnected` or a user event name.
    pub event: &'static str,
    /// Setting name of the connection; `None` uses `WebPubSubForSocketIOConnectionString`.
    pub connection: Option<&'static str>,
    /// The generated wrapper.
    pub invoke: InvokeFn,
}

inventory::collect!(FunctionDescriptor);

/// Implemented by `#[socketio_trigger]` for a hidden type named like the function, so the function can be
/// registered explicitly: `App::builder().register::<my_function>()`.
pub trait SocketIoFunction {
    /// The function's descriptor.
    const DESCRIPTOR: FunctionDescriptor;
}

/// Every function registered by the attribute macros in the linked program.
pub fn registered_functions() -> impl Iterator<Item = &'static FunctionDescriptor> {
    inventory::iter::<FunctionDescriptor>.into_iter()
}

/// A function with its settings resolved.
#[derive(Debug, Clone)]
pub struct ResolvedFunction {
    /// The descriptor.
    pub descriptor: FunctionDescriptor,
    /// The resolved hub.
    pub hub: String,
    /// The namespace (`/` when the descriptor has none).
    pub namespace: String,
    /// The event kind the function handles.
    pub kind: EventKind,
}

/// Case-insensitive name equality, as the reference compares routing names (invariant culture); ASCII
/// names, the usual case, compare without allocating.
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

/// `name` folded to lower case, borrowed when it already is.
fn folded(name: &str) -> std::borrow::Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) || !name.is_ascii() {
        std::borrow::Cow::Owned(name.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(name)
    }
}

/// The routing table: (hub, namespace, system/user, event) -> function, compared case-insensitively.
#[derive(Debug, Default)]
pub struct Registry {
    functions: Vec<ResolvedFunction>,
    /// (system event?, folded event name) -> functions with that event, told apart by hub and namespace.
    routes: HashMap<(bool, String), Vec<usize>>,
}

impl Registry {
    /// Resolves hubs against `settings` and builds the table. Fails on an unresolvable hub, an empty
    /// event, or two functions with the same (hub, namespace, event).
    pub fn build(
        descriptors: impl IntoIterator<Item = FunctionDescriptor>,
        settings: &Settings,
    ) -> Result<Self, Error> {
        let mut descriptors: Vec<_> = descriptors.into_iter().collect();
        descriptors.sort_by(|a, b| a.name.cmp(b.name));
        let mut registry = Self::default();
        for descriptor in descriptors {
            let function = resolve(descriptor, settings)?;
            let key = (
                function.kind.is_system(),
                folded(descriptor.event).into_owned(),
            );
            let bucket = registry.routes.entry(key).or_default();
            if let Some(&existing) = bucket.iter().find(|&&i| {
                let other = &registry.functions[i];
                same_name(&other.hub, &function.hub)
                    && same_name(&other.namespace, &function.namespace)
            }) {
                let other = &registry.functions[existing];
                return Err(Error::DuplicateFunction {
                    first: other.descriptor.name,
                    second: descriptor.name,
                    hub: function.hub,
                    namespace: function.namespace,
                    event: descriptor.event,
                });
            }
            bucket.push(registry.functions.len());
            registry.functions.push(function);
        }
        Ok(registry)
    }

    /// The functions, sorted by name.
    pub fn functions(&self) -> &[ResolvedFunction] {
        &self.functions
    }

    /// The function for an event, names compared case-insensitively.
    pub(crate) fn route(
        &self,
        hub: &str,
        namespace: &str,
        system: bool,
        event: &str,
    ) -> Option<&ResolvedFunction> {
        let bucket = self.routes.get(&(system, folded(event).into_owned()))?;
        bucket
            .iter()
            .map(|&i| &self.functions[i])
            .find(|f| same_name(&f.hub, hub) && same_name(&f.namespace, namespace))
    }
}

fn resolve(descriptor: FunctionDescriptor, settings: &Settings) -> Result<ResolvedFunction, Error> {
    let invalid = |reason: String| Error::InvalidFunction {
        function: descriptor.name,
        reason,
    };
    if descriptor.event.trim().is_empty() {
        return Err(invalid("`event` is empty".into()));
    }
    let hub =
        if descriptor.hub.is_empty() {
            settings.get(DEFAULT_HUB_SETTING).map(str::to_owned).ok_or_else(|| {
            invalid(format!(
                "no hub: set `hub` on the function or the `{DEFAULT_HUB_SETTING}` app setting"
            ))
        })?
        } else {
            settings
                .resolve(descriptor.hub)
                .map_err(|e| invalid(e.to_string()))?
        };
    if hub.trim().is_empty() {
        return Err(invalid("the hub name is empty".into()));
    }
    let namespace = if descriptor.namespace.is_empty() {
        "/".to_owned()
    } else {
        descriptor.namespace.to_owned()
    };
    Ok(ResolvedFunction {
        descriptor,
        hub,
        namespace,
        kind: EventKind::for_event_name(descriptor.event),
    })
}
