//! Talking to the service: the REST client and its credentials, typed errors, and the handle that
//! sends actions, queries rooms, sockets and users, and emits with acks.

mod acks;
mod client;
mod credential;
mod error;
mod handle;
mod negotiate;
mod queries;
mod reply;
mod token_cache;

pub use acks::{AckRequest, AckStream, AnswerError, MAX_ACKS};
pub use client::{Credential, ENTRA_SCOPE, RetryPolicy, ServiceClient};
pub use credential::{
    CredentialKind, ENVIRONMENT_CERTIFICATE_ENV, ENVIRONMENT_SECRET_ENV, MANAGED_IDENTITY_ENV,
    UserAssigned, WORKLOAD_IDENTITY_ENV, credential_kind, entra_credential,
};
pub use error::{QueryError, SendError, ServiceError};
pub(crate) use handle::HandleBinder;
pub use handle::{BatchError, OutputTarget, ServiceHandle};
pub use negotiate::{SocketIoNegotiationResult, generate_token_request, negotiate};
pub use queries::{MAX_ROOM_MEMBERS, MAX_ROOM_PAGES, RoomMember};
pub use reply::MAX_REPLY_BYTES;
