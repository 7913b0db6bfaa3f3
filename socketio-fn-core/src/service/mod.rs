//! Talking to the service: the REST client and its credentials, typed errors, and the handle and executor
//! that send actions.

mod client;
mod credential;
mod error;
mod handle;

pub use client::{Credential, ENTRA_SCOPE, RetryPolicy, ServiceClient};
pub use credential::{
    CredentialError, CredentialKind, UserAssigned, WORKLOAD_IDENTITY_ENV, credential_kind,
    entra_credential,
};
pub use error::{SendError, ServiceError};
pub use handle::{
    ActionExecutor, BatchError, OutputTarget, SendFuture, ServiceClients, ServiceHandle,
};
