//! Service connections: the key-based connection string and identity-based settings.

pub use socketio_fn_protocol::AccessKey;
use socketio_fn_protocol::connection_string::{ConnectionString, ConnectionStringError};
use std::fmt;

/// A secret setting value (client secret, certificate password). Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(String);

impl SecretValue {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The service endpoint: scheme, host and port, without path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    scheme: String,
    host: String,
    port: Option<u16>,
}

impl Endpoint {
    /// Parses an absolute `http`/`https` URI; a path other than `/` and a query are rejected.
    pub fn parse(text: &str) -> Result<Self, ConnectionError> {
        let invalid = |reason: &str| ConnectionError::InvalidEndpoint {
            endpoint: text.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = text.trim().trim_end_matches('/');
        let uri: axum::http::Uri = trimmed.parse().map_err(|_| invalid("not a valid URI"))?;
        let scheme = uri
            .scheme_str()
            .ok_or_else(|| {
                invalid("expected an absolute URI such as https://<name>.webpubsub.azure.com")
            })?
            .to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(invalid("the scheme must be http or https"));
        }
        let host = uri
            .host()
            .ok_or_else(|| invalid("the host is missing"))?
            .to_owned();
        if uri.path() != "/" && !uri.path().is_empty() || uri.query().is_some() {
            return Err(invalid("the endpoint must not have a path or query"));
        }
        let port = uri.port_u16().filter(|p| Some(*p) != default_port(&scheme));
        Ok(Self { scheme, host, port })
    }

    /// Replaces the port (`Port=` in a connection string).
    pub fn with_port(mut self, port: u16) -> Self {
        self.port = Some(port).filter(|p| Some(*p) != default_port(&self.scheme));
        self
    }

    /// `http` or `https`.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The host name; the webhook's `WebHook-Request-Origin` is compared with it.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The explicit port, `None` for the scheme's default.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// `scheme://host[:port]`, without trailing slash.
    ///
    /// ```
    /// use socketio_fn::app::Endpoint;
    /// assert_eq!(Endpoint::parse("http://localhost:8080/").unwrap().base(), "http://localhost:8080");
    /// assert_eq!(Endpoint::parse("https://abc:443").unwrap().base(), "https://abc");
    /// ```
    pub fn base(&self) -> String {
        match self.port {
            Some(p) => format!("{}://{}:{p}", self.scheme, self.host),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base())
    }
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// A key-based connection, parsed from `Endpoint=...;AccessKey=...;Version=1.0;[Port=...;]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyConnection {
    /// The service endpoint.
    pub endpoint: Endpoint,
    /// The access key (HMAC key, used as UTF-8 bytes).
    pub access_key: AccessKey,
}

impl KeyConnection {
    /// Parses a connection string. Keys are case-insensitive; `Endpoint` and `AccessKey` are required,
    /// `Port` overrides the endpoint's port, `Version` must be `1.0` when given, unknown keys are
    /// ignored.
    ///
    /// ```
    /// use socketio_fn::app::KeyConnection;
    /// let c = KeyConnection::parse("Endpoint=http://localhost;Port=8080;AccessKey=k;Version=1.0;").unwrap();
    /// assert_eq!(c.endpoint.base(), "http://localhost:8080");
    /// assert_eq!(c.access_key.expose(), "k");
    /// ```
    pub fn parse(text: &str) -> Result<Self, ConnectionError> {
        let parts = ConnectionString::parse(text)?;
        let mut endpoint = Endpoint::parse(parts.endpoint)?;
        if let Some(port) = parts.port {
            endpoint = endpoint.with_port(port);
        }
        Ok(Self {
            endpoint,
            access_key: AccessKey::new(parts.access_key),
        })
    }
}

/// An identity-based connection: `<name>__endpoint` plus the identity settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityConnection {
    /// The service endpoint.
    pub endpoint: Endpoint,
    /// Which credential to use.
    pub identity: IdentitySettings,
}

