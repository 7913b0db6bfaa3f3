//! App settings, read like the Functions host does: environment variables and `local.settings.json`
//! (`Values`, `ConnectionStrings`, and `Host` as `Host:<name>`), the environment winning.
//!
//! Names are case-insensitive and `__` is the same as `:` (`Name__endpoint` = `Name:endpoint`).

mod connection;

pub use connection::{
    AccessKey, ConnectionError, Endpoint, IdentityConnection, IdentitySettings, KeyConnection,
    SecretValue, ServiceConnection,
};
pub use socketio_fn_protocol::setting_names::{
    CONNECTION as DEFAULT_CONNECTION_SETTING, HUB as DEFAULT_HUB_SETTING,
};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// File name of the local settings file, as in Azure Functions projects.
pub const LOCAL_SETTINGS_FILE: &str = "local.settings.json";

/// A set of app settings.
///
/// ```
/// use socketio_fn::Settings;
/// let s = Settings::from_pairs([("WebPubSubForSocketIOConnectionString", "Endpoint=https://a;AccessKey=k")]);
/// let c = s.connection("WebPubSubForSocketIOConnectionString").unwrap();
/// assert_eq!(c.endpoint().host(), "a");
/// ```
#[derive(Clone, Default)]
pub struct Settings {
    /// normalized name -> value
    values: BTreeMap<String, String>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Values may be secrets: show names only.
        f.debug_struct("Settings")
            .field("names", &self.values.keys().collect::<Vec<_>>())
            .finish()
    }
}

fn normalize(name: &str) -> String {
    name.replace("__", ":").to_lowercase()
}

