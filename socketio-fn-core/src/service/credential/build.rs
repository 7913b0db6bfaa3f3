//! Building the chosen credential with `azure_identity`.

use super::developer::DeveloperLogin;
use super::{
    CredentialError, CredentialKind, ENVIRONMENT_CERTIFICATE_ENV, UserAssigned, credential_kind,
};
use crate::settings::{IdentitySettings, Settings};
use azure_core::credentials::TokenCredential;
use azure_core::http::ClientOptions;
use azure_identity::{
    ClientSecretCredential, ClientSecretCredentialOptions, ManagedIdentityCredential,
    ManagedIdentityCredentialOptions, UserAssignedId, WorkloadIdentityCredential,
    WorkloadIdentityCredentialOptions,
};
use std::sync::Arc;

/// The credential of an identity-based connection and its kind, built with `azure_identity` (which
/// caches and refreshes its tokens). `client_options` lets tests point the credential's HTTP pipeline
/// at a loopback fake.
pub fn entra_credential(
    connection: &str,
    identity: &IdentitySettings,
    settings: &Settings,
    client_options: Option<ClientOptions>,
) -> Result<(CredentialKind, Arc<dyn TokenCredential>), CredentialError> {
    let kind = credential_kind(connection, identity, settings)?;
    let failed = |e: azure_core::Error| CredentialError {
        connection: connection.to_owned(),
        reason: format!("cannot create the credential ({kind}): {e}"),
    };
    let options = client_options.unwrap_or_default();
    let env = |name: &str| settings.get(name).map(str::to_owned);
    let secret =
        |v: &Option<crate::settings::SecretValue>| v.as_ref().map(|s| s.expose().to_owned());
    let credential: Arc<dyn TokenCredential> = match &kind {
        CredentialKind::ManagedIdentity(id) => {
            managed_identity(id.clone(), options).map_err(failed)?
        }
        CredentialKind::WorkloadIdentity => {
            workload_identity(identity, settings, options).map_err(failed)?
        }
        CredentialKind::ClientSecret => ServicePrincipal {
            tenant_id: identity.tenant_id.clone(),
            client_id: identity.client_id.clone(),
            secret: secret(&identity.client_secret),
            certificate: None,
        }
        .secret_credential(options)
        .map_err(failed)?,
        CredentialKind::EnvironmentSecret => ServicePrincipal {
            tenant_id: env("AZURE_TENANT_ID"),
            client_id: env("AZURE_CLIENT_ID"),
            secret: env("AZURE_CLIENT_SECRET"),
            certificate: None,
        }
        .secret_credential(options)
        .map_err(failed)?,
        CredentialKind::ClientCertificate => ServicePrincipal {
            tenant_id: identity.tenant_id.clone(),
            client_id: identity.client_id.clone(),
            secret: secret(&identity.certificate_password),
            certificate: identity.certificate.clone(),
        }
        .certificate_credential(connection, options)?,
        CredentialKind::EnvironmentCertificate => ServicePrincipal {
            tenant_id: env("AZURE_TENANT_ID"),
            client_id: env("AZURE_CLIENT_ID"),
            secret: env("AZURE_CLIENT_CERTIFICATE_PASSWORD"),
            certificate: env(ENVIRONMENT_CERTIFICATE_ENV),
        }
        .certificate_credential(connection, options)?,
        CredentialKind::Developer => {
            Arc::new(DeveloperLogin::new(identity.tenant_id.clone()).map_err(failed)?)
        }
    };
    Ok((kind, credential))
}

fn managed_identity(
    id: Option<UserAssigned>,
    client_options: ClientOptions,
) -> azure_core::Result<Arc<dyn TokenCredential>> {
    let user_assigned_id = id.map(|id| match id {
        UserAssigned::ClientId(v) => UserAssignedId::ClientId(v),
        UserAssigned::ResourceId(v) => UserAssignedId::ResourceId(v),
        UserAssigned::ObjectId(v) => UserAssignedId::ObjectId(v),
    });
    let credential = ManagedIdentityCredential::new(Some(ManagedIdentityCredentialOptions {
        user_assigned_id,
        client_options,
    }))?;
    Ok(credential)
}

/// Workload identity: the connection's `clientId`/`tenantId`, else the pod's environment, and the
/// token file the environment names (read from the settings, which hold the environment).
fn workload_identity(
    identity: &IdentitySettings,
    settings: &Settings,
    client_options: ClientOptions,
) -> azure_core::Result<Arc<dyn TokenCredential>> {
    let env = |name: &str| {
        settings
            .get(name)
            .filter(|v| !v.trim().is_empty())
            .map(str::to_owned)
    };
    let mut options = WorkloadIdentityCredentialOptions {
        client_id: identity
            .client_id
            .clone()
            .or_else(|| env("AZURE_CLIENT_ID")),
        tenant_id: identity
            .tenant_id
            .clone()
            .or_else(|| env("AZURE_TENANT_ID")),
        token_file_path: env("AZURE_FEDERATED_TOKEN_FILE").map(Into::into),
        ..Default::default()
    };
    options.credential_options.client_options = client_options;
    let credential = WorkloadIdentityCredential::new(Some(options))?;
    Ok(credential)
}

/// A service principal: its tenant and client id, and a secret or a certificate file (`secret` is
/// then the file's password).
struct ServicePrincipal {
    tenant_id: Option<String>,
    client_id: Option<String>,
    secret: Option<String>,
    certificate: Option<String>,
}

impl ServicePrincipal {
    fn secret_credential(
        self,
        client_options: ClientOptions,
    ) -> azure_core::Result<Arc<dyn TokenCredential>> {
        let credential = ClientSecretCredential::new(
            self.tenant_id.as_deref().unwrap_or_default(),
            self.client_id.unwrap_or_default(),
            self.secret.unwrap_or_default().into(),
            Some(ClientSecretCredentialOptions { client_options }),
        )?;
        Ok(credential)
    }

    #[cfg(feature = "client-certificate")]
    fn certificate_credential(
        self,
        connection: &str,
        client_options: ClientOptions,
    ) -> Result<Arc<dyn TokenCredential>, CredentialError> {
        use azure_identity::{ClientCertificateCredential, ClientCertificateCredentialOptions};
        let path = self.certificate.unwrap_or_default();
        let error = |reason: String| CredentialError {
            connection: connection.to_owned(),
            reason,
        };
        let bytes = std::fs::read(&path)
            .map_err(|e| error(format!("cannot read the certificate `{path}`: {e}")))?;
        ClientCertificateCredential::new(
            self.tenant_id.unwrap_or_default(),
            self.client_id.unwrap_or_default(),
            bytes.into(),
            Some(ClientCertificateCredentialOptions {
                client_options,
                password: self.secret.map(Into::into),
            }),
        )
        .map(|c| c as Arc<dyn TokenCredential>)
        .map_err(|e| error(format!("cannot use the certificate `{path}`: {e}")))
    }

    #[cfg(not(feature = "client-certificate"))]
    fn certificate_credential(
        self,
        connection: &str,
        _: ClientOptions,
    ) -> Result<Arc<dyn TokenCredential>, CredentialError> {
        drop(self.certificate);
        Err(CredentialError {
            connection: connection.to_owned(),
            reason:
                "a certificate needs the `client-certificate` feature of socketio-fn (it links \
                     OpenSSL)"
                    .into(),
        })
    }
}
