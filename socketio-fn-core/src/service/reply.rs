//! Reading the service's replies, bounded: a 2xx body drained or read as text up to
//! [`MAX_REPLY_BYTES`], an error body cut at a few kilobytes into a typed [`ServiceError::Refused`].

use super::error::ServiceError;

/// The most bytes of a reply body read (a longer error body is cut; a longer 2xx body is an
/// invalid reply).
pub const MAX_REPLY_BYTES: usize = 1024 * 1024;
/// The most bytes of an error body kept in a [`ServiceError::Refused`] message.
pub(super) const MAX_ERROR_BYTES: usize = 4 * 1024;

/// Reads a reply's body to its end without keeping it (an action's reply says nothing the 2xx status
/// did not), so that its connection goes back to the pool; a body past [`MAX_REPLY_BYTES`] is an
/// invalid reply.
pub(super) async fn drain(
    mut response: reqwest::Response,
    operation: &'static str,
) -> Result<(), ServiceError> {
    let invalid = |source| ServiceError::InvalidReply { operation, source };
    let mut read = 0;
    while let Some(chunk) = response.chunk().await.map_err(|e| invalid(Box::new(e)))? {
        read += chunk.len();
        if read > MAX_REPLY_BYTES {
            return Err(invalid(
                format!("the reply is larger than {MAX_REPLY_BYTES} bytes").into(),
            ));
        }
    }
    Ok(())
}

/// Reads at most `limit` bytes of a reply body as text (lossy); `Err` past the limit.
pub(super) async fn read_limited(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<(String, bool), reqwest::Error> {
    let mut bytes: Vec<u8> = Vec::new();
    let mut cut = false;
    while let Some(chunk) = response.chunk().await? {
        let room = limit.saturating_sub(bytes.len());
        if chunk.len() > room {
            bytes.extend_from_slice(&chunk[..room]);
            cut = true;
            break;
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok((String::from_utf8_lossy(&bytes).into_owned(), cut))
}

pub(super) async fn read_text(
    response: reqwest::Response,
    operation: &'static str,
    limit: usize,
) -> Result<String, ServiceError> {
    let invalid = |source: Box<dyn std::error::Error + Send + Sync>| ServiceError::InvalidReply {
        operation,
        source,
    };
    match read_limited(response, limit).await {
        Ok((_, true)) => Err(invalid(
            format!("the reply is larger than {limit} bytes").into(),
        )),
        Ok((text, false)) => Ok(text),
        Err(e) => Err(invalid(Box::new(e))),
    }
}

/// The typed error of a refused call: status, `x-ms-error-code` or the body's `code`, the body's
/// `message` (or the body, cut at a few kilobytes).
pub(super) async fn refused(operation: &'static str, response: reqwest::Response) -> ServiceError {
    let status = response.status().as_u16();
    let code = response
        .headers()
        .get(socketio_fn_protocol::paths::ERROR_CODE_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (body, cut) = read_limited(response, MAX_ERROR_BYTES)
        .await
        .unwrap_or_default();
    let json: Option<serde_json::Value> = serde_json::from_str(&body).ok();
    let field = |name: &str| {
        json.as_ref()
            .and_then(|j| j.get(name))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let message = field("message").unwrap_or_else(|| {
        if cut {
            format!("{body}… (cut at {MAX_ERROR_BYTES} bytes)")
        } else {
            body.clone()
        }
    });
    ServiceError::Refused {
        operation,
        status,
        code: code.or_else(|| field("code")),
        message,
    }
}
