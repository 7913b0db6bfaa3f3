//! Parsing of the CloudEvents headers of an upstream request.

use crate::protocol::cloud_events::header;
use axum::http::HeaderMap;

/// The headers every event must carry, parsed.
#[derive(Debug)]
pub(crate) struct UpstreamHeaders {
    pub(crate) origin: String,
    pub(crate) connection_id: String,
    pub(crate) hub: String,
    pub(crate) ce_type: String,
    pub(crate) event_name: String,
    pub(crate) namespace: String,
    pub(crate) socket_id: String,
    pub(crate) signature: Option<String>,
    pub(crate) user_id: Option<String>,
}

/// Why the headers were rejected (400); the text names the header.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum HeaderError {
    #[error("missing required header `{0}`")]
    Missing(&'static str),
    #[error("header `{0}` must not be empty")]
    Empty(&'static str),
    #[error("header `{0}` must appear only once")]
    Repeated(&'static str),
    #[error("header `{0}` is not valid UTF-8")]
    NotUtf8(&'static str),
}

fn text<'a>(
    name: &'static str,
    value: &'a axum::http::HeaderValue,
) -> Result<&'a str, HeaderError> {
    std::str::from_utf8(value.as_bytes()).map_err(|_| HeaderError::NotUtf8(name))
}

/// Exactly one value; `allow_empty` only for `ce-type`.
fn single(
    headers: &HeaderMap,
    name: &'static str,
    allow_empty: bool,
) -> Result<String, HeaderError> {
    let mut values = headers.get_all(name).iter();
    let value = values.next().ok_or(HeaderError::Missing(name))?;
    if values.next().is_some() {
        return Err(HeaderError::Repeated(name));
    }
    let value = text(name, value)?.trim();
    if value.is_empty() && !allow_empty {
        return Err(HeaderError::Empty(name));
    }
    Ok(value.to_owned())
}

/// All values joined with `,` (list headers); `None` when absent.
pub(crate) fn joined(
    headers: &HeaderMap,
    name: &'static str,
) -> Result<Option<String>, HeaderError> {
    let mut out: Option<String> = None;
    for value in headers.get_all(name) {
        let value = text(name, value)?;
        match &mut out {
            Some(s) => {
                s.push(',');
                s.push_str(value);
            }
            None => out = Some(value.to_owned()),
        }
    }
    Ok(out)
}

impl UpstreamHeaders {
    pub(crate) fn parse(headers: &HeaderMap) -> Result<Self, HeaderError> {
        let origin = joined(headers, header::WEBHOOK_REQUEST_ORIGIN)?
            .ok_or(HeaderError::Missing(header::WEBHOOK_REQUEST_ORIGIN))?;
        if origin.trim().is_empty() {
            return Err(HeaderError::Empty(header::WEBHOOK_REQUEST_ORIGIN));
        }
        Ok(Self {
            origin,
            connection_id: single(headers, header::CONNECTION_ID, false)?,
            hub: single(headers, header::HUB, false)?,
            ce_type: single(headers, header::TYPE, true)?,
            event_name: single(headers, header::EVENT_NAME, false)?,
            namespace: single(headers, header::NAMESPACE, false)?,
            socket_id: single(headers, header::SOCKET_ID, false)?,
            signature: joined(headers, header::SIGNATURE)?,
            user_id: headers
                .get(header::USER_ID)
                .map(|v| text(header::USER_ID, v))
                .transpose()?
                .map(str::to_owned)
                .filter(|s| !s.is_empty()),
        })
    }
}
