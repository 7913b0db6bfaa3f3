//! Running an app: logging, settings, the decision between local mode (the embedded emulator) and a
//! real service, and the server.

use socketio_fn_core::app::{init_tracing, listen_address, local_mode};
use socketio_fn_core::protocol::setting_names::CONNECTION;
use socketio_fn_core::{App, AppBuilder, Error, Settings};

/// Runs every `#[socketio_trigger]` and `#[socketio_negotiation]` function of this program until
/// SIGTERM or Ctrl-C.
///
/// Settings come from `local.settings.json` and the environment. With a
/// `WebPubSubForSocketIOConnectionString` (key or identity based) the app uses that service. Without
/// one, the local emulator of the service starts in-process (feature `emulator`, on by default) — but
/// only on a laptop: not on a hosting platform and only when listening on a loopback address
/// (`SOCKETIO_FN_EMULATOR=on|off` overrides); elsewhere a missing connection is an error. One start-up
/// line says the mode and what authenticates the webhook.
pub async fn run() -> Result<(), Error> {
    run_with(|app| app).await
}

/// Like [`run`], with a chance to customise the app before it starts: extra routes, shared state,
/// service handles for background tasks and HTTP routes.
///
/// ```no_run
/// # async fn demo() -> Result<(), socketio_fn::Error> {
/// use socketio_fn::SocketIoAction;
/// socketio_fn::run_with(|mut app| {
///     let chat = app.service("chat");
///     tokio::spawn(async move {
///         let _ = chat.send(SocketIoAction::send_to_namespace("hello", ())).await;
///     });
///     app.routes(axum::Router::new().route("/ping", axum::routing::get(|| async { "pong" })))
/// })
/// .await
/// # }
/// ```
pub async fn run_with(customise: impl FnOnce(AppBuilder) -> AppBuilder) -> Result<(), Error> {
    // The body is compiled once, here, not again in every app that calls `run_with` (only this
    // wrapper is generic): less code to build and link on each change of the app.
    log_failure(run_boxed(Box::new(customise)).await)
}

async fn run_boxed(customise: Box<dyn FnOnce(AppBuilder) -> AppBuilder + '_>) -> Result<(), Error> {
    init_tracing();
    let mut settings = Settings::load()?;
    if let Some(format) = crate::contract::requested(&settings)? {
        return crate::contract::print(customise, settings, format);
    }
    if let Some(out) = crate::bindings::manifest_requested(&settings) {
        return crate::bindings::write_manifest(customise, &out);
    }
    crate::bindings::from_arguments(&mut settings);
    let mut builder = App::builder();
    let emulator = if local_mode(&settings, listen_address(&settings)?)? {
        let Started {
            emulator,
            connection_string,
            endpoint,
            in_process,
            admin,
        } = start_emulator(&settings).await?;
        settings.set(CONNECTION, connection_string);
        builder = builder.local_emulator(endpoint);
        if admin {
            builder = builder.local_admin_ui();
        }
        Some((emulator, in_process))
    } else {
        None
    };
    let built = customise(builder.settings(settings).registered_functions()).build();
    // In-flight calls to the app in process get the app's grace period when the emulator stops.
    let mut grace = None;
    let result = match built {
        Ok(app) => {
            grace = Some(app.grace_period());
            match &emulator {
                Some((emulator, true)) => match call_in_process(emulator, &app) {
                    Ok(()) => app.serve().await,
                    Err(e) => Err(e),
                },
                _ => app.serve().await,
            }
        }
        Err(e) => Err(e),
    };
    if let Some((emulator, _)) = emulator {
        stop(emulator, grace).await;
    }
    // Spans and metrics not yet exported go out before the process ends (within the grace period
    // the platform gives after SIGTERM).
    socketio_fn_core::telemetry::shutdown();
    result
}

/// Logs a start-up failure as a JSON record when JSON logs are asked for, so that a log pipeline
/// reading stdout sees why the app stopped (`main` still prints Rust's `Error: ...` on stderr).
fn log_failure(result: Result<(), Error>) -> Result<(), Error> {
    if let Err(e) = &result
        && socketio_fn_core::app::json_logs()
    {
        tracing::error!(error = %socketio_fn_core::protocol::error_chain(e), "start-up failed");
    }
    result
}

/// The embedded emulator, and what the app needs to talk to it.
struct Started {
    emulator: Emulator,
    connection_string: String,
    endpoint: String,
    /// Whether the emulator hands webhook calls to the app's router (`SOCKETIO_FN_EMULATOR_TRANSPORT`).
    in_process: bool,
    /// Whether the emulator serves the Admin UI.
    admin: bool,
}

#[cfg(feature = "emulator")]
type Emulator = socketio_fn_emulator::Emulator;

