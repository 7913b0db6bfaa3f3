//! Registered functions: descriptors collected with `inventory` or given explicitly, resolved at start-up
//! into the routing table.

use crate::error::Error;
use crate::invocation::InvokeFn;
use crate::service::ServiceHandle;
use crate::startup::{BindingError, Resolver};
use crate::state::Requirements;
use socketio_fn_protocol::cloud_events::EventKind;
use std::collections::HashMap;
use std::sync::Arc;

/// An output binding of a function (`#[socketio_output(hub = "...", connection = "...")]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputBinding {
    /// The hub (`%Setting%` allowed); `None` = the function's hub.
    pub hub: Option<&'static str>,
    /// Setting name of the connection; `None` = `WebPubSubForSocketIOConnectionString`.
    pub connection: Option<&'static str>,
}

/// Static description of a function, emitted by `#[socketio_trigger]` (or written by hand for tests).
#[derive(Debug, Clone, Copy)]
pub struct FunctionDescriptor {
    /// The function's name (unique in the app; used in logs and errors).
    pub name: &'static str,
    /// Hub name (`%Setting%` allowed); `None` = the `WebPubSubForSocketIOHub` setting.
    pub hub: Option<&'static str>,
    /// Socket.IO namespace (`%Setting%` allowed); `None` = `/`.
    pub namespace: Option<&'static str>,
    /// Event name: `connect`, `connected`, `disconnected` or a user event name (`%Setting%` allowed, for
    /// user events).
    pub event: &'static str,
    /// Setting name of the connection whose hosts may call this function; `None` = the default.
    pub connection: Option<&'static str>,
    /// The output bindings, in argument order.
    pub outputs: &'static [OutputBinding],
    /// Declares what the function's arguments need from the app (state types).
    pub requires: fn(&mut Requirements),
    /// The generated wrapper.
    pub invoke: InvokeFn,
}

impl FunctionDescriptor {
    /// A descriptor with no outputs and no requirements (tests, hand-written functions).
    pub const fn new(
        name: &'static str,
        hub: &'static str,
        event: &'static str,
        invoke: InvokeFn,
    ) -> Self {
        Self {
            name,
            hub: Some(hub),
            namespace: None,
            event,
            connection: None,
            outputs: &[],
            requires: no_requirements,
            invoke,
        }
    }
}

/// The `requires` of a function whose arguments need nothing from the app.
pub fn no_requirements(_: &mut Requirements) {}

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
    /// The resolved namespace.
    pub namespace: String,
    /// The resolved event name.
    pub event: String,
    /// The event kind the function handles.
    pub kind: EventKind,
    /// The resolved output bindings, in argument order.
    pub outputs: Arc<[ServiceHandle]>,
    /// The function's own handle (its hub and namespace), when an argument takes one.
    pub handle: Option<ServiceHandle>,
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

/// The event of a catch-all function: every user event of its hub and namespace without a function of
/// its own.
pub const CATCH_ALL: &str = "*";

/// The routing table: (hub, namespace, system/user, event) -> function, compared case-insensitively.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    functions: Vec<ResolvedFunction>,
    /// Indexed by "is a system event": folded event name -> functions with that event, told apart by
    /// hub and namespace. Two maps rather than a `(bool, String)` key, so a lookup borrows the name.
    routes: [HashMap<String, Vec<usize>>; 2],
}

impl Registry {
    /// Resolves every descriptor (sorted by name) and builds the table. Fails, naming the function, on
    /// an unresolvable hub, namespace, event, output or state, and on two functions for one
    /// (hub, namespace, event).
    pub(crate) fn build(
        descriptors: impl IntoIterator<Item = FunctionDescriptor>,
        resolver: &Resolver<'_>,
    ) -> Result<Self, Error> {
        let mut descriptors: Vec<_> = descriptors.into_iter().collect();
        descriptors.sort_by(|a, b| a.name.cmp(b.name));
        let mut registry = Self::default();
        for descriptor in descriptors {
            let function =
                resolve(descriptor, resolver).map_err(|reason| Error::InvalidFunction {
                    function: descriptor.name,
                    reason,
                })?;
            let bucket = registry.routes[usize::from(function.kind.is_system())]
                .entry(folded(&function.event).into_owned())
                .or_default();
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
                    event: function.event,
                });
            }
            bucket.push(registry.functions.len());
            registry.functions.push(function);
        }
        Ok(registry)
    }

    /// The functions, sorted by name.
    pub(crate) fn functions(&self) -> &[ResolvedFunction] {
        &self.functions
    }

    /// The function for an event, names compared case-insensitively; for a user event without one,
    /// the hub and namespace's catch-all function (`event = "*"`), if any.
    pub(crate) fn route(
        &self,
        hub: &str,
        namespace: &str,
        system: bool,
        event: &str,
    ) -> Option<&ResolvedFunction> {
        let find = |name: &str| {
            self.routes[usize::from(system)]
                .get(name)?
                .iter()
                .map(|&i| &self.functions[i])
                .find(|f| same_name(&f.hub, hub) && same_name(&f.namespace, namespace))
        };
        find(folded(event).as_ref()).or_else(|| if system { None } else { find(CATCH_ALL) })
    }
}

fn resolve(
    descriptor: FunctionDescriptor,
    resolver: &Resolver<'_>,
) -> Result<ResolvedFunction, BindingError> {
    let hub = resolver.hub(descriptor.hub)?;
    let namespace = resolver.namespace(descriptor.namespace)?;
    let event = resolver.text("event", descriptor.event)?;
    let kind = EventKind::for_event_name(descriptor.event);
    if kind != EventKind::for_event_name(&event) {
        // A `%Setting%` event is a user event at compile time; it must stay one.
        return Err(BindingError::SystemEventFromSetting {
            expression: descriptor.event,
            value: event,
        });
    }
    if event == CATCH_ALL && descriptor.event != CATCH_ALL {
        // A setting must not turn a function into the catch-all without a word.
        return Err(BindingError::CatchAllFromSetting {
            expression: descriptor.event,
        });
    }
    let requirements = resolver.check_requirements(descriptor.requires)?;
    if let Some(connection) = descriptor.connection {
        resolver.client(Some(connection))?;
    }
    // Output bindings and the function's own handle send to the function's namespace by default.
    let outputs = descriptor
        .outputs
        .iter()
        .map(|output| {
            let hub = match output.hub {
                Some(h) => resolver.hub(Some(h))?,
                None => hub.clone(),
            };
            Ok(resolver
                .handle(hub, output.connection)?
                .of(namespace.clone()))
        })
        .collect::<Result<Vec<_>, BindingError>>()?;
    let handle = if requirements.needs_service_handle() {
        Some(
            resolver
                .handle(hub.clone(), descriptor.connection)?
                .of(namespace.clone()),
        )
    } else {
        None
    };
    Ok(ResolvedFunction {
        descriptor,
        hub,
        namespace,
        event,
        kind,
        outputs: outputs.into(),
        handle,
    })
}
