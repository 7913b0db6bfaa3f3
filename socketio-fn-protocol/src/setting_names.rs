//! Names (and defaults) of the settings read by the runtime, the facade and the emulator's program, in
//! one place. Names are case-insensitive; in the environment `__` stands for `:`.

/// The default connection: a connection string (key-based) or `<name>__endpoint` and friends
/// (identity-based).
pub const CONNECTION: &str = "WebPubSubForSocketIOConnectionString";
/// The hub used by functions that name none.
pub const HUB: &str = "WebPubSubForSocketIOHub";
/// The REST `api-version` the runtime sends.
pub const API_VERSION: &str = "WebPubSubForSocketIOApiVersion";
/// The REST `api-version` sent by default (the one the reference extension's SDK sends and the
/// service's docs use).
pub const DEFAULT_API_VERSION: &str = "2024-01-01";
/// Origins allowed to call the negotiation endpoints from a browser (`*` or a comma separated list),
/// as `Host.CORS` in `local.settings.json`.
pub const CORS: &str = "Host:CORS";

/// The app's listen address.
pub const ADDRESS: &str = "SOCKETIO_FN_ADDR";
/// The app's default listen address: the Functions host's local port.
pub const DEFAULT_ADDRESS: &str = "127.0.0.1:7071";

/// The emulator's listen address (embedded or standalone).
pub const EMULATOR_ADDRESS: &str = "SOCKETIO_FN_EMULATOR_ADDR";
/// The emulator's default listen address.
pub const DEFAULT_EMULATOR_ADDRESS: &str = "127.0.0.1:7072";
/// The standalone emulator's upstream: the app's webhook URL.
pub const EMULATOR_UPSTREAM: &str = "SOCKETIO_FN_EMULATOR_UPSTREAM";
/// The standalone emulator's default upstream: an app on the Functions host's local port.
pub const DEFAULT_EMULATOR_UPSTREAM: &str = "http://127.0.0.1:7071/runtime/webhooks/socketio";
/// The URL clients and the app reach the standalone emulator at, when it differs from its listen
/// address (a container listening on `0.0.0.0`).
pub const EMULATOR_ENDPOINT: &str = "SOCKETIO_FN_EMULATOR_ENDPOINT";
/// The emulator's Engine.IO ping interval in milliseconds (default 25 000).
pub const EMULATOR_PING_INTERVAL_MS: &str = "SOCKETIO_FN_EMULATOR_PING_INTERVAL_MS";
/// The emulator's Engine.IO ping timeout in milliseconds (default 20 000).
pub const EMULATOR_PING_TIMEOUT_MS: &str = "SOCKETIO_FN_EMULATOR_PING_TIMEOUT_MS";
/// The namespaces the emulator accepts, comma-separated (default: any).
pub const EMULATOR_NAMESPACES: &str = "SOCKETIO_FN_EMULATOR_NAMESPACES";
/// The standalone emulator's access key (random when unset).
pub const EMULATOR_KEY: &str = "SOCKETIO_FN_EMULATOR_KEY";
/// `on` or `off` (default): the emulator serves the Socket.IO Admin UI on namespace `/admin` of each
/// hub (a development tool; docs/emulator.md).
pub const EMULATOR_ADMIN: &str = "SOCKETIO_FN_EMULATOR_ADMIN";
/// The Admin UI's user name; with [`EMULATOR_ADMIN_PASSWORD`], the UI may connect from anywhere.
pub const EMULATOR_ADMIN_USER: &str = "SOCKETIO_FN_EMULATOR_ADMIN_USER";
/// The Admin UI's password (at least [`MIN_ADMIN_PASSWORD_CHARS`] characters).
pub const EMULATOR_ADMIN_PASSWORD: &str = "SOCKETIO_FN_EMULATOR_ADMIN_PASSWORD";
/// The shortest Admin UI password accepted.
pub const MIN_ADMIN_PASSWORD_CHARS: usize = 12;
/// How the embedded emulator calls the app's webhook: one of [`EMULATOR_TRANSPORTS`].
pub const EMULATOR_TRANSPORT: &str = "SOCKETIO_FN_EMULATOR_TRANSPORT";
/// The values of [`EMULATOR_TRANSPORT`]: `in-process` (the default: each call handed to the app's
/// router in the same process, no socket) or `http` (over loopback, as the service calls).
pub const EMULATOR_TRANSPORTS: [&str; 2] = ["in-process", "http"];

