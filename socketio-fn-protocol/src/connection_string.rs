//! The key-based connection string: `Endpoint=<url>;AccessKey=<key>;Version=1.0;[Port=<port>;]`.
//! Keys are case-insensitive; `Endpoint` and `AccessKey` are required, `Port` overrides the
//! endpoint's port, `Version` must be `1.0` when given, unknown keys are ignored, a key given twice is
//! an error.

/// The parts of a connection string, borrowed from it. The endpoint is not checked here (the runtime
/// and the emulator each parse it as a URL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionString<'a> {
    /// `Endpoint`, trimmed.
    pub endpoint: &'a str,
    /// `AccessKey`, trimmed. A secret: never log it.
    pub access_key: &'a str,
    /// `Port`, when given.
    pub port: Option<u16>,
}

/// Why a connection string does not parse. Messages never contain the access key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectionStringError {
    /// A required property is missing or empty.
    #[error("required property `{0}` not found in the connection string")]
    MissingProperty(&'static str),
    /// A property appears twice.
    #[error("duplicate property `{0}` in the connection string")]
    DuplicateProperty(String),
    /// `Port` is not an integer in 1..=65535.
    #[error("invalid `Port` value `{0}`: expected an integer from 1 to 65535")]
    InvalidPort(String),
    /// `Version` names a format this crate does not know (only `1.0` exists).
    #[error("unsupported `Version` `{0}`: expected `1.0`")]
    UnsupportedVersion(String),
}

impl<'a> ConnectionString<'a> {
    /// Parses a connection string.
    ///
    /// ```
    /// use socketio_fn::protocol::connection_string::ConnectionString;
    /// let c = ConnectionString::parse("Endpoint=http://localhost;Port=8080;AccessKey=k;Version=1.0;").unwrap();
    /// assert_eq!((c.endpoint, c.access_key, c.port), ("http://localhost", "k", Some(8080)));
    /// ```
    pub fn parse(text: &'a str) -> Result<Self, ConnectionStringError> {
        let (mut endpoint, mut access_key, mut port) = (None, None, None);
        let mut seen: Vec<String> = Vec::new();
        for part in text.split(';') {
            let Some((key, value)) = part.split_once('=') else {
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            if seen.contains(&key) {
                return Err(ConnectionStringError::DuplicateProperty(key));
            }
            let value = value.trim();
            match key.as_str() {
                "endpoint" => endpoint = Some(value),
                "accesskey" => access_key = Some(value),
                "port" => port = Some(value),
                "version" if value != "1.0" => {
                    return Err(ConnectionStringError::UnsupportedVersion(value.to_owned()));
                }
                _ => {}
            }
            seen.push(key);
        }
        let required = |value: Option<&'a str>, name| {
            value
                .filter(|v| !v.is_empty())
                .ok_or(ConnectionStringError::MissingProperty(name))
        };
        let endpoint = required(endpoint, "Endpoint")?;
        let access_key = required(access_key, "AccessKey")?;
        let port = port
            .map(|raw| {
                raw.parse::<u16>()
                    .ok()
                    .filter(|p| *p != 0)
                    .ok_or_else(|| ConnectionStringError::InvalidPort(raw.to_owned()))
            })
            .transpose()?;
        Ok(Self {
            endpoint,
            access_key,
            port,
        })
    }
}

/// The connection string of `endpoint` (`scheme://host[:port]`) and `access_key`. It contains the key:
/// never log it.
///
/// ```
/// use socketio_fn::protocol::connection_string::{ConnectionString, format};
/// let text = format("http://127.0.0.1:7072", "k");
/// assert_eq!(text, "Endpoint=http://127.0.0.1:7072;AccessKey=k;Version=1.0;");
/// assert_eq!(ConnectionString::parse(&text).unwrap().access_key, "k");
/// ```
pub fn format(endpoint: &str, access_key: &str) -> String {
    format!("Endpoint={endpoint};AccessKey={access_key};Version=1.0;")
}
