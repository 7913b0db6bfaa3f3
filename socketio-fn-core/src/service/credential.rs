//! The credential of an identity-based connection, chosen from its settings as the Functions host's
//! "common properties for identity-based connections" choose it, and built with `azure_identity`.
//!
//! | settings | credential |
//! |---|---|
//! | `credential=managedidentity` (+ `clientId`, `managedIdentityResourceId` or `managedIdentityObjectId` for a user-assigned identity) | managed identity |
//! | `credential=workloadidentity`, or the workload identity environment (`AZURE_FEDERATED_TOKEN_FILE`, `AZURE_CLIENT_ID`, `AZURE_TENANT_ID`) | workload identity |
//! | `tenantId` + `clientId` + `clientSecret` | client secret |
//! | `tenantId` + `clientId` + `certificate` (PKCS#12 file; feature `client-certificate`) | client certificate |
//! | none of the above (`tenantId`, or the seed's `tenant`, optional) | the developer's login: Azure CLI, then Azure Developer CLI |

use crate::settings::{IdentitySettings, Settings};
use azure_core::credentials::{AccessToken, TokenCredential};
use azure_core::http::ClientOptions;
use azure_identity::{
    AzureCliCredential, AzureCliCredentialOptions, AzureDeveloperCliCredential,
    AzureDeveloperCliCredentialOptions, ClientSecretCredential, ClientSecretCredentialOptions,
    ManagedIdentityCredential, ManagedIdentityCredentialOptions, UserAssignedId,
    WorkloadIdentityCredential, WorkloadIdentityCredentialOptions,
};
use std::sync::Arc;

/// The environment variables of workload identity (set by the AKS workload identity webhook).
pub const WORKLOAD_IDENTITY_ENV: [&str; 3] = [
    "AZURE_FEDERATED_TOKEN_FILE",
    "AZURE_CLIENT_ID",
    "AZURE_TENANT_ID",
];

/// Which credential a connection's settings select.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialKind {
    /// Managed identity: system-assigned (`None`) or user-assigned.
    ManagedIdentity(Option<UserAssigned>),
    /// Workload identity (federated token file).
    WorkloadIdentity,
    /// A service principal with a client secret.
    ClientSecret,
    /// A service principal with a certificate.
    ClientCertificate,
    /// The developer's own login: Azure CLI, then Azure Developer CLI.
    Developer,
}

/// How a user-assigned managed identity is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserAssigned {
    /// `clientId`
    ClientId(String),
    /// `managedIdentityResourceId`
    ResourceId(String),
    /// `managedIdentityObjectId`
    ObjectId(String),
}

/// Why a connection's identity settings select no credential.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("connection `{connection}`: {reason}")]
pub struct CredentialError {
    /// The connection's setting name.
    pub connection: String,
    /// What does not fit, naming the setting.
    pub reason: String,
}

