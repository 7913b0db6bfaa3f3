//! Builder handles (`AppBuilder::service`): resolved with the other names in step 3, bound last (step
//! 6), so that only a fully built app's handles send.

use super::Resolver;
use crate::error::Error;
use crate::service::{HandleBinder, ServiceHandle};

/// A handle taken from the builder, bound when the app is built.
#[derive(Debug)]
pub(crate) struct PendingHandle {
    pub(crate) hub: String,
    pub(crate) connection: Option<String>,
    pub(crate) binder: HandleBinder,
}

/// Resolves each builder handle (not bound yet: that is the last step).
pub(crate) fn resolve_handles(
    handles: &[PendingHandle],
    resolver: &Resolver<'_>,
) -> Result<Vec<ServiceHandle>, Error> {
    handles
        .iter()
        .map(|h| resolver.handle_for(&h.hub, h.connection.as_deref()))
        .collect()
}

/// Binds each builder handle to what it resolved to: its sends go out from now on.
pub(crate) fn bind_handles(handles: Vec<PendingHandle>, resolved: &[ServiceHandle]) {
    for (pending, resolved) in handles.into_iter().zip(resolved) {
        pending.binder.bind(resolved);
    }
}