#[cfg(feature = "emulator")]
async fn start_emulator(settings: &Settings) -> Result<Started, Error> {
    use socketio_fn_core::protocol::setting_names::{
        DEFAULT_EMULATOR_ADDRESS, EMULATOR_ADDRESS, EMULATOR_KEY, EMULATOR_NAMESPACES,
        EMULATOR_PING_INTERVAL_MS, EMULATOR_PING_TIMEOUT_MS,
    };
    let in_process = in_process(settings)?;
    use socketio_fn_emulator::EmulatorConfig;
    let value = settings
        .get(EMULATOR_ADDRESS)
        .unwrap_or(DEFAULT_EMULATOR_ADDRESS)
        .to_owned();
    let address: std::net::SocketAddr =
        value
            .trim()
            .parse()
            .map_err(|e: std::net::AddrParseError| Error::InvalidSetting {
                name: EMULATOR_ADDRESS,
                value: value.clone(),
                reason: e.to_string(),
            })?;
    let app_address = listen_address(settings)?;
    // The app listens on 0.0.0.0 in containers; the emulator calls it on loopback.
    let upstream_host = if app_address.ip().is_unspecified() {
        std::net::SocketAddr::from(([127, 0, 0, 1], app_address.port()))
    } else {
        app_address
    };
    let access_key = settings.get(EMULATOR_KEY).map(str::to_owned);
    if access_key.as_deref().is_some_and(|k| {
        k.chars().count() < socketio_fn_core::protocol::setting_names::MIN_SECRET_CHARS
    }) {
        return Err(Error::WeakSecret {
            name: EMULATOR_KEY,
            min: socketio_fn_core::protocol::setting_names::MIN_SECRET_CHARS,
        });
    }
    let admin = crate::admin_ui::config(settings, address)?;
    let admin_on = admin.is_some();
    let emulator = Emulator::start(EmulatorConfig {
        address,
        admin,
        upstream: Some(format!(
            "http://{upstream_host}{}",
            socketio_fn_core::app::webhook_path(settings)?
        )),
        // A key you choose (to reach the embedded emulator with other tools); random otherwise. It is
        // never logged.
        access_key,
        ping_interval: millis(settings, EMULATOR_PING_INTERVAL_MS)?
            .unwrap_or(socketio_fn_emulator::DEFAULT_PING_INTERVAL),
        ping_timeout: millis(settings, EMULATOR_PING_TIMEOUT_MS)?
            .unwrap_or(socketio_fn_emulator::DEFAULT_PING_TIMEOUT),
        namespaces: settings.get(EMULATOR_NAMESPACES).map(|list| {
            list.split(',')
                .map(|ns| ns.trim().to_owned())
                .filter(|ns| !ns.is_empty())
                .collect()
        }),
        ..EmulatorConfig::default()
    })
    .await
    .map_err(|source| Error::Bind {
        address,
        setting: EMULATOR_ADDRESS,
        source,
    })?;
    // The app's mode line (its first log line) names the emulator's endpoint.
    tracing::debug!(endpoint = emulator.endpoint(), "embedded emulator started");
    Ok(Started {
        connection_string: emulator.connection_string(),
        endpoint: emulator.endpoint().to_owned(),
        emulator,
        in_process,
        admin: admin_on,
    })
}

/// `SOCKETIO_FN_EMULATOR_TRANSPORT`: `in-process` (default) or `http`.
#[cfg(feature = "emulator")]
fn in_process(settings: &Settings) -> Result<bool, Error> {
    use socketio_fn_core::protocol::setting_names::{EMULATOR_TRANSPORT, EMULATOR_TRANSPORTS};
    let [in_process, http] = EMULATOR_TRANSPORTS;
    match settings.get(EMULATOR_TRANSPORT).map(str::trim) {
        None => Ok(true),
        Some(v) if v.eq_ignore_ascii_case(in_process) => Ok(true),
        Some(v) if v.eq_ignore_ascii_case(http) => Ok(false),
        Some(other) => Err(Error::InvalidSetting {
            name: EMULATOR_TRANSPORT,
            value: other.to_owned(),
            reason: format!("expected `{in_process}` or `{http}`"),
        }),
    }
}

/// Hands the embedded emulator's webhook calls to the app's router, in this process.
#[cfg(feature = "emulator")]
fn call_in_process(emulator: &Emulator, app: &App) -> Result<(), Error> {
    emulator
        .call_in_process(app.router())
        .map_err(|e| Error::InvalidSetting {
            name: socketio_fn_core::protocol::setting_names::EMULATOR_TRANSPORT,
            value: socketio_fn_core::protocol::setting_names::EMULATOR_TRANSPORTS[0].to_owned(),
            reason: e.to_string(),
        })?;
    // Not at `info`: the mode line is the first line. Each call's line says `via=in-process`.
    tracing::debug!(
        "the embedded emulator hands webhook calls to the app in process ({}=http: over HTTP)",
        socketio_fn_core::protocol::setting_names::EMULATOR_TRANSPORT
    );
    Ok(())
}

/// A duration setting in milliseconds (at least 1).
#[cfg(feature = "emulator")]
fn millis(settings: &Settings, name: &'static str) -> Result<Option<std::time::Duration>, Error> {
    let Some(value) = settings.get(name) else {
        return Ok(None);
    };
    match value.trim().parse::<u64>() {
        Ok(ms) if ms > 0 => Ok(Some(std::time::Duration::from_millis(ms))),
        _ => Err(Error::InvalidSetting {
            name,
            value: value.to_owned(),
            reason: "expected a whole number of milliseconds, at least 1".into(),
        }),
    }
}

#[cfg(feature = "emulator")]
async fn stop(emulator: Emulator, grace: Option<std::time::Duration>) {
    match grace {
        Some(grace) => emulator.stop_within(grace).await,
        None => emulator.stop().await,
    }
}

#[cfg(not(feature = "emulator"))]
type Emulator = std::convert::Infallible;

#[cfg(not(feature = "emulator"))]
async fn start_emulator(_: &Settings) -> Result<Started, Error> {
    Err(Error::NoConnection {
        reason: socketio_fn_core::error::NoLocalMode::NoEmulator,
    })
}

#[cfg(not(feature = "emulator"))]
async fn stop(emulator: Emulator, _: Option<std::time::Duration>) {
    match emulator {}
}

#[cfg(not(feature = "emulator"))]
fn call_in_process(emulator: &Emulator, _: &App) -> Result<(), Error> {
    match *emulator {}
}