/// Chooses the credential of connection `connection` from its identity settings; `settings` supplies the
/// workload identity environment. A combination that does not fit is an error naming the setting.
///
/// ```
/// use socketio_fn_core::service::{credential_kind, CredentialKind};
/// use socketio_fn_core::settings::{IdentitySettings, Settings};
/// let mi = IdentitySettings { credential: Some("managedidentity".into()), ..Default::default() };
/// assert_eq!(credential_kind("C", &mi, &Settings::default()).unwrap(), CredentialKind::ManagedIdentity(None));
/// assert_eq!(credential_kind("C", &IdentitySettings::default(), &Settings::default()).unwrap(), CredentialKind::Developer);
/// ```
pub fn credential_kind(
    connection: &str,
    identity: &IdentitySettings,
    settings: &Settings,
) -> Result<CredentialKind, CredentialError> {
    let error = |reason: String| CredentialError {
        connection: connection.to_owned(),
        reason,
    };
    let setting = |name: &str| format!("`{connection}__{name}`");
    let user_assigned = || -> Result<Option<UserAssigned>, CredentialError> {
        let ids: Vec<UserAssigned> = [
            identity.client_id.clone().map(UserAssigned::ClientId),
            identity
                .managed_identity_resource_id
                .clone()
                .map(UserAssigned::ResourceId),
            identity
                .managed_identity_object_id
                .clone()
                .map(UserAssigned::ObjectId),
        ]
        .into_iter()
        .flatten()
        .collect();
        match ids.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one.clone())),
            _ => Err(error(format!(
                "set only one of {}, {} and {} to name a user-assigned managed identity",
                setting("clientId"),
                setting("managedIdentityResourceId"),
                setting("managedIdentityObjectId")
            ))),
        }
    };
    let no_service_principal = |kind: &str| -> Result<(), CredentialError> {
        for (present, name) in [
            (identity.client_secret.is_some(), "clientSecret"),
            (identity.certificate.is_some(), "certificate"),
        ] {
            if present {
                return Err(error(format!(
                    "{} does not go with `credential={kind}`; remove one of them",
                    setting(name)
                )));
            }
        }
        Ok(())
    };
    match identity
        .credential
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("managedidentity") => {
            no_service_principal("managedidentity")?;
            return Ok(CredentialKind::ManagedIdentity(user_assigned()?));
        }
        Some("workloadidentity") => {
            no_service_principal("workloadidentity")?;
            return Ok(CredentialKind::WorkloadIdentity);
        }
        Some(other) => {
            return Err(error(format!(
                "{} is `{other}`; expected `managedidentity` or `workloadidentity` (or leave it unset)",
                setting("credential")
            )));
        }
        None => {}
    }
    if identity.managed_identity_resource_id.is_some()
        || identity.managed_identity_object_id.is_some()
    {
        return Err(error(format!(
            "a user-assigned managed identity needs {}",
            setting("credential=managedidentity")
        )));
    }
    let service_principal = match (&identity.client_secret, &identity.certificate) {
        (Some(_), Some(_)) => {
            return Err(error(format!(
                "set {} or {}, not both",
                setting("clientSecret"),
                setting("certificate")
            )));
        }
        (Some(_), None) => Some(CredentialKind::ClientSecret),
        (None, Some(_)) => Some(CredentialKind::ClientCertificate),
        (None, None) => None,
    };
    if let Some(kind) = service_principal {
        for (present, name) in [
            (identity.tenant_id.is_some(), "tenantId"),
            (identity.client_id.is_some(), "clientId"),
        ] {
            if !present {
                return Err(error(format!(
                    "a service principal needs {} too",
                    setting(name)
                )));
            }
        }
        return Ok(kind);
    }
    if identity.client_id.is_some() {
        return Err(error(format!(
            "{} alone selects no credential: add {} for a user-assigned managed identity, or {} and {} for a service principal",
            setting("clientId"),
            setting("credential=managedidentity"),
            setting("tenantId"),
            setting("clientSecret")
        )));
    }
    if WORKLOAD_IDENTITY_ENV
        .iter()
        .all(|name| settings.get(name).is_some_and(|v| !v.is_empty()))
    {
        return Ok(CredentialKind::WorkloadIdentity);
    }
    Ok(CredentialKind::Developer)
}

/// The credential of an identity-based connection, built with `azure_identity` (which caches and
/// refreshes its tokens). `client_options` lets tests point the credential's HTTP pipeline at a loopback
/// fake.
pub fn entra_credential(
    connection: &str,
    identity: &IdentitySettings,
    settings: &Settings,
    client_options: Option<ClientOptions>,
) -> Result<Arc<dyn TokenCredential>, CredentialError> {
    let kind = credential_kind(connection, identity, settings)?;
    let failed = |e: azure_core::Error| CredentialError {
        connection: connection.to_owned(),
        reason: format!("cannot create the {kind:?} credential: {e}"),
    };
    let client_options = client_options.unwrap_or_default();
    let credential: Arc<dyn TokenCredential> = match &kind {
        CredentialKind::ManagedIdentity(id) => {
            ManagedIdentityCredential::new(Some(ManagedIdentityCredentialOptions {
                user_assigned_id: id.clone().map(|id| match id {
                    UserAssigned::ClientId(v) => UserAssignedId::ClientId(v),
                    UserAssigned::ResourceId(v) => UserAssignedId::ResourceId(v),
                    UserAssigned::ObjectId(v) => UserAssignedId::ObjectId(v),
                }),
                client_options,
            }))
            .map_err(failed)?
        }
        CredentialKind::WorkloadIdentity => {
            let mut options = WorkloadIdentityCredentialOptions {
                client_id: identity.client_id.clone(),
                tenant_id: identity.tenant_id.clone(),
                ..Default::default()
            };
            options.credential_options.client_options = client_options;
            WorkloadIdentityCredential::new(Some(options)).map_err(failed)?
        }
        CredentialKind::ClientSecret => ClientSecretCredential::new(
            identity.tenant_id.as_deref().unwrap_or_default(),
            identity.client_id.clone().unwrap_or_default(),
            identity
                .client_secret
                .as_ref()
                .map(|s| s.expose().to_owned())
                .unwrap_or_default()
                .into(),
            Some(ClientSecretCredentialOptions { client_options }),
        )
        .map_err(failed)?,
        CredentialKind::ClientCertificate => {
            client_certificate(connection, identity, client_options)?
        }
        CredentialKind::Developer => {
            Arc::new(DeveloperLogin::new(identity.tenant_id.clone()).map_err(failed)?)
        }
    };
    Ok(credential)
}

