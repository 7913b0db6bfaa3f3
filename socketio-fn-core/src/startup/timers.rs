//! Step 3 for timer functions: each one's schedule (`%Setting%` allowed, parsed here), state types,
//! service handle and outputs resolved. The hub is resolved only when an output or a handle needs it.

use super::Resolver;
use crate::error::{BindingError, Error};
use crate::timer::{ResolvedTimer, TimerDescriptor};
use socketio_fn_schedule::Schedule;
use std::sync::Arc;

/// Resolves the timers (sorted by name).
pub(crate) fn timers(
    mut descriptors: Vec<TimerDescriptor>,
    resolver: &Resolver<'_>,
) -> Result<Vec<Arc<ResolvedTimer>>, Error> {
    descriptors.sort_by(|a, b| a.name.cmp(b.name));
    descriptors
        .into_iter()
        .map(|descriptor| {
            resolve(descriptor, resolver)
                .map(Arc::new)
                .map_err(|reason| Error::InvalidFunction {
                    function: descriptor.name,
                    reason,
                })
        })
        .collect()
}

fn resolve(
    descriptor: TimerDescriptor,
    resolver: &Resolver<'_>,
) -> Result<ResolvedTimer, BindingError> {
    let schedule = resolver.text("schedule", descriptor.schedule)?;
    let schedule = Schedule::parse(&schedule).map_err(|e| BindingError::InvalidSchedule {
        schedule: schedule.clone(),
        reason: e.to_string(),
    })?;
    let requirements = resolver.check_requirements(descriptor.requires)?;
    let outputs = descriptor
        .outputs
        .iter()
        .map(|output| {
            let hub = resolver.hub(output.hub.or(descriptor.hub))?;
            resolver.handle(hub, output.connection)
        })
        .collect::<Result<Vec<_>, BindingError>>()?;
    let handle = if requirements.needs_service_handle() {
        let hub = resolver.hub(descriptor.hub)?;
        Some(resolver.handle(hub, descriptor.connection)?)
    } else {
        None
    };
    Ok(ResolvedTimer {
        descriptor,
        schedule,
        outputs: outputs.into(),
        handle,
    })
}
