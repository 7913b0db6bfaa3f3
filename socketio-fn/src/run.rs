//! Running an app: settings, the embedded emulator when no service is configured, and the server.

use socketio_fn_core::app::{ADDRESS_SETTING, DEFAULT_ADDRESS, init_tracing};
use socketio_fn_core::settings::DEFAULT_CONNECTION_SETTING;
use socketio_fn_core::{App, AppBuilder, Error, Settings};

/// Setting holding the embedded emulator's listen address (default `127.0.0.1:7072`).
pub const EMULATOR_ADDRESS_SETTING: &str = "SOCKETIO_FN_EMULATOR_ADDR";

/// Runs every `#[socketio_trigger]` and `#[socketio_negotiation]` function of this program until Ctrl-C.
///
/// Settings come from `local.settings.json` and the environment. Without a
/// `WebPubSubForSocketIOConnectionString` (key or identity based), the local emulator of the service is
/// started in-process (feature `emulator`, on by default): it prints its URL and key, and the app uses it
/// for signatures, negotiation and output actions, so real Socket.IO clients work with no cloud account.
pub async fn run() -> Result<(), Error> {
    run_with(|app| app).await
}

/// Like [`run`], with a chance to customise the app (extra routes, more functions) before it starts.
///
/// ```no_run
/// # async fn demo() -> Result<(), socketio_fn::Error> {
/// socketio_fn::run_with(|app| app.routes(axum::Router::new().route("/health", axum::routing::get(|| async { "ok" })))).await
/// # }
/// ```
pub async fn run_with(customise: impl FnOnce(AppBuilder) -> AppBuilder) -> Result<(), Error> {
    init_tracing();
    let mut settings = Settings::load()?;
    let emulator = start_emulator_if_needed(&mut settings).await?;
    let app: App = customise(App::builder().settings(settings).registered_functions()).build()?;
    let result = app.serve().await;
    if let Some(emulator) = emulator {
        stop(emulator).await;
    }
    result
}

#[cfg(feature = "emulator")]
type Emulator = socketio_fn_emulator::Emulator;
#[cfg(not(feature = "emulator"))]
type Emulator = std::convert::Infallible;

#[cfg(feature = "emulator")]
async fn stop(emulator: Emulator) {
    emulator.stop().await;
}
#[cfg(not(feature = "emulator"))]
async fn stop(emulator: Emulator) {
    match emulator {}
}

#[cfg(feature = "emulator")]
async fn start_emulator_if_needed(settings: &mut Settings) -> Result<Option<Emulator>, Error> {
    use socketio_fn_emulator::EmulatorConfig;
    if settings.has_connection(DEFAULT_CONNECTION_SETTING) {
        return Ok(None);
    }
    let parse = |name: &str, default: &str| {
        let value = settings.get(name).unwrap_or(default).to_owned();
        value
            .parse::<std::net::SocketAddr>()
            .map_err(|e| Error::InvalidAddress {
                value,
                reason: e.to_string(),
            })
    };
    let app_address = parse(ADDRESS_SETTING, DEFAULT_ADDRESS)?;
    let address = parse(EMULATOR_ADDRESS_SETTING, "127.0.0.1:7072")?;
    let emulator = Emulator::start(EmulatorConfig {
        address,
        upstream: Some(format!(
            "http://{app_address}{}",
            socketio_fn_core::protocol::cloud_events::WEBHOOK_PATH
        )),
        ..EmulatorConfig::default()
    })
    .await
    .map_err(|source| Error::Bind { address, source })?;
    tracing::info!(
        "no `{DEFAULT_CONNECTION_SETTING}` set: started the local Web PubSub for Socket.IO emulator at {} \
         (access key {}; local development only). Set `{DEFAULT_CONNECTION_SETTING}` to use a real service.",
        emulator.endpoint(),
        emulator.access_key()
    );
    settings.set(DEFAULT_CONNECTION_SETTING, emulator.connection_string());
    Ok(Some(emulator))
}

#[cfg(not(feature = "emulator"))]
async fn start_emulator_if_needed(_: &mut Settings) -> Result<Option<Emulator>, Error> {
    Ok(None)
}
