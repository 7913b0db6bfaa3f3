//! Start-up step "connections": every connection the app names, opened once — its settings parsed,
//! its credential chosen (and logged), one REST client made. Outputs, handles and negotiation
//! functions hold these clients; nothing looks a connection up again after start-up.

use crate::error::Error;
use crate::registry::same_name;
use crate::service::{Credential, RetryPolicy, ServiceClient, entra_credential};
use crate::settings::{ServiceConnection, Settings, SettingsError};
use azure_core::credentials::TokenCredential;
use socketio_fn_protocol::setting_names::{API_VERSION, DEFAULT_API_VERSION, SERVICE_TIMEOUT_SECS};
use std::sync::Arc;
use std::time::Duration;

/// A credential given to the app builder for one connection, replacing the one its settings select.
pub(crate) type CredentialOverride = (String, Arc<dyn TokenCredential>);

/// One opened connection.
#[derive(Debug)]
pub(crate) struct OpenConnection {
    /// The setting name, as the first function or handle spelled it.
    pub(crate) name: String,
    /// Its parsed settings.
    pub(crate) connection: ServiceConnection,
    /// Its REST client, shared by every output, handle and negotiation function on it.
    pub(crate) client: Arc<ServiceClient>,
}

/// The app's opened connections; setting names compare case-insensitively.
#[derive(Debug, Default)]
pub(crate) struct Connections(Vec<OpenConnection>);

impl Connections {
    /// Opens each named connection once. A connection that is not configured at all is skipped: the
    /// function or handle naming it reports it, with its own name, when it is resolved.
    pub(crate) fn open<'n>(
        settings: &Settings,
        names: impl IntoIterator<Item = &'n str>,
        overrides: &[CredentialOverride],
    ) -> Result<Self, Error> {
        let api_version = settings.get(API_VERSION).unwrap_or(DEFAULT_API_VERSION);
        let retry = retry_policy(settings)?;
        let mut open = Self::default();
        for name in names {
            if open.get(name).is_some() {
                continue;
            }
            let connection = match settings.connection(name) {
                Ok(c) => c,
                Err(SettingsError::MissingConnection(_)) => continue,
                Err(e) => return Err(e.into()),
            };
            let credential = credential(name, &connection, settings, overrides)?;
            let client = ServiceClient::new(connection.endpoint(), credential)
                .api_version(api_version)
                .retry_policy(retry.clone());
            open.0.push(OpenConnection {
                name: name.to_owned(),
                connection,
                client: Arc::new(client),
            });
        }
        Ok(open)
    }

    /// The connection named `name`, if it was opened.
    pub(crate) fn get(&self, name: &str) -> Option<&OpenConnection> {
        self.0.iter().find(|c| same_name(&c.name, name))
    }

    /// Every opened connection.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &OpenConnection> {
        self.0.iter()
    }
}

/// The REST clients' retries and timeouts: the defaults, with `SOCKETIO_FN_SERVICE_TIMEOUT_SECS`.
fn retry_policy(settings: &Settings) -> Result<RetryPolicy, Error> {
    let mut retry = RetryPolicy::default();
    if let Some(value) = settings.get(SERVICE_TIMEOUT_SECS) {
        let seconds: u64 = value
            .trim()
            .parse()
            .ok()
            .filter(|s| *s > 0)
            .ok_or_else(|| Error::InvalidSetting {
                name: SERVICE_TIMEOUT_SECS,
                value: value.to_owned(),
                reason: "expected a whole number of seconds, at least 1".into(),
            })?;
        retry.timeout = Duration::from_secs(seconds);
    }
    Ok(retry)
}

/// How REST calls of a connection authenticate: its access key, the credential given to the builder,
/// or the one its identity settings select (logged, so an operator sees which one runs).
fn credential(
    name: &str,
    connection: &ServiceConnection,
    settings: &Settings,
    overrides: &[CredentialOverride],
) -> Result<Credential, Error> {
    let identity = match connection {
        ServiceConnection::Key(k) => return Ok(Credential::Key(k.access_key.clone())),
        ServiceConnection::Identity(i) => &i.identity,
    };
    if let Some((_, custom)) = overrides.iter().find(|(n, _)| same_name(n, name)) {
        tracing::info!(
            connection = name,
            credential = "custom",
            "connection `{name}` uses the credential given to the app builder"
        );
        return Ok(Credential::Entra(custom.clone()));
    }
    let (kind, credential) = entra_credential(name, identity, settings, None)?;
    tracing::info!(
        connection = name,
        credential = kind.name(),
        "connection `{name}` uses {kind}"
    );
    Ok(Credential::Entra(credential))
}
