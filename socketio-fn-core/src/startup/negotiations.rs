//! Step 3 for negotiation functions: each one's hub, `user_id` settings, connection client and state
//! resolved; two functions on one route are an error.

use super::Resolver;
use crate::error::{BindingError, Error};
use crate::negotiation::{NegotiationDescriptor, ResolvedNegotiation, UserIdTemplate};
use crate::settings::SettingsError;
use std::sync::Arc;

/// Resolves the negotiation functions (sorted by name).
pub(crate) fn negotiations(
    mut descriptors: Vec<NegotiationDescriptor>,
    resolver: &Resolver<'_>,
) -> Result<Vec<Arc<ResolvedNegotiation>>, Error> {
    descriptors.sort_by(|a, b| a.name.cmp(b.name));
    let mut resolved: Vec<Arc<ResolvedNegotiation>> = Vec::new();
    for descriptor in descriptors {
        if let Some(other) = resolved
            .iter()
            .find(|r| r.descriptor.route.eq_ignore_ascii_case(descriptor.route))
        {
            return Err(Error::DuplicateRoute {
                first: other.descriptor.name,
                second: descriptor.name,
                route: descriptor.route,
            });
        }
        let negotiation =
            resolve(descriptor, resolver).map_err(|reason| Error::InvalidFunction {
                function: descriptor.name,
                reason,
            })?;
        resolved.push(Arc::new(negotiation));
    }
    Ok(resolved)
}

fn resolve(
    descriptor: NegotiationDescriptor,
    resolver: &Resolver<'_>,
) -> Result<ResolvedNegotiation, BindingError> {
    resolver.check_requirements(descriptor.requires)?;
    let user_id = match descriptor.user_id {
        None => None,
        Some(parts) => Some(UserIdTemplate::resolve(parts, |name| {
            resolver
                .settings
                .get(name)
                .map(str::to_owned)
                .ok_or_else(|| SettingsError::Unresolved(format!("%{name}%")))
        })?),
    };
    Ok(ResolvedNegotiation {
        descriptor,
        hub: resolver.hub(descriptor.hub)?,
        user_id,
        client: resolver.client(descriptor.connection)?,
    })
}
