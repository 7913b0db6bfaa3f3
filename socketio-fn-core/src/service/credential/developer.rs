//! The developer's own login as one credential: the Azure CLI, then the Azure Developer CLI.

use azure_core::credentials::{AccessToken, TokenCredential};
use azure_identity::{
    AzureCliCredential, AzureCliCredentialOptions, AzureDeveloperCliCredential,
    AzureDeveloperCliCredentialOptions,
};
use std::sync::Arc;

/// The developer's own login: the Azure CLI (`az login`), then the Azure Developer CLI (`azd auth
/// login`), the first that gives a token being used from then on. (`azure_identity`'s
/// `DeveloperToolsCredential` chains the same two but cannot pass a tenant, which the seed's local
/// settings name.)
///
/// The CLI credentials run the tool for every token; this one keeps a token until
/// [`REFRESH_MARGIN`] before it expires.
#[derive(Debug)]
pub(super) struct DeveloperLogin {
    sources: [Arc<dyn TokenCredential>; 2],
    chosen: std::sync::OnceLock<usize>,
    cache: tokio::sync::Mutex<Option<(Vec<String>, AccessToken)>>,
}

/// How long before its expiry a cached token is replaced.
const REFRESH_MARGIN: azure_core::time::Duration = azure_core::time::Duration::minutes(5);

impl DeveloperLogin {
    pub(super) fn new(tenant_id: Option<String>) -> azure_core::Result<Self> {
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
