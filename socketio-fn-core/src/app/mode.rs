//! Where the app listens and whether it runs in local mode (with the embedded emulator), decided
//! explicitly from the settings: nothing insecure starts by accident.

use crate::error::{Error, NoLocalMode};
use crate::settings::{ServiceConnection, Settings};
use socketio_fn_protocol::setting_names::{
    ADDRESS, CONNECTION, DEFAULT_ADDRESS, EMULATOR, FUNCTIONS_CUSTOMHANDLER_PORT, HOSTING_PLATFORM,
    PORT,
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
                "local (embedded emulator at {e}; local development only)"
            ),
            Self::Key(e) => write!(f, "key-based connection to {e}"),
            Self::Identity(e) => write!(f, "identity-based connection to {e}"),
            Self::Unconnected => write!(f, "no default connection"),
        }
    }
}

/// The app's listen address: `SOCKETIO_FN_ADDR`; else `FUNCTIONS_CUSTOMHANDLER_PORT` or `PORT` on
/// `0.0.0.0`; else `127.0.0.1:7071`.
///
/// ```
/// use socketio_fn::app::listen_address;
/// use socketio_fn::Settings;
/// assert_eq!(listen_address(&Settings::default()).unwrap().to_string(), "127.0.0.1:7071");
/// assert_eq!(listen_address(&Settings::from_pairs([("PORT", "8080")])).unwrap().to_string(), "0.0.0.0:8080");
/// ```
pub fn listen_address(settings: &Settings) -> Result<SocketAddr, Error> {
    if let Some(value) = settings.get(ADDRESS) {
        return value
            .trim()
            .parse()
            .map_err(|e: std::net::AddrParseError| Error::InvalidSetting {
                name: ADDRESS,
                value: value.to_owned(),
                reason: format!("{e}; expected an address such as 127.0.0.1:7071"),
            });
    }
    for name in [FUNCTIONS_CUSTOMHANDLER_PORT, PORT] {
        if let Some(value) = settings.get(name) {
            let port: u16 = value.trim().parse().map_err(|_| Error::InvalidSetting {
                name,
                value: value.to_owned(),
                reason: "expected a port number".into(),
            })?;
            return Ok(SocketAddr::from(([0, 0, 0, 0], port)));
        }
    }
    DEFAULT_ADDRESS
        .parse()
        .map_err(|e: std::net::AddrParseError| Error::InvalidSetting {
            name: ADDRESS,
            value: DEFAULT_ADDRESS.to_owned(),
            reason: e.to_string(),
        })
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