/// The Functions host's common properties of identity-based connections (`credential`, `clientId`,
/// `tenantId`, `clientSecret`, `certificate`, ...), read case-insensitively under the connection's name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IdentitySettings {
    /// `credential`: `managedidentity` or `workloadidentity`, when set.
    pub credential: Option<String>,
    /// `clientId`: a user-assigned managed identity, or the app registration of a service principal.
    pub client_id: Option<String>,
    /// `managedIdentityResourceId`: a user-assigned managed identity by resource id.
    pub managed_identity_resource_id: Option<String>,
    /// `managedIdentityObjectId`: a user-assigned managed identity by object (principal) id.
    pub managed_identity_object_id: Option<String>,
    /// `tenantId` (or the seed's `tenant`).
    pub tenant_id: Option<String>,
    /// `clientSecret` of a service principal.
    pub client_secret: Option<SecretValue>,
    /// `certificate`: path of a PKCS#12 (PFX) file with the service principal's certificate and key.
    pub certificate: Option<String>,
    /// `certificatePassword` of that file.
    pub certificate_password: Option<SecretValue>,
}

/// A resolved service connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceConnection {
    /// Access-key based: HMAC signatures and self-issued JWTs.
    Key(KeyConnection),
    /// Microsoft Entra identity based: no webhook signature check, bearer tokens for REST.
    Identity(IdentityConnection),
}

impl ServiceConnection {
    /// The endpoint of either kind.
    pub fn endpoint(&self) -> &Endpoint {
        match self {
            Self::Key(k) => &k.endpoint,
            Self::Identity(i) => &i.endpoint,
        }
    }

    /// The access key, for key-based connections.
    pub fn access_key(&self) -> Option<&AccessKey> {
        match self {
            Self::Key(k) => Some(&k.access_key),
            Self::Identity(_) => None,
        }
    }
}

/// Why a connection setting could not be used. Messages never contain an access key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectionError {
    /// The connection string's grammar (a property missing, repeated or invalid; the version).
    #[error(transparent)]
    ConnectionString(#[from] ConnectionStringError),
    /// The endpoint is not an absolute http(s) URI.
    #[error("invalid endpoint `{endpoint}`: {reason}")]
    InvalidEndpoint {
        /// The endpoint as written.
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar() {
        let c =
            KeyConnection::parse(" endpoint = https://abc/ ; ACCESSKEY=K;version=1.0;junk;Other=x")
                .unwrap();
        assert_eq!(c.endpoint.base(), "https://abc");
        assert_eq!(c.endpoint.host(), "abc");
        assert_eq!(c.access_key.expose(), "K");
        let c = KeyConnection::parse("Endpoint=http://abc;Port=888;AccessKey=K").unwrap();
        assert_eq!(c.endpoint.base(), "http://abc:888");
        assert_eq!(c.endpoint.host(), "abc");
        let c = KeyConnection::parse("Endpoint=https://abc;Port=443;AccessKey=K").unwrap();
        assert_eq!(c.endpoint.base(), "https://abc");
    }

    #[test]
    fn errors_name_the_culprit() {
        assert_eq!(
            KeyConnection::parse("AccessKey=K"),
            Err(ConnectionStringError::MissingProperty("Endpoint").into())
        );
        assert_eq!(
            KeyConnection::parse("Endpoint=https://a;AccessKey="),
            Err(ConnectionStringError::MissingProperty("AccessKey").into())
        );
        assert_eq!(
            KeyConnection::parse("Endpoint=https://a;endpoint=https://b;AccessKey=K"),
            Err(ConnectionStringError::DuplicateProperty("endpoint".into()).into())
        );
        for bad in ["0", "65536", "x", ""] {
            assert_eq!(
                KeyConnection::parse(&format!("Endpoint=https://a;AccessKey=K;Port={bad}")),
                Err(ConnectionStringError::InvalidPort(bad.into()).into())
            );
        }
        assert!(matches!(
            KeyConnection::parse("Endpoint=abc;AccessKey=K"),
            Err(ConnectionError::InvalidEndpoint { .. })
        ));
        assert!(matches!(
            KeyConnection::parse("Endpoint=ftp://abc;AccessKey=K"),
            Err(ConnectionError::InvalidEndpoint { .. })
        ));
    }

    #[test]
    fn key_never_in_debug() {
        let c = KeyConnection::parse("Endpoint=https://a;AccessKey=supersecret").unwrap();
        let shown = format!("{c:?} {:?}", ServiceConnection::Key(c.clone()));
        assert!(!shown.contains("supersecret"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }
}
