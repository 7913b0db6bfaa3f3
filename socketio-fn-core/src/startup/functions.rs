//! Step 3 for trigger functions: each descriptor's hub, namespace, event, connection, state types,
//! service handle and outputs resolved, then the routing table built from them (sorted by name, so
//! the same app always reports the same function first).

use super::Resolver;
use crate::error::{BindingError, Error};
use crate::registry::{CATCH_ALL, FunctionDescriptor, Registry, ResolvedFunction};
use socketio_fn_protocol::cloud_events::EventKind;

/// Resolves every descriptor and builds the routing table. Fails, naming the function, on an
/// unresolvable hub, namespace, event, output or state, and on two functions for one
/// (hub, namespace, event).
pub(crate) fn registry(
    mut descriptors: Vec<FunctionDescriptor>,
    resolver: &Resolver<'_>,
) -> Result<Registry, Error> {
    descriptors.sort_by(|a, b| a.name.cmp(b.name));
    let mut registry = Registry::default();
    for descriptor in descriptors {
        let function = resolve(descriptor, resolver).map_err(|reason| Error::InvalidFunction {
            function: descriptor.name,
            reason,
        })?;
        registry.insert(function)?;
    }
    if registry.functions().is_empty() {
        tracing::warn!(
            "no socketio-fn functions found: annotate async fns with #[socketio_trigger], and make sure \
             the modules that hold them are linked into this binary"
        );
    }
    Ok(registry)
}

fn resolve(
    descriptor: FunctionDescriptor,
    resolver: &Resolver<'_>,
) -> Result<ResolvedFunction, BindingError> {
    let hub = resolver.hub(descriptor.hub)?;
    let namespace = resolver.namespace(descriptor.namespace)?;
    let event = event(descriptor.event, resolver)?;
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
        kind: EventKind::for_event_name(descriptor.event),
        event,
        outputs: outputs.into(),
        handle,
    })
}

/// The event a function handles (`%Setting%` allowed for user events), which must stay the kind of
/// event it was written as: a setting turns a user event neither into a system event nor into the
/// catch-all.
fn event(expression: &'static str, resolver: &Resolver<'_>) -> Result<String, BindingError> {
    let event = resolver.text("event", expression)?;
    if EventKind::for_event_name(expression) != EventKind::for_event_name(&event) {
        // A `%Setting%` event is a user event at compile time; it must stay one.
        return Err(BindingError::SystemEventFromSetting {
            expression,
            value: event,
        });
    }
    if event == CATCH_ALL && expression != CATCH_ALL {
        // A setting must not turn a function into the catch-all without a word.
        return Err(BindingError::CatchAllFromSetting { expression });
    }
    Ok(event)
}
