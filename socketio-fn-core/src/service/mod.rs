//! Talking to the service: the REST client, managed identity tokens, negotiation, and the executor that
//! runs output actions.

mod client;
mod executor;
mod identity;
mod negotiation;

pub use client::{RetryPolicy, ServiceClient};
pub use executor::{ActionExecutor, OutputTarget, ServiceExecutor};
pub use identity::{IdentityError, ManagedIdentity, RESOURCE};
pub use negotiation::{SocketIoNegotiationResult, generate_token_request, negotiate};
