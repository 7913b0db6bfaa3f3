//! The JSON bodies of the system events (`connect`, `connected`, `disconnected`).

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// A map of names to lists of values (claims, query, headers of a connect request).
pub type MultiMap = BTreeMap<String, Vec<String>>;

/// Name/value pairs as a [`MultiMap`]: every value of a name, in the order given.
pub fn to_multimap(pairs: impl IntoIterator<Item = (String, String)>) -> MultiMap {
    let mut map = MultiMap::new();
    for (name, value) in pairs {
        map.entry(name).or_default().push(value);
    }
    map
}

/// A URL's query (`a=1&b=x%20y&a=3`, form-urlencoded, without the `?`) as a [`MultiMap`], as the
/// service passes a connect request's query on and negotiation functions read theirs.
///
/// ```
/// use socketio_fn_protocol::cloud_events::query_multimap;
/// let query = query_multimap("a=1&b=x%20y&a=3");
/// assert_eq!(query["a"], ["1", "3"]);
/// assert_eq!(query["b"], ["x y"]);
/// assert!(query_multimap("").is_empty());
/// ```
pub fn query_multimap(query: &str) -> MultiMap {
    to_multimap(
        form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())),
    )
}

/// A client certificate presented when connecting.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ClientCertificate {
    /// SHA-1 thumbprint.
    #[serde(default)]
    pub thumbprint: Option<String>,
    /// PEM content.
    #[serde(default)]
    pub content: Option<String>,
}

/// Why a system event body was refused.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// The body is not a JSON object.
    #[error("expected a JSON object")]
    NotAnObject,
    /// The object does not have the expected shape.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

/// Parses a JSON object body (arrays, which serde would read as a struct's fields in order, are refused).
fn object<'de, T: Deserialize<'de>>(bytes: &'de [u8]) -> Result<T, BodyError> {
    if bytes.trim_ascii_start().first() != Some(&b'{') {
        return Err(BodyError::NotAnObject);
    }
    Ok(serde_json::from_slice(bytes)?)
}

/// The body of a `connect` event. The reference requires all five members; missing ones are read as
/// empty here (lenient about absence, strict about shapes). Claim values that are not strings are
/// written as JSON text.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectBody {
    /// Claims of the client's access token.
    #[serde(default, deserialize_with = "multimap")]
    pub claims: MultiMap,
    /// Query of the client's connection request.
    #[serde(default, deserialize_with = "multimap")]
    pub query: MultiMap,
    /// Headers of the client's connection request.
    #[serde(default, deserialize_with = "multimap")]
    pub headers: MultiMap,
    /// Subprotocols the client asked for.
    #[serde(default, deserialize_with = "strings")]
    pub subprotocols: Vec<String>,
    /// Client certificates.
    #[serde(default, deserialize_with = "certificates")]
    pub client_certificates: Vec<ClientCertificate>,
}

impl ConnectBody {
    /// Parses a `connect` body; it must be a JSON object.
    ///
    /// ```
    /// use socketio_fn::protocol::cloud_events::ConnectBody;
    /// let b = ConnectBody::from_json(br#"{"claims":{"sub":["alice"]},"query":null}"#).unwrap();
    /// assert_eq!(b.claims["sub"], ["alice"]);
    /// assert!(ConnectBody::from_json(b"[]").is_err());
    /// ```
    pub fn from_json(bytes: &[u8]) -> Result<Self, BodyError> {
        object(bytes)
    }

    /// The JSON body the service sends.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The body of a `disconnected` event.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DisconnectedBody {
    /// Why the socket disconnected.
    #[serde(default)]
    pub reason: Option<String>,
}

impl DisconnectedBody {
    /// Parses a `disconnected` body: a JSON object, or nothing (no reason).
    pub fn from_json(bytes: &[u8]) -> Result<Self, BodyError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::default());
        }
        object(bytes)
    }

    /// The JSON body the service sends.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The body of a `connected` event.
pub const CONNECTED_BODY: &str = "{}";

/// A JSON object of strings or arrays of strings (`null` values and a `null` object read as empty,
/// other array items as JSON text) as a [`MultiMap`]: the rule of the `connect` body's maps, for
/// other JSON carrying the same maps (the Functions host's request objects).
///
/// ```
/// use socketio_fn::protocol::cloud_events::multimap_from_json;
/// let m = multimap_from_json(serde_json::json!({"a": "1", "b": ["2", 3], "c": null})).unwrap();
/// assert_eq!((m["a"].clone(), m["b"].clone(), m["c"].len()), (vec!["1".to_owned()], vec!["2".to_owned(), "3".to_owned()], 0));
/// assert!(multimap_from_json(serde_json::json!({"a": 5})).is_err());
/// ```
pub fn multimap_from_json(value: Value) -> Result<MultiMap, serde_json::Error> {
    multimap(value)
}

fn multimap<'de, D: Deserializer<'de>>(d: D) -> Result<MultiMap, D::Error> {
    use serde::de::Error as _;
    let raw: Option<BTreeMap<String, Value>> = Option::deserialize(d)?;
    let mut out = MultiMap::new();
    for (key, value) in raw.unwrap_or_default() {
        let values = match value {
            Value::Null => Vec::new(),
            Value::String(s) => vec![s],
            Value::Array(items) => items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                })
                .collect(),
            _ => {
                return Err(D::Error::custom(format!(
                    "`{key}` must be a string or an array of strings"
                )));
            }
        };
        out.insert(key, values);
    }
    Ok(out)
}

fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(d)?.unwrap_or_default())
}

fn certificates<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ClientCertificate>, D::Error> {
    let raw: Option<Vec<Option<ClientCertificate>>> = Option::deserialize(d)?;
    Ok(raw.unwrap_or_default().into_iter().flatten().collect())
}
