//! Where the app listens and whether it runs in local mode (with the embedded emulator), decided
//! explicitly from the settings: nothing insecure starts by accident.

use crate::error::{Error, NoLocalMode};
use crate::settings::{ServiceConnection, Settings};
use socketio_fn_protocol::cloud_events::{FUNCTIONS_WEBHOOK_PATH, WEBHOOK_PATH};
use socketio_fn_protocol::setting_names::{
    ADDRESS, CONNECTION, DEFAULT_ADDRESS, EMULATOR, FUNCTIONS_CUSTOMHANDLER_PORT, HOSTING_PLATFORM,
    PORT, WEBHOOK_PATH as WEBHOOK_PATH_SETTING,
};
use std::net::SocketAddr;

/// How the app reaches the service, for the start-up line and the readiness page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// The embedded emulator at this endpoint (local development).
    Local(String),
    /// A key-based connection to this endpoint.
    Key(String),
    /// An identity-based connection to this endpoint.
    Identity(String),
    /// No default connection (functions on named connections only, or tests).
    Unconnected,
}

impl Mode {
    /// The mode of an app whose default connection is `connection`.
    pub fn of(connection: Option<&ServiceConnection>) -> Self {
        match connection {
            Some(ServiceConnection::Key(k)) => Self::Key(k.endpoint.base()),
            Some(ServiceConnection::Identity(i)) => Self::Identity(i.endpoint.base()),
            None => Self::Unconnected,
        }
    }

    /// `local`, `key`, `identity` or `unconnected`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Local(_) => "local",
            Self::Key(_) => "key",
            Self::Identity(_) => "identity",
            Self::Unconnected => "unconnected",
        }
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Local(e) => write!(
                f,
                "local (embedded emulator at {e}, as no `{CONNECTION}` is set; local development only)"
            ),
            Self::Key(e) => write!(f, "key-based connection to {e}"),
            Self::Identity(e) => write!(f, "identity-based connection to {e}"),
            Self::Unconnected => write!(f, "no default connection"),
        }
    }
}

/// The app's listen address: `SOCKETIO_FN_ADDR`; else `127.0.0.1:<FUNCTIONS_CUSTOMHANDLER_PORT>` (the
/// Functions host forwards to loopback); else `0.0.0.0:<PORT>`; else `127.0.0.1:7071`.
///
/// ```
/// use socketio_fn::app::listen_address;
/// use socketio_fn::Settings;
/// assert_eq!(listen_address(&Settings::default()).unwrap().to_string(), "127.0.0.1:7071");
/// assert_eq!(listen_address(&Settings::from_pairs([("PORT", "8080")])).unwrap().to_string(), "0.0.0.0:8080");
/// let functions = Settings::from_pairs([("FUNCTIONS_CUSTOMHANDLER_PORT", "40123")]);
/// assert_eq!(listen_address(&functions).unwrap().to_string(), "127.0.0.1:40123");
/// ```
pub fn listen_address(settings: &Settings) -> Result<SocketAddr, Error> {
    listen_address_and_setting(settings).map(|(address, _)| address)
}

/// The listen address and the setting it came from (named when the address cannot be bound).
pub(crate) fn listen_address_and_setting(
    settings: &Settings,
) -> Result<(SocketAddr, &'static str), Error> {
    if let Some(value) = settings.get(ADDRESS) {
        let address = value
            .trim()
            .parse()
            .map_err(|e: std::net::AddrParseError| Error::InvalidSetting {
                name: ADDRESS,
                value: value.to_owned(),
                reason: format!("{e}; expected an address such as 127.0.0.1:7071"),
            })?;
        return Ok((address, ADDRESS));
    }
    for (name, ip) in [
        (FUNCTIONS_CUSTOMHANDLER_PORT, [127, 0, 0, 1]),
        (PORT, [0, 0, 0, 0]),
    ] {
        if let Some(value) = settings.get(name) {
            let port: u16 = value.trim().parse().map_err(|_| Error::InvalidSetting {
                name,
                value: value.to_owned(),
                reason: "expected a port number".into(),
            })?;
            return Ok((SocketAddr::from((ip, port)), name));
        }
    }
    let address = DEFAULT_ADDRESS
        .parse()
        .map_err(|e: std::net::AddrParseError| Error::InvalidSetting {
            name: ADDRESS,
            value: DEFAULT_ADDRESS.to_owned(),
            reason: e.to_string(),
        })?;
    Ok((address, ADDRESS))
}