#[cfg(feature = "client-certificate")]
fn client_certificate(
    connection: &str,
    identity: &IdentitySettings,
    client_options: ClientOptions,
) -> Result<Arc<dyn TokenCredential>, CredentialError> {
    use azure_identity::{ClientCertificateCredential, ClientCertificateCredentialOptions};
    let path = identity.certificate.clone().unwrap_or_default();
    let error = |reason: String| CredentialError {
        connection: connection.to_owned(),
        reason,
    };
    let bytes = std::fs::read(&path)
        .map_err(|e| error(format!("cannot read the certificate `{path}`: {e}")))?;
    ClientCertificateCredential::new(
        identity.tenant_id.clone().unwrap_or_default(),
        identity.client_id.clone().unwrap_or_default(),
        bytes.into(),
        Some(ClientCertificateCredentialOptions {
            client_options,
            password: identity
                .certificate_password
                .as_ref()
                .map(|p| p.expose().to_owned().into()),
        }),
    )
    .map(|c| c as Arc<dyn TokenCredential>)
    .map_err(|e| error(format!("cannot use the certificate `{path}`: {e}")))
}

#[cfg(not(feature = "client-certificate"))]
fn client_certificate(
    connection: &str,
    _: &IdentitySettings,
    _: ClientOptions,
) -> Result<Arc<dyn TokenCredential>, CredentialError> {
    Err(CredentialError {
        connection: connection.to_owned(),
        reason:
            "`certificate` needs the `client-certificate` feature of socketio-fn (it links OpenSSL)"
                .into(),
    })
}

/// The developer's own login: the Azure CLI (`az login`), then the Azure Developer CLI (`azd auth
/// login`), the first that gives a token being used from then on. (`azure_identity`'s
/// `DeveloperToolsCredential` chains the same two but cannot pass a tenant, which the seed's local
/// settings name.)
///
/// The CLI credentials run the tool for every token; this one keeps a token until
/// [`REFRESH_MARGIN`] before it expires.
#[derive(Debug)]
struct DeveloperLogin {
    sources: [Arc<dyn TokenCredential>; 2],
    chosen: std::sync::OnceLock<usize>,
    cache: tokio::sync::Mutex<Option<(Vec<String>, AccessToken)>>,
}

/// How long before its expiry a cached token is replaced.
const REFRESH_MARGIN: azure_core::time::Duration = azure_core::time::Duration::minutes(5);

impl DeveloperLogin {
    fn new(tenant_id: Option<String>) -> azure_core::Result<Self> {
        Ok(Self {
            sources: [
                AzureCliCredential::new(Some(AzureCliCredentialOptions {
                    tenant_id: tenant_id.clone(),
                    ..Default::default()
                }))?,
                AzureDeveloperCliCredential::new(Some(AzureDeveloperCliCredentialOptions {
                    tenant_id,
                    ..Default::default()
                }))?,
            ],
            chosen: std::sync::OnceLock::new(),
            cache: tokio::sync::Mutex::new(None),
        })
    }
}

#[async_trait::async_trait]
impl TokenCredential for DeveloperLogin {
    async fn get_token(
        &self,
        scopes: &[&str],
        options: Option<azure_core::credentials::TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let mut cache = self.cache.lock().await;
        if let Some((cached_scopes, token)) = cache.as_ref()
            && cached_scopes
                .iter()
                .map(String::as_str)
                .eq(scopes.iter().copied())
            && token.expires_on > azure_core::time::OffsetDateTime::now_utc() + REFRESH_MARGIN
        {
            return Ok(token.clone());
        }
        let token = self.fetch(scopes, options).await?;
        *cache = Some((
            scopes.iter().map(|s| (*s).to_owned()).collect(),
            token.clone(),
        ));
        Ok(token)
    }
}

impl DeveloperLogin {
    async fn fetch(
        &self,
        scopes: &[&str],
        options: Option<azure_core::credentials::TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        if let Some(&i) = self.chosen.get() {
            return self.sources[i].get_token(scopes, options).await;
        }
        let mut failures = Vec::new();
        for (i, source) in self.sources.iter().enumerate() {
            match source.get_token(scopes, options.clone()).await {
                Ok(token) => {
                    let _ = self.chosen.set(i);
                    return Ok(token);
                }
                Err(e) => failures.push(e.to_string()),
            }
        }
        Err(azure_core::Error::with_message(
            azure_core::error::ErrorKind::Credential,
            format!(
                "no developer login found: run `az login` (or `azd auth login`), or configure a managed identity or service principal. Azure CLI: {}; Azure Developer CLI: {}",
                failures.first().map(String::as_str).unwrap_or_default(),
                failures.get(1).map(String::as_str).unwrap_or_default()
            ),
        ))
    }
}
