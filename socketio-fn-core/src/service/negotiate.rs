//! The negotiation result: the service URL and access token a client connects with (spec 2).

use super::{Credential, ServiceClient, ServiceError};
use crate::actions::RestRequest;
use serde::{Deserialize, Serialize};
use socketio_fn_protocol::AccessKey;
use socketio_fn_protocol::paths::{
    API_VERSION_QUERY, REST_HUB_PREFIX, client_audience, client_path, escape_component,
};
use socketio_fn_protocol::token::{
    CLIENT_TOKEN_LIFETIME_SECS, TokenClaims, TokenError, sign, unix_now,
};

/// Where and with which token a client connects. Serialized as
/// `{"endpoint":...,"path":...,"token":...,"url":...}`: the first three as the reference writes them,
/// plus the full `url` the service's docs show.
///
/// A Socket.IO client connects with `io(endpoint, { path, query: { access_token: token } })`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocketIoNegotiationResult {
    /// `scheme://host[:port]`, no trailing slash.
    pub endpoint: String,
    /// `/clients/socketio/hubs/<hub>`.
    pub path: String,
    /// The access token.
    pub token: String,
    /// `<endpoint><path>?access_token=<token>`.
    pub url: String,
}

impl std::fmt::Debug for SocketIoNegotiationResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token is a credential: never in logs.
        f.debug_struct("SocketIoNegotiationResult")
            .field("endpoint", &self.endpoint)
            .field("path", &self.path)
            .field("token", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl SocketIoNegotiationResult {
    fn new(endpoint: String, hub: &str, token: String) -> Self {
        Self::from_parts(endpoint, client_path(hub), token)
    }

    /// A result from its endpoint (no trailing slash), client path and token, as the Functions host's
    /// `socketionegotiation` input gives them; the URL is made from them.
    pub(crate) fn from_parts(endpoint: String, path: String, token: String) -> Self {
        let url = format!("{endpoint}{path}?access_token={token}");
        Self {
            endpoint,
            path,
            token,
            url,
        }
    }

    /// A key-based result at time `now` (Unix seconds): HS256 token, `aud` = client URL, 1 hour, `sub` =
    /// user id when given.
    ///
    /// ```
    /// use socketio_fn::SocketIoNegotiationResult;
    /// use socketio_fn::protocol::AccessKey;
    /// let r = SocketIoNegotiationResult::with_key("http://localhost:8080", &AccessKey::new("k"), "hub", Some("alice"), 0).unwrap();
    /// assert_eq!(r.endpoint, "http://localhost:8080");
    /// assert!(r.url.starts_with("http://localhost:8080/clients/socketio/hubs/hub?access_token=ey"));
    /// ```
    pub fn with_key(
        endpoint: &str,
        key: &AccessKey,
        hub: &str,
        user_id: Option<&str>,
        now: u64,
    ) -> Result<Self, TokenError> {
        let endpoint = endpoint.trim_end_matches('/').to_owned();
        let claims = TokenClaims::new(
            client_audience(&endpoint, hub),
            now,
            CLIENT_TOKEN_LIFETIME_SECS,
            user_id.map(str::to_owned),
        );
        let token = sign(&claims, key)?;
        Ok(Self::new(endpoint, hub, token))
    }
}

/// Negotiates for `hub`: signs a token with the access key, or asks the service (`:generateToken`) for
/// identity-based connections.
pub async fn negotiate(
    client: &ServiceClient,
    hub: &str,
    user_id: Option<&str>,
) -> Result<SocketIoNegotiationResult, ServiceError> {
    const OPERATION: &str = "generateToken";
    match client.credential() {
        Credential::Key(key) => {
            SocketIoNegotiationResult::with_key(client.base(), key, hub, user_id, unix_now())
                .map_err(|e| ServiceError::Auth {
                    operation: OPERATION,
                    source: Box::new(e),
                })
        }
        Credential::Entra(_) => {
            let request = generate_token_request(hub, user_id, client.api_version_in_use());
            let body = client.call(OPERATION, request).await?;
            #[derive(Deserialize)]
            struct TokenReply {
                token: String,
            }
            let TokenReply { token } =
                serde_json::from_str(&body).map_err(|e| ServiceError::InvalidReply {
                    operation: OPERATION,
                    source: Box::new(e),
                })?;
            Ok(SocketIoNegotiationResult::new(
                client.base().to_owned(),
                hub,
                token,
            ))
        }
    }
}

/// `POST /api/hubs/<hub>/:generateToken?userId=<uid>&minutesToExpire=59&api-version=<v>`.
pub fn generate_token_request(hub: &str, user_id: Option<&str>, api_version: &str) -> RestRequest {
    use socketio_fn_protocol::paths::generate_token::{MINUTES_TO_EXPIRE, OPERATION, USER_ID};
    let esc = escape_component;
    let mut query = String::new();
    if let Some(uid) = user_id.filter(|u| !u.is_empty()) {
        query.push_str(&format!("{USER_ID}={}&", esc(uid)));
    }
    RestRequest {
        method: "POST",
        path_and_query: format!(
            "{REST_HUB_PREFIX}{}/{OPERATION}?{query}{MINUTES_TO_EXPIRE}=59&{API_VERSION_QUERY}={}",
            esc(hub),
            esc(api_version)
        ),
        content_type: "application/json",
        body: String::new(),
    }
}