/// The path the webhook is served at: `SOCKETIO_FN_WEBHOOK_PATH`; else `/api/socketio` under the Azure
/// Functions host (`FUNCTIONS_CUSTOMHANDLER_PORT` set: the host keeps `/runtime/...` for itself);
/// else `/runtime/webhooks/socketio`, the Functions extension's path.
///
/// ```
/// use socketio_fn::app::webhook_path;
/// use socketio_fn::Settings;
/// assert_eq!(webhook_path(&Settings::default()).unwrap(), "/runtime/webhooks/socketio");
/// let functions = Settings::from_pairs([("FUNCTIONS_CUSTOMHANDLER_PORT", "40123")]);
/// assert_eq!(webhook_path(&functions).unwrap(), "/api/socketio");
/// let chosen = Settings::from_pairs([("SOCKETIO_FN_WEBHOOK_PATH", "/hooks/sio")]);
/// assert_eq!(webhook_path(&chosen).unwrap(), "/hooks/sio");
/// assert!(webhook_path(&Settings::from_pairs([("SOCKETIO_FN_WEBHOOK_PATH", "hooks")])).is_err());
/// ```
pub fn webhook_path(settings: &Settings) -> Result<String, Error> {
    let functions_host = settings.get(FUNCTIONS_CUSTOMHANDLER_PORT).is_some();
    let Some(value) = settings.get(WEBHOOK_PATH_SETTING) else {
        return Ok(if functions_host {
            FUNCTIONS_WEBHOOK_PATH
        } else {
            WEBHOOK_PATH
        }
        .to_owned());
    };
    let path = value.trim();
    let invalid = |reason: &str| Error::InvalidSetting {
        name: WEBHOOK_PATH_SETTING,
        value: value.to_owned(),
        reason: reason.to_owned(),
    };
    if !path.starts_with('/') || path.len() < 2 {
        return Err(invalid("expected a path such as /api/socketio"));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || "/-._~".contains(c);
    if !path.chars().all(allowed) || path.contains("//") {
        return Err(invalid(
            "a path takes letters, digits, `/`, `-`, `.`, `_` and `~` (no query, no `//`)",
        ));
    }
    if functions_host && path.starts_with("/runtime/") {
        return Err(invalid(
            "the Azure Functions host keeps `/runtime/...` for itself; use a path such as /api/socketio",
        ));
    }
    Ok(path.to_owned())
}

/// Whether to start the embedded emulator (local mode).
///
/// Local mode only when no connection is configured, the app is not on a hosting platform (none of
/// [`HOSTING_PLATFORM`] is set) and it listens on a loopback address; `SOCKETIO_FN_EMULATOR=on|off`
/// overrides. Otherwise a missing connection is an error that names the setting.
pub fn local_mode(settings: &Settings, listen: SocketAddr) -> Result<bool, Error> {
    let configured = settings.has_connection(CONNECTION);
    let forced = match settings
        .get(EMULATOR)
        .map(|v| v.trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("") => None,
        Some("on" | "true" | "1") => Some(true),
        Some("off" | "false" | "0") => Some(false),
        Some(_) => {
            return Err(Error::InvalidSetting {
                name: EMULATOR,
                value: settings.get(EMULATOR).unwrap_or_default().to_owned(),
                reason: "expected `on` or `off`".into(),
            });
        }
    };
    let missing = |reason| Error::NoConnection { reason };
    match (configured, forced) {
        (true, Some(true)) => Err(Error::EmulatorConflict),
        (true, _) => Ok(false),
        (false, Some(true)) => Ok(true),
        (false, Some(false)) => Err(missing(NoLocalMode::EmulatorOff)),
        (false, None) => {
            if let Some(var) = HOSTING_PLATFORM.iter().find(|v| settings.get(v).is_some()) {
                return Err(missing(NoLocalMode::HostingPlatform(var)));
            }
            if !listen.ip().is_loopback() {
                return Err(missing(NoLocalMode::NotLoopback(listen)));
            }
            Ok(true)
        }
    }
}
