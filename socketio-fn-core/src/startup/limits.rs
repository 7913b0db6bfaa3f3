//! Start-up step "server limits": the listen address, connection cap, timeouts, grace period and body
//! limit, each from the builder, else its setting, else its default — read in one place.

use super::mode::{listen_address_and_setting, webhook_path};
use crate::error::Error;
use crate::settings::Settings;
use crate::webhook::DEFAULT_MAX_BODY_BYTES;
use socketio_fn_protocol::setting_names::{
    ADDRESS, BODY_TIMEOUT_SECS, HEADER_TIMEOUT_SECS, LOG_FORMAT, LOG_FORMATS, MAX_BODY_BYTES,
    MAX_CONNECTIONS, SHUTDOWN_GRACE_SECS,
};
use socketio_fn_server::{
    DEFAULT_BODY_TIMEOUT, DEFAULT_GRACE_PERIOD, DEFAULT_HEADER_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
    ServerConfig,
};
use std::net::SocketAddr;
use std::time::Duration;

/// What the builder set explicitly (it wins over the settings).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct LimitOverrides {
    pub(crate) address: Option<SocketAddr>,
    pub(crate) max_body_bytes: Option<usize>,
    pub(crate) grace_period: Option<Duration>,
}

/// The server's resolved limits.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    pub(crate) address: SocketAddr,
    /// The setting the address came from, named when it cannot be bound.
    pub(crate) address_setting: &'static str,
    /// Where the webhook is served (`SOCKETIO_FN_WEBHOOK_PATH`, or the platform's default).
    pub(crate) webhook_path: String,
    pub(crate) server: ServerConfig,
    pub(crate) max_body_bytes: usize,
}

impl Limits {
    pub(crate) fn from_settings(
        settings: &Settings,
        overrides: LimitOverrides,
    ) -> Result<Self, Error> {
        let seconds = |name: &'static str, default: Duration| -> Result<Duration, Error> {
            number(settings, name, default.as_secs()).map(Duration::from_secs)
        };
        let grace_period = match overrides.grace_period {
            Some(g) => g,
            None => seconds(SHUTDOWN_GRACE_SECS, DEFAULT_GRACE_PERIOD)?,
        };
        log_format(settings)?;
        let max_connections = count(settings, MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS)?;
        if max_connections == 0 {
            return Err(Error::InvalidSetting {
                name: MAX_CONNECTIONS,
                value: "0".into(),
                reason: "expected at least 1 connection".into(),
            });
        }
        let server = ServerConfig {
            name: "app",
            max_connections,
            header_timeout: seconds(HEADER_TIMEOUT_SECS, DEFAULT_HEADER_TIMEOUT)?,
            body_timeout: seconds(BODY_TIMEOUT_SECS, DEFAULT_BODY_TIMEOUT)?,
            grace_period,
        };
        let max_body_bytes = match overrides.max_body_bytes {
            Some(limit) => limit,
            None => count(settings, MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES)?,
        };
        let (address, address_setting) = match overrides.address {
            Some(a) => (a, ADDRESS),
            None => listen_address_and_setting(settings)?,
        };
        Ok(Self {
            address,
            address_setting,
            webhook_path: webhook_path(settings)?,
            server,
            max_body_bytes,
        })
    }
}

/// `SOCKETIO_FN_LOG_FORMAT` is `text`, `json` or unset (a misspelt value would silently give text).
fn log_format(settings: &Settings) -> Result<(), Error> {
    match settings.get(LOG_FORMAT) {
        Some(v)
            if !v.trim().is_empty()
                && !LOG_FORMATS.iter().any(|f| v.trim().eq_ignore_ascii_case(f)) =>
        {
            Err(Error::InvalidSetting {
                name: LOG_FORMAT,
                value: v.to_owned(),
                reason: "expected `text` or `json`".into(),
            })
        }
        _ => Ok(()),
    }
}

/// A whole number setting, or its default.
fn number(settings: &Settings, name: &'static str, default: u64) -> Result<u64, Error> {
    match settings.get(name) {
        None => Ok(default),
        Some(value) => value.trim().parse().map_err(|_| Error::InvalidSetting {
            name,
            value: value.to_owned(),
            reason: "expected a whole number".into(),
        }),
    }
}

/// A count setting (saturating on platforms where it exceeds `usize`).
fn count(settings: &Settings, name: &'static str, default: usize) -> Result<usize, Error> {
    let value = number(settings, name, u64::try_from(default).unwrap_or(u64::MAX))?;
    Ok(usize::try_from(value).unwrap_or(usize::MAX))
}
