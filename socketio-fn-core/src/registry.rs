//! Registered functions: descriptors (plain data) collected with `inventory` or given explicitly, and
//! the routing table that the start-up pipeline (`crate::startup`) fills with them once resolved.

use crate::error::Error;
use crate::invocation::InvokeFn;
use crate::service::ServiceHandle;
use crate::state::Requirements;
use socketio_fn_protocol::cloud_events::EventKind;
use std::collections::HashMap;
use std::sync::Arc;

/// An output binding of a function (`#[socketio_output(hub = "...", connection = "...")]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputBinding {
    /// The argument's name: the binding's `name` in a Functions `function.json`.
    pub name: &'static str,
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
    /// The names of the event's arguments the function binds, in order (a Functions
    /// `socketiotrigger`'s `parameterNames`); empty when it binds none by name.
    pub parameters: &'static [&'static str],
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
            parameters: &[],
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
    /// Adds a resolved function to the table; a second function for the same (hub, namespace,
    /// event) is an error naming both.
    pub(crate) fn insert(&mut self, function: ResolvedFunction) -> Result<(), Error> {
        let bucket = self.routes[usize::from(function.kind.is_system())]
            .entry(folded(&function.event).into_owned())
            .or_default();
        if let Some(&existing) = bucket.iter().find(|&&i| {
            let other = &self.functions[i];
            same_name(&other.hub, &function.hub) && same_name(&other.namespace, &function.namespace)
        }) {
            return Err(Error::DuplicateFunction {
                first: self.functions[existing].descriptor.name,
                second: function.descriptor.name,
                hub: function.hub,
                namespace: function.namespace,
                event: function.event,
            });
        }
        bucket.push(self.functions.len());
        self.functions.push(function);
        Ok(())
    }

    /// The connections named by functions' `connection`: besides the default one, whose hosts may
    /// call the webhook.
    pub(crate) fn callers(&self) -> Vec<&'static str> {
        self.functions
            .iter()
            .filter_map(|f| f.descriptor.connection)
            .collect()
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
