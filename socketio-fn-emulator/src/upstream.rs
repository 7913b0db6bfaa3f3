//! Calls from the emulator to the function app's webhook, as the service makes them: the CloudEvents
//! envelope from the protocol crate (the same type the webhook parses), `ce-signature`, bounded timeouts,
//! and a circuit breaker so a hanging or unreachable app fails queued events fast.

use socketio_fn_protocol::AccessKey;
use socketio_fn_protocol::cloud_events::{
    CloudEvent, EventKind, HeaderError, handshake_headers, header,
};
use socketio_fn_protocol::signature::Verifier;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Consecutive failures (timeouts or unreachable) after which the breaker opens.
pub const BREAKER_THRESHOLD: u32 = 3;
/// How long an open breaker fails calls before it lets one through again (default of
/// `EmulatorConfig::breaker_cool_down`).
pub const BREAKER_COOL_DOWN: Duration = Duration::from_secs(5);

/// Upstream calls in flight at once (the rest wait their turn): keeps the emulator's connections to the
/// app well under any connection cap of the app.
pub const MAX_CONCURRENT_CALLS: usize = 128;

/// Where and how to call the function app.
#[derive(Debug)]
pub(crate) struct Upstream {
    http: reqwest::Client,
    url: String,
    /// The URL parsed once (each call clones it instead of parsing the text again); `None` when it does
    /// not parse, and each call then fails as reqwest refuses the text.
    parsed: Option<reqwest::Url>,
    /// The URL as logs and clients see it: the query (`?code=...`) redacted.
    shown: String,
    origin: String,
    /// Signs each request's connection id (the key's HMAC state made once).
    signer: Verifier,
    timeout: Duration,
    ids: AtomicU64,
    /// Whether the CloudEvents abuse-protection handshake has been made (once per emulator).
    validated: tokio::sync::OnceCell<()>,
    breaker: Mutex<Breaker>,
    cool_down: Duration,
    slots: tokio::sync::Semaphore,
}

#[derive(Debug, Default)]
struct Breaker {
    failures: u32,
    open_until: Option<Instant>,
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

/// Why the app could not be called.
#[derive(Debug, thiserror::Error)]
pub(crate) enum UpstreamError {
    /// The app did not answer.
    #[error("the function app at {url} did not answer: {reason}")]
    Unreachable { url: String, reason: String },
    /// Recent calls failed; calls fail fast until the breaker lets one through.
    #[error(
        "the function app at {url} is not answering (the last {BREAKER_THRESHOLD} calls failed); retrying in a few seconds"
    )]
    Down { url: String },
    /// A value of the event cannot travel in a header.
    #[error(transparent)]
    Header(#[from] HeaderError),
}

impl Upstream {
    pub(crate) fn new(
        url: String,
        origin: String,
        key: AccessKey,
        timeout: Duration,
        cool_down: Duration,
    ) -> Self {
        Self {
            http: reqwest::Client::builder()
                .pool_max_idle_per_host(MAX_CONCURRENT_CALLS)
                .build()
                .unwrap_or_default(),
            shown: redacted(&url),
            parsed: reqwest::Url::parse(&url).ok(),
            url,
            origin,
            signer: Verifier::new(&key),
            timeout,
            ids: AtomicU64::new(1),
            validated: tokio::sync::OnceCell::new(),
            breaker: Mutex::default(),
            cool_down,
            slots: tokio::sync::Semaphore::new(MAX_CONCURRENT_CALLS),
        }
    }

    fn breaker(&self) -> std::sync::MutexGuard<'_, Breaker> {
        self.breaker
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Fails fast while the breaker is open.
    fn check_breaker(&self) -> Result<(), UpstreamError> {
        let breaker = self.breaker();
        match breaker.open_until {
            Some(until) if Instant::now() < until => Err(UpstreamError::Down {
                url: self.shown.clone(),
            }),
            _ => Ok(()),
        }
    }

