//! Talking to the service: the REST client and its credentials, typed errors, and the handle that
//! sends actions.

mod client;
mod credential;
mod error;
mod handle;

pub use client::{Credential, ENTRA_SCOPE, RetryPolicy, ServiceClient};
pub use credential::{
    CredentialError, CredentialKind, ENVIRONMENT_CERTIFICATE_ENV, ENVIRONMENT_SECRET_ENV,
    MANAGED_IDENTITY_ENV, UserAssigned, WORKLOAD_IDENTITY_ENV, credential_kind, entra_credential,
};
pub use error::{SendError, ServiceError};
pub(crate) use handle::HandleBinder;
pub use handle::{BatchError, OutputTarget, ServiceHandle};
