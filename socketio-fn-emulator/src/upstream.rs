//! Calls from the emulator to the function app's webhook, as the service makes them: CloudEvents binary
//! mode headers, `ce-signature`, bounded timeouts.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use socketio_fn_core::protocol::cloud_events::{EventKind, JSON_UTF8, TEXT_PLAIN, header};
use socketio_fn_core::protocol::signature;
use socketio_fn_core::settings::AccessKey;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where and how to call the function app.
#[derive(Debug)]
pub(crate) struct Upstream {
    http: reqwest::Client,
    url: String,
    origin: String,
    verifier_key: AccessKey,
    timeout: Duration,
    ids: AtomicU64,
    /// Whether the CloudEvents abuse-protection handshake has been made (once per emulator).
    validated: tokio::sync::OnceCell<()>,
}

/// One event for the app.
pub(crate) struct Event<'a> {
    pub(crate) kind: EventKind,
    pub(crate) hub: &'a str,
    pub(crate) namespace: &'a str,
    pub(crate) connection_id: &'a str,
    pub(crate) socket_id: &'a str,
    pub(crate) user_id: Option<&'a str>,
    /// The Socket.IO event name for messages.
    pub(crate) event_name: Option<&'a str>,
    pub(crate) body: String,
}

/// The app's reply.
#[derive(Debug)]
pub(crate) struct UpstreamReply {
    pub(crate) status: u16,
    pub(crate) body: String,
}

/// Why the app could not be reached.
#[derive(Debug, thiserror::Error)]
#[error("the function app at {url} did not answer: {reason}")]
pub(crate) struct UpstreamError {
    pub(crate) url: String,
    pub(crate) reason: String,
}

impl Upstream {
    pub(crate) fn new(url: String, origin: String, access_key: String, timeout: Duration) -> Self {
        Self {
            http: reqwest::Client::builder().build().unwrap_or_default(),
            url,
            origin,
            verifier_key: AccessKey::new(access_key),
            timeout,
            ids: AtomicU64::new(1),
            validated: tokio::sync::OnceCell::new(),
        }
    }

    /// The CloudEvents abuse-protection handshake the service makes before it uses an event handler:
    /// `OPTIONS` with `WebHook-Request-Origin`; the app must echo the origin (or `*`) in
    /// `WebHook-Allowed-Origin`. A refusal is logged (the service would refuse the handler settings);
    /// an app that is down is retried on the next event.
    async fn validate(&self) {
        let reply = self
            .http
            .request(reqwest::Method::OPTIONS, &self.url)
            .header(header::WEBHOOK_REQUEST_ORIGIN, &self.origin)
            .timeout(self.timeout)
            .send()
            .await;
        match reply {
            Err(e) => {
                tracing::warn!(url = %self.url, error = %socketio_fn_core::error::error_chain(&e), "abuse-protection handshake failed")
            }
            Ok(response) => {
                let allowed = response
                    .headers()
                    .get(header::WEBHOOK_ALLOWED_ORIGIN)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                match allowed.as_deref() {
                    Some(o) if o == "*" || o.eq_ignore_ascii_case(&self.origin) => {
                        tracing::debug!(url = %self.url, "abuse-protection handshake accepted");
                        let _ = self.validated.set(());
                    }
                    _ => {
                        tracing::error!(
                            url = %self.url,
                            status = response.status().as_u16(),
                            origin = %self.origin,
                            "the app refused the abuse-protection handshake: is the emulator's endpoint the one in its connection string?"
                        );
                        // Said once; events are still sent so the app's own errors show.
                        let _ = self.validated.set(());
                    }
                }
            }
        }
    }

    pub(crate) async fn send(&self, event: Event<'_>) -> Result<UpstreamReply, UpstreamError> {
        if !self.validated.initialized() {
            self.validate().await;
        }
        let event_name = event
            .kind
            .system_event_name()
            .or(event.event_name)
            .unwrap_or_default();
        let mut headers = HeaderMap::new();
        let mut put = |name: &str, value: &str| {
            if let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                headers.insert(n, v);
            }
        };
        put(header::WEBHOOK_REQUEST_ORIGIN, &self.origin);
        put(
            "Content-Type",
            if event.kind.is_system() {
                JSON_UTF8
            } else {
                TEXT_PLAIN
            },
        );
        put(header::SPEC_VERSION, "1.0");
        put(header::TYPE, event.kind.ce_type());
        put(
            header::SOURCE,
            &format!("/hubs/{}/client/{}", event.hub, event.connection_id),
        );
        put(
            header::ID,
            &self.ids.fetch_add(1, Ordering::Relaxed).to_string(),
        );
        put(header::TIME, &iso8601_now());
        put(
            header::SIGNATURE,
            &signature::compute(self.verifier_key.expose(), event.connection_id),
        );
        put(header::CONNECTION_ID, event.connection_id);
        put(header::HUB, event.hub);
        put(header::NAMESPACE, event.namespace);
        put(header::SOCKET_ID, event.socket_id);
        if let Some(user) = event.user_id {
            put(header::USER_ID, user);
        }
        // Event names may be any UTF-8 text: sent as raw bytes, which the runtime reads as UTF-8.
        if let Ok(v) = HeaderValue::from_bytes(event_name.as_bytes()) {
            headers.insert(HeaderName::from_static("ce-eventname"), v);
        }
        let response = self
            .http
            .post(&self.url)
            .headers(headers)
            .body(event.body)
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| UpstreamError {
                url: self.url.clone(),
                reason: if e.is_timeout() {
                    format!("timed out after {:?}", self.timeout)
                } else {
                    socketio_fn_core::error::error_chain(&e)
                },
            })?;
        let status = response.status().as_u16();
        let body = response.text().await.unwrap_or_default();
        Ok(UpstreamReply { status, body })
    }
}

/// The current UTC time as `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn iso8601_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    iso8601(secs)
}

fn iso8601(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil from days (proleptic Gregorian), after H. Hinnant's algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn iso8601() {
        assert_eq!(super::iso8601(1_727_070_184), "2024-09-23T05:43:04Z");
        assert_eq!(super::iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::iso8601(951_782_400), "2000-02-29T00:00:00Z");
    }
}
