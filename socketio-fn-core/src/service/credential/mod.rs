//! The credential of an identity-based connection, chosen from its settings as the Functions host's
//! "common properties for identity-based connections" choose it, and built with `azure_identity`.
//!
//! | settings | credential |
//! |---|---|
//! | `credential=managedidentity` (+ `clientId`, `managedIdentityResourceId` or `managedIdentityObjectId` for a user-assigned identity) | managed identity |
//! | `credential=workloadidentity` | workload identity |
//! | `tenantId` + `clientId` + `clientSecret` | client secret |
//! | `tenantId` + `clientId` + `certificate` (PKCS#12 file; feature `client-certificate`) | client certificate |
//! | none of the above (`tenantId`, or the seed's `tenant`, optional) | the default chain below |
//!
//! The default chain is what Functions apps get from the reference's default credential, decided once
//! at start-up from the environment (and logged): [`ENVIRONMENT_SECRET_ENV`] (or
//! [`ENVIRONMENT_CERTIFICATE_ENV`]) set → that service principal; [`WORKLOAD_IDENTITY_ENV`] set →
//! workload identity; a platform that offers a managed identity ([`MANAGED_IDENTITY_ENV`], or one of
//! the hosting platforms' variables) → managed identity (user-assigned when `AZURE_CLIENT_ID` is set);
//! else the developer's login (Azure CLI, then Azure Developer CLI).

use crate::error::CredentialError;
use crate::settings::{IdentitySettings, Settings};
use socketio_fn_protocol::setting_names::HOSTING_PLATFORM;

mod build;
mod developer;

pub use build::entra_credential;

/// The environment variables of workload identity (set by the AKS workload identity webhook).
pub const WORKLOAD_IDENTITY_ENV: [&str; 3] = [
    "AZURE_FEDERATED_TOKEN_FILE",
    "AZURE_CLIENT_ID",
    "AZURE_TENANT_ID",
];
/// The environment variables of a service principal with a secret (the environment credential).
pub const ENVIRONMENT_SECRET_ENV: [&str; 3] =
    ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"];
/// The environment variable naming a service principal's certificate file (with `AZURE_TENANT_ID`
/// and `AZURE_CLIENT_ID`; `AZURE_CLIENT_CERTIFICATE_PASSWORD` optional).
pub const ENVIRONMENT_CERTIFICATE_ENV: &str = "AZURE_CLIENT_CERTIFICATE_PATH";
/// Variables by which a platform offers a managed identity endpoint (App Service, Functions,
/// Container Apps, Arc: `IDENTITY_ENDPOINT`; older App Service and Cloud Shell: `MSI_ENDPOINT`).
pub const MANAGED_IDENTITY_ENV: [&str; 2] = ["IDENTITY_ENDPOINT", "MSI_ENDPOINT"];

/// Which credential a connection's settings select.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialKind {
    /// Managed identity: system-assigned (`None`) or user-assigned.
    ManagedIdentity(Option<UserAssigned>),
    /// Workload identity (federated token file).
    WorkloadIdentity,
    /// A service principal with a client secret from the connection's settings.
    ClientSecret,
    /// A service principal with a certificate from the connection's settings.
    ClientCertificate,
    /// A service principal with a secret from [`ENVIRONMENT_SECRET_ENV`].
    EnvironmentSecret,
    /// A service principal with a certificate from [`ENVIRONMENT_CERTIFICATE_ENV`].
    EnvironmentCertificate,
    /// The developer's own login: Azure CLI, then Azure Developer CLI.
    Developer,
}

impl CredentialKind {
    /// A short name for log fields: `managed_identity`, `workload_identity`, `client_secret`,
    /// `client_certificate`, `environment_secret`, `environment_certificate` or `developer`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::ManagedIdentity(_) => "managed_identity",
            Self::WorkloadIdentity => "workload_identity",
            Self::ClientSecret => "client_secret",
            Self::ClientCertificate => "client_certificate",
            Self::EnvironmentSecret => "environment_secret",
            Self::EnvironmentCertificate => "environment_certificate",
            Self::Developer => "developer",
        }
    }
}

impl std::fmt::Display for CredentialKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ManagedIdentity(None) => f.write_str("the system-assigned managed identity"),
            Self::ManagedIdentity(Some(id)) => write!(f, "the user-assigned managed identity {id}"),
            Self::WorkloadIdentity => f.write_str("workload identity"),
            Self::ClientSecret => f.write_str("a service principal with a client secret"),
            Self::ClientCertificate => f.write_str("a service principal with a certificate"),
            Self::EnvironmentSecret => f.write_str(
                "the service principal of `AZURE_CLIENT_ID` with `AZURE_CLIENT_SECRET` (environment)",
            ),
            Self::EnvironmentCertificate => f.write_str(
                "the service principal of `AZURE_CLIENT_ID` with `AZURE_CLIENT_CERTIFICATE_PATH` \
                 (environment)",
            ),
            Self::Developer => {
                f.write_str("your developer login (Azure CLI, then Azure Developer CLI)")
            }
        }
    }
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

impl std::fmt::Display for UserAssigned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ClientId(v) => write!(f, "with client id `{v}`"),
            Self::ResourceId(v) => write!(f, "with resource id `{v}`"),
            Self::ObjectId(v) => write!(f, "with object id `{v}`"),
        }
    }
}

