//! URL paths of the service: where clients connect and where the REST API lives.

/// Prefix of the client (Engine.IO) path; the hub name follows.
pub const CLIENT_PATH_PREFIX: &str = "/clients/socketio/hubs/";
/// Prefix of the REST API of a hub; the (escaped) hub name follows.
pub const REST_HUB_PREFIX: &str = "/api/hubs/";

/// The client path of `hub` (inserted verbatim, as the reference does): `/clients/socketio/hubs/<hub>`.
///
/// ```
/// assert_eq!(socketio_fn_core::protocol::paths::client_path("chat"), "/clients/socketio/hubs/chat");
/// ```
pub fn client_path(hub: &str) -> String {
    format!("{CLIENT_PATH_PREFIX}{hub}")
}

/// The audience of a client token: the endpoint (no trailing slash) followed by [`client_path`].
pub fn client_audience(endpoint: &str, hub: &str) -> String {
    format!("{}{}", endpoint.trim_end_matches('/'), client_path(hub))
}
