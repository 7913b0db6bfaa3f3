//! The Socket.IO Admin UI on the embedded emulator (`SOCKETIO_FN_EMULATOR_ADMIN=on`): its settings,
//! checked before the emulator starts (the app's start-up lines then say how to connect the UI).

use socketio_fn_core::protocol::setting_names::{
    EMULATOR_ADMIN, EMULATOR_ADMIN_PASSWORD, EMULATOR_ADMIN_USER, MIN_ADMIN_PASSWORD_CHARS,
};
use socketio_fn_core::{Error, Settings};
use socketio_fn_emulator::AdminConfig;
use std::net::SocketAddr;

/// The Admin UI's configuration, when `SOCKETIO_FN_EMULATOR_ADMIN` is `on`; an error for a setting
/// that is wrong or unsafe (no credentials on an address that is not loopback, a short password).
pub(crate) fn config(
    settings: &Settings,
    address: SocketAddr,
) -> Result<Option<AdminConfig>, Error> {
    let value = settings.get(EMULATOR_ADMIN).unwrap_or_default();
    match value.trim().to_ascii_lowercase().as_str() {
        "" | "off" | "false" | "0" => return Ok(None),
        "on" | "true" | "1" => {}
        _ => {
            return Err(Error::InvalidSetting {
                name: EMULATOR_ADMIN,
                value: value.to_owned(),
                reason: "expected `on` or `off`".into(),
            });
        }
    }
    let credentials = match (
        settings.get(EMULATOR_ADMIN_USER),
        settings.get(EMULATOR_ADMIN_PASSWORD),
    ) {
        (None, None) => None,
        (Some(user), Some(password)) => Some((user.to_owned(), password.to_owned())),
        (Some(_), None) | (None, Some(_)) => {
            return Err(Error::InvalidSetting {
                name: EMULATOR_ADMIN_USER,
                value: settings
                    .get(EMULATOR_ADMIN_USER)
                    .unwrap_or_default()
                    .to_owned(),
                reason: format!(
                    "set both {EMULATOR_ADMIN_USER} and {EMULATOR_ADMIN_PASSWORD}, or neither"
                ),
            });
        }
    };
    if credentials
        .as_ref()
        .is_some_and(|(_, p)| p.chars().count() < MIN_ADMIN_PASSWORD_CHARS)
    {
        return Err(Error::WeakSecret {
            name: EMULATOR_ADMIN_PASSWORD,
            min: MIN_ADMIN_PASSWORD_CHARS,
        });
    }
    let config = AdminConfig { credentials };
    match config.refusal(address) {
        // The password's words never reach the message: it names only the settings.
        Some(reason) => Err(Error::InvalidSetting {
            name: EMULATOR_ADMIN,
            value: value.to_owned(),
            reason,
        }),
        None => Ok(Some(config)),
    }
}