/// `on` or `off`: start the embedded emulator (local mode) or never start it, overriding the decision
/// from the environment (see the table of modes in `docs/settings.md`).
pub const EMULATOR: &str = "SOCKETIO_FN_EMULATOR";
/// The shortest webhook code or emulator key accepted from the settings.
pub const MIN_SECRET_CHARS: usize = 32;
/// The log formats `SOCKETIO_FN_LOG_FORMAT` takes.
pub const LOG_FORMATS: [&str; 2] = ["text", "json"];
/// A code every webhook request must carry as `?code=` or `x-functions-key`.
pub const WEBHOOK_CODE: &str = "SOCKETIO_FN_WEBHOOK_CODE";
/// The path the app serves its webhook at (default `/runtime/webhooks/socketio`, or `/api/socketio`
/// under the Azure Functions host); the embedded emulator calls the same path.
pub const WEBHOOK_PATH: &str = "SOCKETIO_FN_WEBHOOK_PATH";
/// `none`: explicitly run the webhook with no authentication (identity-based connections without a
/// code or Entra validation).
pub const WEBHOOK_AUTH: &str = "SOCKETIO_FN_WEBHOOK_AUTH";
/// The tenant whose Microsoft Entra tokens the webhook accepts (the service's upstream auth).
pub const WEBHOOK_ENTRA_TENANT: &str = "SOCKETIO_FN_WEBHOOK_ENTRA_TENANT";
/// The resource (App ID URI) the service requests Entra tokens for: the tokens' audience.
pub const WEBHOOK_ENTRA_AUDIENCE: &str = "SOCKETIO_FN_WEBHOOK_ENTRA_AUDIENCE";
/// The Entra authority host (default `https://login.microsoftonline.com`).
pub const WEBHOOK_ENTRA_AUTHORITY: &str = "SOCKETIO_FN_WEBHOOK_ENTRA_AUTHORITY";
/// `json` for JSON log lines; anything else (or unset) for text, coloured only on a terminal.
pub const LOG_FORMAT: &str = "SOCKETIO_FN_LOG_FORMAT";
/// Print the app's contract instead of serving (`typescript` or `asyncapi`), as `cargo socketio-fn
/// types` and `asyncapi` run it.
pub const CONTRACT: &str = "SOCKETIO_FN_CONTRACT";
/// The hub whose contract is printed (default: the app's only hub).
pub const CONTRACT_HUB: &str = "SOCKETIO_FN_CONTRACT_HUB";
/// The namespace whose contract is printed (default `/`).
pub const CONTRACT_NAMESPACE: &str = "SOCKETIO_FN_CONTRACT_NAMESPACE";
/// The file the contract is written to (default: standard output).
pub const CONTRACT_OUT: &str = "SOCKETIO_FN_CONTRACT_OUT";
/// `on`: the app runs under the Azure Functions host in bindings mode (each function a binding of its
/// own: `cargo socketio-fn functions --bindings`), serving the host's invocations instead of a
/// webhook. The package's `host.json` passes [`FUNCTIONS_BINDINGS_ARGUMENT`], which `run()` turns
/// into this setting.
pub const FUNCTIONS_BINDINGS: &str = "SOCKETIO_FN_FUNCTIONS_BINDINGS";
/// The command-line argument that `host.json` gives the app in bindings mode.
pub const FUNCTIONS_BINDINGS_ARGUMENT: &str = "--socketio-fn-bindings";
/// A file to write the app's functions to as `function.json`s (a JSON object by function name),
/// instead of serving, as `cargo socketio-fn functions --bindings` runs the app.
pub const FUNCTIONS_MANIFEST: &str = "SOCKETIO_FN_FUNCTIONS_MANIFEST";
/// Seconds in-flight invocations get to finish after SIGTERM or Ctrl-C (default 25).
pub const SHUTDOWN_GRACE_SECS: &str = "SOCKETIO_FN_SHUTDOWN_GRACE_SECS";
/// Connections the app (or emulator) serves at once (default 1024).
pub const MAX_CONNECTIONS: &str = "SOCKETIO_FN_MAX_CONNECTIONS";
/// Seconds for a request's headers to arrive, and for an idle keep-alive connection (default 30).
pub const HEADER_TIMEOUT_SECS: &str = "SOCKETIO_FN_HEADER_TIMEOUT_SECS";
/// Seconds to read a request body (default 30).
pub const BODY_TIMEOUT_SECS: &str = "SOCKETIO_FN_BODY_TIMEOUT_SECS";
/// Seconds one REST call to the service may take, its token included (default 10); a whole call with
/// its retries is bounded by `timeout × 4 + 30 s`.
pub const SERVICE_TIMEOUT_SECS: &str = "SOCKETIO_FN_SERVICE_TIMEOUT_SECS";
/// The largest webhook body accepted, in bytes (default 1 MiB).
pub const MAX_BODY_BYTES: &str = "SOCKETIO_FN_MAX_BODY_BYTES";
/// The port Azure Functions gives a custom handler; the app then listens on `127.0.0.1:<port>` and
/// serves its webhook at `/api/socketio`.
pub const FUNCTIONS_CUSTOMHANDLER_PORT: &str = "FUNCTIONS_CUSTOMHANDLER_PORT";
/// The port container platforms give an app; the app then listens on `0.0.0.0:<port>`.
pub const PORT: &str = "PORT";
/// Variables whose presence means the app runs on a hosting platform (App Service / Functions,
/// Container Apps, a custom handler, Kubernetes): the emulator is then never started by default.
pub const HOSTING_PLATFORM: [&str; 4] = [
    "WEBSITE_INSTANCE_ID",
    "CONTAINER_APP_NAME",
    FUNCTIONS_CUSTOMHANDLER_PORT,
    "KUBERNETES_SERVICE_HOST",
];