impl Settings {
    /// Settings from explicit name/value pairs (tests, embedding).
    pub fn from_pairs<K: AsRef<str>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let mut s = Self::default();
        for (k, v) in pairs {
            s.set(k.as_ref(), v);
        }
        s
    }

    /// Loads `local.settings.json` (the first of [`Settings::local_settings_file`]) and then the
    /// process environment, which wins.
    pub fn load() -> Result<Self, SettingsError> {
        let file = Self::local_settings_file();
        Self::load_from(file.as_deref(), std::env::vars())
    }

    /// The `local.settings.json` that [`Settings::load`] reads: the one in the working directory,
    /// else the one next to the executable (the Functions host and `cargo socketio-fn functions`
    /// put it there), as an absolute path; `None` when neither exists.
    pub fn local_settings_file() -> Option<PathBuf> {
        let working = std::env::current_dir().ok();
        let beside_exe = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(Path::to_path_buf));
        working
            .into_iter()
            .chain(beside_exe)
            .map(|dir| dir.join(LOCAL_SETTINGS_FILE))
            .find(|path| path.is_file())
    }

    /// Loads an optional settings file, then the given environment, which wins.
    pub fn load_from(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, SettingsError> {
        let mut s = Self::default();
        if let Some(path) = file {
            s.merge_local_settings(path)?;
        }
        for (k, v) in env {
            s.set(&k, v);
        }
        Ok(s)
    }

    fn merge_local_settings(&mut self, path: &Path) -> Result<(), SettingsError> {
        let error = |reason: String| SettingsError::LocalSettings {
            path: path.to_owned(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| error(e.to_string()))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| error(e.to_string()))?;
        let sections = [
            ("Values", ""),
            ("ConnectionStrings", "ConnectionStrings:"),
            ("Host", "Host:"),
        ];
        for (section, prefix) in sections {
            let Some(values) = json.get(section) else {
                continue;
            };
            let values = values
                .as_object()
                .ok_or_else(|| error(format!("`{section}` must be an object")))?;
            for (k, v) in values {
                let v = match v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => continue,
                    other => other.to_string(),
                };
                self.set(&format!("{prefix}{k}"), v);
            }
        }
        Ok(())
    }

    /// Sets a value, replacing any value of the same (case-insensitive) name.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.values.insert(normalize(name), value.into());
    }

    /// A setting's value, looked up case-insensitively.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(&normalize(name)).map(String::as_str)
    }

    fn has_children(&self, name: &str) -> bool {
        let prefix = format!("{}:", normalize(name));
        self.values
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&prefix))
    }

    /// Resolves a `%name%` binding expression to the setting's value; other text is returned as is.
    pub fn resolve(&self, text: &str) -> Result<String, SettingsError> {
        match text.strip_prefix('%').and_then(|t| t.strip_suffix('%')) {
            Some(name) if !name.is_empty() => self
                .get(name)
                .map(str::to_owned)
                .ok_or_else(|| SettingsError::Unresolved(text.to_owned())),
            _ => Ok(text.to_owned()),
        }
    }

    /// Resolves the connection named `name` (Functions order: `ConnectionStrings:AzureWebJobs<name>`,
    /// `AzureWebJobs<name>`, `ConnectionStrings:<name>`, `<name>`; the first that exists wins). A non-empty
    /// value is a key-based connection string; otherwise a child `endpoint` selects identity-based auth.
    pub fn connection(&self, name: &str) -> Result<ServiceConnection, SettingsError> {
        let candidates = [
            format!("ConnectionStrings:AzureWebJobs{name}"),
            format!("AzureWebJobs{name}"),
            format!("ConnectionStrings:{name}"),
            name.to_owned(),
        ];
        let section = candidates
            .iter()
            .find(|c| self.get(c).is_some() || self.has_children(c))
            .ok_or_else(|| SettingsError::MissingConnection(name.to_owned()))?;
        let in_error = |source| SettingsError::Connection {
            name: name.to_owned(),
            source,
        };
        if let Some(value) = self.get(section).filter(|v| !v.trim().is_empty()) {
            return KeyConnection::parse(value)
                .map(ServiceConnection::Key)
                .map_err(in_error);
        }
        let child = |c: &str| {
            self.get(&format!("{section}:{c}"))
                .filter(|v| !v.trim().is_empty())
                .map(str::to_owned)
        };
        let endpoint =
            child("endpoint").ok_or_else(|| SettingsError::MissingEndpoint(name.to_owned()))?;
        Ok(ServiceConnection::Identity(IdentityConnection {
            endpoint: Endpoint::parse(&endpoint).map_err(in_error)?,
            identity: IdentitySettings {
                credential: child("credential"),
                client_id: child("clientId"),
                managed_identity_resource_id: child("managedIdentityResourceId"),
                managed_identity_object_id: child("managedIdentityObjectId"),
                tenant_id: child("tenantId").or_else(|| child("tenant")),
                client_secret: child("clientSecret").map(SecretValue::new),
                certificate: child("certificate"),
                certificate_password: child("certificatePassword").map(SecretValue::new),
            },
        }))
    }

    /// Whether any form of the connection `name` is configured.
    pub fn has_connection(&self, name: &str) -> bool {
        !matches!(
            self.connection(name),
            Err(SettingsError::MissingConnection(_))
        )
    }
}

