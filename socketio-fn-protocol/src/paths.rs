//! URL paths of the service: where clients connect and where the REST API lives, and the escaping of
//! path segments and query values.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Prefix of the client (Engine.IO) path; the hub name follows.
pub const CLIENT_PATH_PREFIX: &str = "/clients/socketio/hubs/";

/// The namespace on which the emulator serves the Socket.IO Admin UI (on each hub's client path),
/// the UI's default.
pub const ADMIN_UI_NAMESPACE: &str = "/admin";
/// The Azure Functions package's HTTP function that serves the app's own routes (a folder of that
/// name, route `{*path}`); in bindings mode the host invokes it at `/<name>` like any function.
pub const FUNCTIONS_ROUTES_FUNCTION: &str = "app";
/// Prefix of the REST API of a hub; the (escaped) hub name follows.
pub const REST_HUB_PREFIX: &str = "/api/hubs/";

/// The client path of `hub` (inserted verbatim, as the reference does): `/clients/socketio/hubs/<hub>`.
///
/// ```
/// assert_eq!(socketio_fn::protocol::paths::client_path("chat"), "/clients/socketio/hubs/chat");
/// ```
pub fn client_path(hub: &str) -> String {
    format!("{CLIENT_PATH_PREFIX}{hub}")
}

/// The audience of a client token: the endpoint (no trailing slash) followed by [`client_path`].
///
/// ```
/// assert_eq!(
///     socketio_fn::protocol::paths::client_audience("https://abc.com/", "hub"),
///     "https://abc.com/clients/socketio/hubs/hub"
/// );
/// ```
pub fn client_audience(endpoint: &str, hub: &str) -> String {
    format!("{}{}", endpoint.trim_end_matches('/'), client_path(hub))
}

/// The response header carrying the service's error code (`x-ms-error-code`).
pub const ERROR_CODE_HEADER: &str = "x-ms-error-code";
/// The query parameter of every REST call's API version.
pub const API_VERSION_QUERY: &str = "api-version";
/// The query parameter of an OData filter.
pub const FILTER_QUERY: &str = "filter";

/// The query parameters of `:generateToken`.
pub mod generate_token {
    /// The operation's path segment, after the hub.
    pub const OPERATION: &str = ":generateToken";
    /// The token's user id (`sub`).
    pub const USER_ID: &str = "userId";
    /// The token's lifetime in minutes.
    pub const MINUTES_TO_EXPIRE: &str = "minutesToExpire";
    /// A role of the token (repeated).
    pub const ROLE: &str = "role";
    /// A group the connection joins (repeated).
    pub const GROUP: &str = "group";
}

/// The hub-name rule of [`is_valid_hub`] in words, for error messages.
pub const HUB_NAME_RULE: &str = "a hub name starts with a letter and has at most 128 characters: \
     letters, digits and `_`, `` ` ``, `,`, `.`, `[`, `]`";

/// Whether `hub` is a valid hub name for the REST API: ``^[A-Za-z][A-Za-z0-9_`,.[\]]{0,127}$``
/// ([`HUB_NAME_RULE`]).
///
/// ```
/// use socketio_fn::protocol::paths::is_valid_hub;
/// assert!(is_valid_hub("chat_1"));
/// assert!(!is_valid_hub("1chat") && !is_valid_hub("") && !is_valid_hub("a/b") && !is_valid_hub(&"a".repeat(129)));
/// ```
pub fn is_valid_hub(hub: &str) -> bool {
    let mut bytes = hub.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && hub.len() <= 128
        && bytes.all(|b| b.is_ascii_alphanumeric() || b"_`,.[]".contains(&b))
}

/// RFC 3986 unreserved characters stay, everything else is percent-encoded (.NET `Uri.EscapeDataString`).
const ESCAPE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Escapes a path segment or query value as the Azure SDK does (spec 5.4).
///
/// ```
/// assert_eq!(socketio_fn::protocol::paths::escape_component("'a' in (b)"), "%27a%27%20in%20%28b%29");
/// ```
pub fn escape_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

/// Appends `text` to `out`, escaped as [`escape_component`] does (no allocation of its own: the
/// output path builds each URL in one buffer).
///
/// ```
/// let mut url = String::from("/users/");
/// socketio_fn::protocol::paths::push_escaped(&mut url, "a b");
/// assert_eq!(url, "/users/a%20b");
/// ```
pub fn push_escaped(out: &mut String, text: &str) {
    out.extend(utf8_percent_encode(text, ESCAPE));
}

/// Decodes one percent-encoded path segment, exactly once (`%252F` stays `%2F`); `None` when the
/// result is not UTF-8.
///
/// ```
/// use socketio_fn::protocol::paths::decode_component;
/// assert_eq!(decode_component("a%2Fb").as_deref(), Some("a/b"));
/// assert_eq!(decode_component("a%252Fb").as_deref(), Some("a%2Fb"));
/// assert_eq!(decode_component("a+b").as_deref(), Some("a+b"));
/// ```
pub fn decode_component(segment: &str) -> Option<String> {
    percent_decode_str(segment)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}