/// Chooses the credential of connection `connection` from its identity settings; `settings` supplies
/// the environment of the default chain. A combination that does not fit is an error naming the
/// setting.
pub fn credential_kind(
    connection: &str,
    identity: &IdentitySettings,
    settings: &Settings,
) -> Result<CredentialKind, CredentialError> {
    let rules = Rules {
        connection,
        identity,
    };
    if let Some(kind) = rules.explicit()? {
        return Ok(kind);
    }
    if let Some(kind) = rules.service_principal()? {
        return Ok(kind);
    }
    Ok(default_chain(settings))
}

/// The rules over one connection's identity settings.
struct Rules<'a> {
    connection: &'a str,
    identity: &'a IdentitySettings,
}

impl Rules<'_> {
    fn error(&self, reason: String) -> CredentialError {
        CredentialError {
            connection: self.connection.to_owned(),
            reason,
        }
    }

    fn setting(&self, name: &str) -> String {
        format!("`{}__{name}`", self.connection)
    }

    /// `credential=managedidentity|workloadidentity`.
    fn explicit(&self) -> Result<Option<CredentialKind>, CredentialError> {
        let credential = self
            .identity
            .credential
            .as_deref()
            .map(str::to_ascii_lowercase);
        match credential.as_deref() {
            Some("managedidentity") => {
                self.no_service_principal("managedidentity")?;
                Ok(Some(CredentialKind::ManagedIdentity(self.user_assigned()?)))
            }
            Some("workloadidentity") => {
                self.no_service_principal("workloadidentity")?;
                Ok(Some(CredentialKind::WorkloadIdentity))
            }
            Some(other) => Err(self.error(format!(
                "{} is `{other}`; expected `managedidentity` or `workloadidentity` (or leave it unset)",
                self.setting("credential")
            ))),
            None => Ok(None),
        }
    }

    fn user_assigned(&self) -> Result<Option<UserAssigned>, CredentialError> {
        let identity = self.identity;
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
            _ => Err(self.error(format!(
                "set only one of {}, {} and {} to name a user-assigned managed identity",
                self.setting("clientId"),
                self.setting("managedIdentityResourceId"),
                self.setting("managedIdentityObjectId")
            ))),
        }
    }

    fn no_service_principal(&self, kind: &str) -> Result<(), CredentialError> {
        for (present, name) in [
            (self.identity.client_secret.is_some(), "clientSecret"),
            (self.identity.certificate.is_some(), "certificate"),
        ] {
            if present {
                return Err(self.error(format!(
                    "{} does not go with `credential={kind}`; remove one of them",
                    self.setting(name)
                )));
            }
        }
        Ok(())
    }

    /// `clientSecret` or `certificate`, with `tenantId` and `clientId`; or nothing that needs one.
    fn service_principal(&self) -> Result<Option<CredentialKind>, CredentialError> {
        let identity = self.identity;
        if identity.managed_identity_resource_id.is_some()
            || identity.managed_identity_object_id.is_some()
        {
            return Err(self.error(format!(
                "a user-assigned managed identity needs {}",
                self.setting("credential=managedidentity")
            )));
        }
        let kind = match (&identity.client_secret, &identity.certificate) {
            (Some(_), Some(_)) => {
                return Err(self.error(format!(
                    "set {} or {}, not both",
                    self.setting("clientSecret"),
                    self.setting("certificate")
                )));
            }
            (Some(_), None) => CredentialKind::ClientSecret,
            (None, Some(_)) => CredentialKind::ClientCertificate,
            (None, None) if identity.client_id.is_some() => {
                return Err(self.error(format!(
                    "{} alone selects no credential: add {} for a user-assigned managed identity, or {} and {} for a service principal",
                    self.setting("clientId"),
                    self.setting("credential=managedidentity"),
                    self.setting("tenantId"),
                    self.setting("clientSecret")
                )));
            }
            (None, None) => return Ok(None),
        };
        for (present, name) in [
            (identity.tenant_id.is_some(), "tenantId"),
            (identity.client_id.is_some(), "clientId"),
        ] {
            if !present {
                return Err(self.error(format!(
                    "a service principal needs {} too",
                    self.setting(name)
                )));
            }
        }
        Ok(Some(kind))
    }
}

/// The default chain, decided from the environment (see the module docs).
fn default_chain(settings: &Settings) -> CredentialKind {
    let set = |name: &str| settings.get(name).is_some_and(|v| !v.trim().is_empty());
    if ENVIRONMENT_SECRET_ENV.iter().all(|n| set(n)) {
        return CredentialKind::EnvironmentSecret;
    }
    if set(ENVIRONMENT_CERTIFICATE_ENV) && set("AZURE_TENANT_ID") && set("AZURE_CLIENT_ID") {
        return CredentialKind::EnvironmentCertificate;
    }
    if WORKLOAD_IDENTITY_ENV.iter().all(|n| set(n)) {
        return CredentialKind::WorkloadIdentity;
    }
    if MANAGED_IDENTITY_ENV
        .iter()
        .chain(&HOSTING_PLATFORM)
        .any(|n| set(n))
    {
        let id = settings
            .get("AZURE_CLIENT_ID")
            .filter(|v| !v.trim().is_empty())
            .map(|v| UserAssigned::ClientId(v.to_owned()));
        return CredentialKind::ManagedIdentity(id);
    }
    CredentialKind::Developer
}