/// Why settings could not be loaded or used. Messages never contain setting values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// The named connection is not configured at all.
    #[error(
        "connection setting `{0}` does not exist: set `{0}` to a connection string \
         (`Endpoint=https://<name>.webpubsub.azure.com;AccessKey=<key>;Version=1.0;`) for access-key auth, \
         or `{0}__endpoint` (and optionally `{0}__credential`, `{0}__clientId`) for identity-based auth"
    )]
    MissingConnection(String),
    /// The connection has identity settings but no endpoint.
    #[error(
        "connection `{0}` has no `{0}__endpoint`: set it for identity-based auth, or set `{0}` to a connection string"
    )]
    MissingEndpoint(String),
    /// The connection's value is invalid.
    #[error("connection setting `{name}`: {source}")]
    Connection {
        /// Setting name.
        name: String,
        /// What is wrong.
        #[source]
        source: ConnectionError,
    },
    /// A `%name%` expression names no setting.
    #[error("failed to resolve `{0}`: no such app setting")]
    Unresolved(String),
    /// `local.settings.json` could not be read or parsed.
    #[error("cannot read `{}`: {reason}", path.display())]
    LocalSettings {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    const CS: &str = "Endpoint=https://abc.webpubsub.azure.com;AccessKey=K;Version=1.0;";

    #[test]
    fn names_are_case_insensitive_and_double_underscore_is_colon() {
        let s = Settings::from_pairs([("Conn__Endpoint", "https://id.example")]);
        assert_eq!(s.get("conn:endpoint"), Some("https://id.example"));
        let c = s.connection("CONN").unwrap();
        assert!(
            matches!(c, ServiceConnection::Identity(ref i) if i.endpoint.host() == "id.example")
        );
    }

    #[test]
    fn lookup_order() {
        let s = Settings::from_pairs([
            ("X", "Endpoint=https://plain;AccessKey=K"),
            ("AzureWebJobsX", "Endpoint=https://webjobs;AccessKey=K"),
        ]);
        assert_eq!(s.connection("X").unwrap().endpoint().host(), "webjobs");
        let s = Settings::from_pairs([("ConnectionStrings:X", CS)]);
        assert_eq!(
            s.connection("X").unwrap().endpoint().host(),
            "abc.webpubsub.azure.com"
        );
    }

    #[test]
    fn identity_children() {
        let s = Settings::from_pairs([
            ("C__endpoint", "https://id.example"),
            ("C__credential", "managedidentity"),
            ("C__clientId", "cid"),
        ]);
        assert_eq!(
            s.connection("C").unwrap(),
            ServiceConnection::Identity(IdentityConnection {
                endpoint: Endpoint::parse("https://id.example").unwrap(),
                identity: IdentitySettings {
                    credential: Some("managedidentity".into()),
                    client_id: Some("cid".into()),
                    ..IdentitySettings::default()
                },
            })
        );
        let s = Settings::from_pairs([("C__credential", "managedidentity")]);
        assert_eq!(
            s.connection("C"),
            Err(SettingsError::MissingEndpoint("C".into()))
        );
    }

    #[test]
    fn missing_connection_message_names_it() {
        let e = Settings::default().connection("Mine").unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("`Mine`") && text.contains("Mine__endpoint"),
            "{text}"
        );
    }

    #[test]
    fn bad_connection_string_error_hides_the_key() {
        let s = Settings::from_pairs([("C", "Endpoint=nope;AccessKey=topsecret")]);
        let e = s.connection("C").unwrap_err().to_string();
        assert!(e.contains("invalid endpoint `nope`"), "{e}");
        assert!(!e.contains("topsecret"));
        assert!(!format!("{s:?}").contains("topsecret"));
    }

    #[test]
    fn local_settings_file_and_env_precedence() {
        let dir = std::env::temp_dir().join(format!("sfn-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(LOCAL_SETTINGS_FILE);
        std::fs::write(
            &path,
            r#"{"IsEncrypted":false,"Values":{"A":"file","B":"file","N":3},"ConnectionStrings":{"C":"x"},"Host":{"CORS":"*"}}"#,
        )
        .unwrap();
        let s = Settings::load_from(Some(&path), [("a".to_string(), "env".to_string())]).unwrap();
        assert_eq!(s.get("A"), Some("env"));
        assert_eq!(s.get("B"), Some("file"));
        assert_eq!(s.get("N"), Some("3"));
        assert_eq!(s.get("ConnectionStrings:C"), Some("x"));
        assert_eq!(s.get("Host__CORS"), Some("*"));

        std::fs::write(&path, "{not json").unwrap();
        let e = Settings::load_from(Some(&path), []).unwrap_err();
        assert!(matches!(e, SettingsError::LocalSettings { .. }), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn resolves_percent_expressions() {
        let s = Settings::from_pairs([("HubName", "chat")]);
        assert_eq!(s.resolve("%HubName%").unwrap(), "chat");
        assert_eq!(s.resolve("plain").unwrap(), "plain");
        assert_eq!(
            s.resolve("%Nope%"),
            Err(SettingsError::Unresolved("%Nope%".into()))
        );
    }
}
