//! Start-up step "webhook authentication": which hosts may call the webhook and how their requests
//! are authenticated, read from the connections in use and the `SOCKETIO_FN_WEBHOOK_*` settings. An
//! app that nothing would authenticate does not start.

use super::connections::Connections;
use crate::error::Error;
use crate::registry::same_name;
use crate::settings::{SecretValue, Settings};
use crate::webhook::{
    DEFAULT_AUTHORITY, DEFAULT_FETCH_TIMEOUT, EntraConfig, EntraValidator, REFRESH_INTERVAL,
    WebhookAuth,
};
use socketio_fn_protocol::setting_names::{
    CONNECTION, FUNCTIONS_CUSTOMHANDLER_PORT, MIN_SECRET_CHARS, WEBHOOK_AUTH, WEBHOOK_CODE,
    WEBHOOK_ENTRA_AUDIENCE, WEBHOOK_ENTRA_AUTHORITY, WEBHOOK_ENTRA_TENANT,
};
use std::sync::Arc;

impl WebhookAuth {
    /// The authentication of an app's webhook: the signatures of the key-based connections that may
    /// call it (the default one and those named by functions' `connection`), the webhook code, the
    /// Entra upstream auth, and the explicit opt-out (`allow_unauthenticated`, or
    /// `SOCKETIO_FN_WEBHOOK_AUTH=none`). Fails when nothing would authenticate a request.
    pub(crate) fn from_settings(
        settings: &Settings,
        connections: &Connections,
        callers: &[&str],
        allow_unauthenticated: bool,
    ) -> Result<Self, Error> {
        let mut auth = Self::default();
        for open in connections.iter() {
            let calls = same_name(&open.name, CONNECTION)
                || callers.iter().any(|c| same_name(c, &open.name));
            if calls {
                auth.add_connection(&open.connection);
            }
        }
        if let Some(code) = settings.get(WEBHOOK_CODE).filter(|c| !c.trim().is_empty()) {
            if code.trim().chars().count() < MIN_SECRET_CHARS {
                return Err(Error::WeakSecret {
                    name: WEBHOOK_CODE,
                    min: MIN_SECRET_CHARS,
                });
            }
            auth.code(SecretValue::new(code.trim()));
        }
        if let Some(entra) = entra_config(settings)? {
            auth.entra(Arc::new(EntraValidator::new(entra).map_err(Error::Entra)?));
        }
        if opted_out(settings)? || allow_unauthenticated {
            if settings.get(FUNCTIONS_CUSTOMHANDLER_PORT).is_some() {
                return Err(Error::UnauthenticatedOnFunctions);
            }
            auth.allow_unauthenticated();
        }
        if !auth.is_configured() {
            return Err(Error::Unauthenticated);
        }
        Ok(auth)
    }
}

/// Whether `SOCKETIO_FN_WEBHOOK_AUTH=none` turns authentication off on purpose.
fn opted_out(settings: &Settings) -> Result<bool, Error> {
    let value = settings.get(WEBHOOK_AUTH).unwrap_or_default();
    match value.trim().to_ascii_lowercase().as_str() {
        "" => Ok(false),
        "none" => {
            tracing::warn!(
                "`{WEBHOOK_AUTH}=none`: webhook requests that nothing authenticates are ACCEPTED; \
                 anyone who can reach the app can inject events"
            );
            Ok(true)
        }
        _ => Err(Error::InvalidSetting {
            name: WEBHOOK_AUTH,
            value: value.to_owned(),
            reason: "expected `none` (or leave it unset)".into(),
        }),
    }
}

/// The Entra upstream auth settings: both tenant and audience, or neither.
fn entra_config(settings: &Settings) -> Result<Option<EntraConfig>, Error> {
    let get = |name| settings.get(name).map(str::trim).filter(|v| !v.is_empty());
    match (get(WEBHOOK_ENTRA_TENANT), get(WEBHOOK_ENTRA_AUDIENCE)) {
        (None, None) => Ok(None),
        (Some(tenant), Some(audience)) => Ok(Some(EntraConfig {
            tenant_id: tenant.to_owned(),
            audience: audience.to_owned(),
            authority: get(WEBHOOK_ENTRA_AUTHORITY)
                .unwrap_or(DEFAULT_AUTHORITY)
                .to_owned(),
            refresh_interval: REFRESH_INTERVAL,
            fetch_timeout: DEFAULT_FETCH_TIMEOUT,
        })),
        (Some(_), None) => Err(Error::EntraIncomplete {
            set: WEBHOOK_ENTRA_TENANT,
            missing: WEBHOOK_ENTRA_AUDIENCE,
        }),
        (None, Some(_)) => Err(Error::EntraIncomplete {
            set: WEBHOOK_ENTRA_AUDIENCE,
            missing: WEBHOOK_ENTRA_TENANT,
        }),
    }
}