    fn record(&self, reached: bool) {
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

    /// The CloudEvents abuse-protection handshake the service makes before it uses an event handler:
    /// `OPTIONS` with `WebHook-Request-Origin` (and the version headers); the app must echo the origin (or
    /// `*`) in `WebHook-Allowed-Origin`. A refusal is logged (the service would refuse the handler
    /// settings); an app that is down is retried on the next event.
    async fn validate(&self) {
        let Ok(headers) = handshake_headers(&self.origin) else {
            return;
        };
        let reply = self
            .http
            .request(reqwest::Method::OPTIONS, &self.url)
            .headers(headers)
            .timeout(self.timeout)
            .send()
            .await;
        match reply {
            Err(e) => {
                tracing::warn!(url = %self.shown, error = %socketio_fn_protocol::error_chain(&e.without_url()), "abuse-protection handshake failed")
            }
            Ok(response) => {
                let allowed = response
                    .headers()
                    .get(header::WEBHOOK_ALLOWED_ORIGIN)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                match allowed.as_deref() {
                    Some(o) if o == "*" || o.eq_ignore_ascii_case(&self.origin) => {
                        tracing::debug!(url = %self.shown, "abuse-protection handshake accepted");
                    }
                    _ => tracing::error!(
                        url = %self.shown,
                        status = response.status().as_u16(),
                        origin = %self.origin,
                        "the app refused the abuse-protection handshake: is the emulator's endpoint the one in its connection string?"
                    ),
                }
                // Said once; events are still sent so the app's own errors show.
                let _ = self.validated.set(());
            }
        }
    }

    pub(crate) async fn send(&self, event: Event<'_>) -> Result<UpstreamReply, UpstreamError> {
        self.check_breaker()?;
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|_| UpstreamError::Down {
                url: self.shown.clone(),
            })?;
        // The breaker may have opened while this call waited for its turn.
        self.check_breaker()?;
        if !self.validated.initialized() {
            self.validate().await;
        }
        let signature = self.signer.signature(event.connection_id);
        let envelope = CloudEvent {
            connection_id: event.connection_id,
            hub: event.hub,
            ce_type: event.kind.ce_type(),
            event_name: event
                .kind
                .system_event_name()
                .or(event.event_name)
                .unwrap_or_default(),
            namespace: event.namespace,
            socket_id: event.socket_id,
            user_id: event.user_id,
            origin: Some(self.origin.as_str().into()),
            signature: Some(signature.into()),
        };
        let mut headers = http::HeaderMap::with_capacity(16);
        let id = self.ids.fetch_add(1, Ordering::Relaxed).to_string();
        envelope.write_headers(&id, &iso8601_now(), &mut headers)?;
        let started = std::time::Instant::now();
        let request = match &self.parsed {
            Some(url) => self.http.post(url.clone()),
            None => self.http.post(&self.url),
        };
        let sent = request
            .headers(headers)
            .body(event.body)
            .timeout(self.timeout)
            .send()
            .await;
        let response = match sent {
            Ok(r) => r,
            Err(e) => {
                self.record(false);
                return Err(UpstreamError::Unreachable {
                    url: self.shown.clone(),
                    reason: if e.is_timeout() {
                        format!("timed out after {:?}", self.timeout)
                    } else {
                        // reqwest's errors name the URL, query (webhook code) included.
                        socketio_fn_protocol::error_chain(&e.without_url())
                    },
                });
            }
        };
        self.record(true);
        let status = response.status().as_u16();
        tracing::info!(
            event = %socketio_fn_protocol::log::Escaped(envelope.event_name),
            namespace = %socketio_fn_protocol::log::Escaped(envelope.namespace),
            socket = %socketio_fn_protocol::log::Escaped(envelope.socket_id),
            status,
            ms = started.elapsed().as_millis(),
            "upstream call"
        );
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
    let days = i64::try_from(secs / 86_400).unwrap_or_default();
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

/// `url` with its query replaced by `?<redacted>`: the event handler URL's query carries the webhook
/// code (`?code=...`), which must not reach logs or clients.
pub(crate) fn redacted(url: &str) -> String {
    match url.split_once('?') {
        Some((base, _)) => format!("{base}?<redacted>"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso8601() {
        assert_eq!(super::iso8601(1_727_070_184), "2024-09-23T05:43:04Z");
        assert_eq!(super::iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::iso8601(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn the_breaker_opens_after_failures_and_closes_on_success() {
        let u = Upstream::new(
            "http://127.0.0.1:1/x".into(),
            "127.0.0.1".into(),
            AccessKey::new("k"),
            Duration::from_secs(1),
            BREAKER_COOL_DOWN,
        );
        for _ in 0..BREAKER_THRESHOLD - 1 {
            u.record(false);
            assert!(u.check_breaker().is_ok());
        }
        u.record(false);
        assert!(matches!(u.check_breaker(), Err(UpstreamError::Down { .. })));
        u.breaker().open_until = Some(Instant::now());
        assert!(u.check_breaker().is_ok(), "half open after the cool-down");
        u.record(true);
        assert!(u.check_breaker().is_ok());
        assert_eq!(u.breaker().failures, 0);
    }
}
