//! One instance of the function app behind the emulator: its URL (parsed once, shown without the
//! webhook code), its circuit breaker and its abuse-protection handshake.

use super::in_process::InProcess;
use super::{BREAKER_THRESHOLD, UpstreamError, redacted};
use axum::body::Bytes;
use socketio_fn_protocol::cloud_events::{handshake_headers, header};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How a call reaches an instance: over HTTP, or through the app's router in this process.
#[derive(Clone, Copy)]
pub(super) enum Via<'a> {
    Http(&'a reqwest::Client),
    InProcess(&'a InProcess),
}

/// Where one instance of the app listens, and how it has been answering. Its `Debug` shows the URL
/// without its query (the webhook code).
pub(super) struct Instance {
    url: String,
    /// The URL parsed once (each call clones it instead of parsing the text again); `None` when it does
    /// not parse, and each call then fails as reqwest refuses the text.
    parsed: Option<reqwest::Url>,
    /// The URL as logs and clients see it: the query (`?code=...`) redacted.
    pub(super) shown: String,
    /// Whether the CloudEvents abuse-protection handshake has been made with this instance.
    validated: tokio::sync::OnceCell<()>,
    breaker: Mutex<Breaker>,
    cool_down: Duration,
}

impl std::fmt::Debug for Instance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instance")
            .field("url", &self.shown)
            .field("breaker", &self.breaker)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Default)]
struct Breaker {
    failures: u32,
    open_until: Option<Instant>,
}

impl Instance {
    pub(super) fn new(url: String, cool_down: Duration) -> Self {
        Self {
            shown: redacted(&url),
            parsed: reqwest::Url::parse(&url).ok(),
            url,
            validated: tokio::sync::OnceCell::new(),
            breaker: Mutex::default(),
            cool_down,
        }
    }

    /// The URL calls go to (its query may hold the webhook code: never shown).
    pub(super) fn url(&self) -> &str {
        &self.url
    }

    /// POSTs `body` with `headers` to this instance. The request is built whole: reqwest's builder
    /// would merge the headers into its own map one by one (about 10,000 instructions a call).
    pub(super) async fn post(
        &self,
        http: &reqwest::Client,
        headers: http::HeaderMap,
        body: Bytes,
        timeout: Duration,
    ) -> reqwest::Result<reqwest::Response> {
        let Some(url) = &self.parsed else {
            // reqwest refuses the text with its own error.
            let request = http.post(&self.url).headers(headers).body(body);
            return request.timeout(timeout).send().await;
        };
        let mut request = reqwest::Request::new(reqwest::Method::POST, url.clone());
        *request.headers_mut() = headers;
        *request.body_mut() = Some(body.into());
        *request.timeout_mut() = Some(timeout);
        http.execute(request).await
    }

    fn breaker(&self) -> std::sync::MutexGuard<'_, Breaker> {
        self.breaker
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether calls go to this instance now: not while its breaker is open.
    pub(super) fn available(&self) -> bool {
        self.breaker()
            .open_until
            .is_none_or(|until| Instant::now() >= until)
    }

    /// Records a call's outcome: a reached instance closes the breaker; `BREAKER_THRESHOLD` failures
    /// in a row open it for the cool-down.
    pub(super) fn record(&self, reached: bool) {
        let mut breaker = self.breaker();
        if reached {
            *breaker = Breaker::default();
            return;
        }
        breaker.failures += 1;
        if breaker.failures >= BREAKER_THRESHOLD {
            if breaker.open_until.is_none_or(|u| Instant::now() >= u) {
                tracing::warn!(url = %self.shown, "the function app is not answering: failing events for {:?}", self.cool_down);
            }
            breaker.open_until = Some(Instant::now() + self.cool_down);
        }
    }

    /// The handshake, the first time this instance is called.
    pub(super) async fn validate_once(&self, via: Via<'_>, origin: &str, timeout: Duration) {
        if !self.validated.initialized() {
            self.validate(via, origin, timeout).await;
        }
    }

    /// The CloudEvents abuse-protection handshake the service makes before it uses an event handler:
    /// `OPTIONS` with `WebHook-Request-Origin` (and the version headers); the app must echo the origin (or
    /// `*`) in `WebHook-Allowed-Origin`. A refusal is logged (the service would refuse the handler
    /// settings); an app that is down is retried on the next event.
    async fn validate(&self, via: Via<'_>, origin: &str, timeout: Duration) {
        let Ok(headers) = handshake_headers(origin) else {
            return;
        };
        let reply = match via {
            Via::Http(http) => http
                .request(reqwest::Method::OPTIONS, &self.url)
                .headers(headers)
                .timeout(timeout)
                .send()
                .await
                .map(|r| {
                    (
                        r.status(),
                        r.headers().get(header::WEBHOOK_ALLOWED_ORIGIN).cloned(),
                    )
                })
                .map_err(|e| socketio_fn_protocol::error_chain(&e.without_url())),
            Via::InProcess(app) => app
                .call(http::Method::OPTIONS, headers, Bytes::new(), timeout)
                .await
                .map(|r| {
                    (
                        r.status(),
                        r.headers().get(header::WEBHOOK_ALLOWED_ORIGIN).cloned(),
                    )
                })
                .map_err(|failure| failure.reason(timeout)),
        };
        let (status, allowed) = match reply {
            Ok(reply) => reply,
            Err(error) => {
                tracing::warn!(url = %self.shown, error = %error, "abuse-protection handshake failed");
                return;
            }
        };
        match allowed.as_ref().and_then(|v| v.to_str().ok()) {
            Some(o) if o == "*" || o.eq_ignore_ascii_case(origin) => {
                tracing::debug!(url = %self.shown, "abuse-protection handshake accepted");
            }
            _ => tracing::error!(
                url = %self.shown,
                status = status.as_u16(),
                origin = %origin,
                "the app refused the abuse-protection handshake: is the emulator's endpoint the one in its connection string?"
            ),
        }
        // Said once; events are still sent so the app's own errors show.
        let _ = self.validated.set(());
    }

    /// The error for a call this instance did not answer.
    pub(super) fn unreachable(&self, reason: String) -> UpstreamError {
        UpstreamError::Unreachable {
            url: self.shown.clone(),
            reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upstream::BREAKER_COOL_DOWN;

    #[test]
    fn debug_hides_the_webhook_code() {
        let u = Instance::new("http://127.0.0.1:1/x?code=SECRET".into(), BREAKER_COOL_DOWN);
        let shown = format!("{u:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("http://127.0.0.1:1/x?<redacted>"), "{shown}");
    }

    #[test]
    fn the_breaker_opens_after_failures_and_closes_on_success() {
        let u = Instance::new("http://127.0.0.1:1/x".into(), BREAKER_COOL_DOWN);
        for _ in 0..BREAKER_THRESHOLD - 1 {
            u.record(false);
            assert!(u.available());
        }
        u.record(false);
        assert!(!u.available());
        u.breaker().open_until = Some(Instant::now());
        assert!(u.available(), "half open after the cool-down");
        u.record(true);
        assert!(u.available());
        assert_eq!(u.breaker().failures, 0);
    }
}
