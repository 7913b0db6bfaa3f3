//! Calls from the emulator to the function app's webhook, as the service makes them: the CloudEvents
//! envelope from the protocol crate (the same type the webhook parses), `ce-signature`, bounded timeouts,
//! calls spread over the app's instances (as the service's load balancer would), and a circuit breaker
//! per instance so a hanging or unreachable app fails queued events fast.

mod errors;
mod in_process;
mod instance;

use errors::Missed;
pub use errors::SetUpstreamsError;
pub(crate) use errors::UpstreamError;

use axum::body::Bytes;
use in_process::InProcess;
pub use in_process::InProcessError;
use instance::{Instance, Via};
use socketio_fn_protocol::AccessKey;
use socketio_fn_protocol::cloud_events::{CloudEvent, EventKind};
use socketio_fn_protocol::signature::Verifier;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Consecutive failures (timeouts or unreachable) after which an instance's breaker opens.
pub const BREAKER_THRESHOLD: u32 = 3;
/// How long an open breaker fails calls before it lets one through again (default of
/// `EmulatorConfig::breaker_cool_down`).
pub const BREAKER_COOL_DOWN: Duration = Duration::from_secs(5);

/// Upstream calls in flight at once (the rest wait their turn): keeps the emulator's connections to the
/// app well under any connection cap of the app.
pub const MAX_CONCURRENT_CALLS: usize = 128;

/// A keep-alive connection to the app unused for this long is closed by the emulator, not reused: half
/// the server's [`socketio_fn_server::REUSE_WINDOW`], so the emulator never sends a call on a
/// connection the app closes as it shuts down (HTTP/1.1 could not tell whether the app received it).
pub const UPSTREAM_IDLE_TIMEOUT: Duration = Duration::from_millis(1000);

/// The largest reply read from the app, over HTTP or in process (an ack of 1 MB of arguments,
/// Socket.IO's default `maxHttpBufferSize`, with room to spare); a larger one fails the call.
pub const MAX_UPSTREAM_REPLY_BYTES: usize = 4 * 1024 * 1024;

/// Time to open a connection to an instance; one that does not answer by then (a host gone) is
/// skipped for the next, as a refused one is.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// Where and how to call the function app.
#[derive(Debug)]
pub(crate) struct Upstream {
    http: reqwest::Client,
    /// The app's instances; each call goes to the next available one in turn. Replaced as a whole by
    /// [`Upstream::set_instances`] (a call keeps the list it started with).
    instances: std::sync::RwLock<std::sync::Arc<Vec<Instance>>>,
    cool_down: Duration,
    next: AtomicUsize,
    origin: String,
    /// Signs each request's connection id (the key's HMAC state made once).
    signer: Verifier,
    timeout: Duration,
    ids: AtomicU64,
    slots: tokio::sync::Semaphore,
    /// The app's router when it runs in this process (set once, after the app is built): calls are
    /// handed to it instead of sent over HTTP.
    in_process: std::sync::OnceLock<InProcess>,
    /// Calls being made now (for [`Upstream::settle`]).
    in_flight: AtomicUsize,
    /// Set by [`Upstream::settle`]: new calls fail at once.
    stopping: std::sync::atomic::AtomicBool,
    /// How long a call no instance takes is held and tried again (`None`: it fails at once).
    hold: Option<Duration>,
}

/// How often a held call is tried again.
pub const HOLD_RETRY: Duration = Duration::from_millis(200);

/// Counts a call in flight while it lives.
struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
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
    /// `ce-signature` when the caller has it (a socket's is the same for all its events); made
    /// otherwise.
    pub(crate) signature: Option<&'a str>,
    pub(crate) body: String,
}

/// The app's reply.
#[derive(Debug)]
pub(crate) struct UpstreamReply {
    pub(crate) status: u16,
    pub(crate) body: String,
}

impl Upstream {
    /// Calls go to the instances at `urls` in turn (at least one).
    pub(crate) fn new(
        urls: Vec<String>,
        origin: String,
        key: AccessKey,
        timeout: Duration,
        cool_down: Duration,
        hold: Option<Duration>,
    ) -> Self {
        Self {
            http: reqwest::Client::builder()
                .pool_max_idle_per_host(MAX_CONCURRENT_CALLS)
                .pool_idle_timeout(UPSTREAM_IDLE_TIMEOUT)
                .connect_timeout(CONNECT_TIMEOUT)
                .build()
                .unwrap_or_default(),
            instances: std::sync::RwLock::new(std::sync::Arc::new(
                urls.into_iter()
                    .map(|url| Instance::new(url, cool_down))
                    .collect(),
            )),
            cool_down,
            next: AtomicUsize::new(0),
            origin,
            signer: Verifier::new(&key),
            timeout,
            ids: AtomicU64::new(1),
            slots: tokio::sync::Semaphore::new(MAX_CONCURRENT_CALLS),
            in_process: std::sync::OnceLock::new(),
            in_flight: AtomicUsize::new(0),
            stopping: std::sync::atomic::AtomicBool::new(false),
            hold,
        }
    }

    /// Refuses new calls ([`UpstreamError::Stopping`]) and waits, at most `within`, until none is in
    /// flight; whether none is. At shutdown, the app's functions called in this process finish as its
    /// server lets the requests already in flight finish (and, like it, takes no new ones: a client
    /// that keeps emitting cannot hold the shutdown up).
    pub(crate) async fn settle(&self, within: Duration) -> bool {
        // SeqCst here and in `send`: either a new call sees `stopping`, or this sees it in flight.
        self.stopping.store(true, Ordering::SeqCst);
        let deadline = tokio::time::Instant::now() + within;
        while self.in_flight.load(Ordering::SeqCst) > 0 {
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        true
    }

    /// From now on, calls go to `router` in this process, at the upstream URL's path and query,
    /// instead of over HTTP. Only with a single upstream.
    pub(crate) fn call_in_process(&self, router: axum::Router) -> Result<(), InProcessError> {
        let instances = self.instances();
        let [instance] = instances.as_slice() else {
            return Err(InProcessError::SeveralUpstreams);
        };
        let app = InProcess::new(router, instance.url())?;
        self.in_process
            .set(app)
            .map_err(|_| InProcessError::AlreadySet)
    }

    /// The instances calls go to now.
    fn instances(&self) -> std::sync::Arc<Vec<Instance>> {
        self.instances
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// From the next call on, calls go to the instances at `urls` (at least one), each with a fresh
    /// breaker; calls already made finish where they went. Not with calls in process.
    pub(crate) fn set_instances(&self, urls: Vec<String>) -> Result<(), SetUpstreamsError> {
        if self.in_process() {
            return Err(SetUpstreamsError::InProcess);
        }
        let instances: Vec<Instance> = urls
            .into_iter()
            .map(|url| Instance::new(url, self.cool_down))
            .collect();
        if instances.is_empty() {
            return Err(SetUpstreamsError::Empty);
        }
        *self
            .instances
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = std::sync::Arc::new(instances);
        Ok(())
    }

    /// Whether calls go to the app's router in this process.
    pub(crate) fn in_process(&self) -> bool {
        self.in_process.get().is_some()
    }

    /// The `ce-signature` of a connection's events.
    pub(crate) fn signature(&self, connection_id: &str) -> String {
        self.signer.signature(connection_id)
    }

    /// Every instance's breaker is open.
    fn down(&self) -> UpstreamError {
        let instances = self.instances();
        let shown: Vec<&str> = instances.iter().map(|i| i.shown.as_str()).collect();
        UpstreamError::Down {
            url: shown.join(", "),
        }
    }

    /// Fails fast while every instance's breaker is open.
    fn check_breakers(&self) -> Result<(), UpstreamError> {
        if self.instances().iter().any(Instance::available) {
            Ok(())
        } else {
            Err(self.down())
        }
    }

    /// Sends `event` to the next available instance. A call refused by one instance goes to the next
    /// (it cannot have been received); any other failure is the call's (it may have been).
    pub(crate) async fn send(&self, event: Event<'_>) -> Result<UpstreamReply, UpstreamError> {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        let _in_flight = InFlight(&self.in_flight);
        if self.stopping.load(Ordering::SeqCst) {
            return Err(UpstreamError::Stopping);
        }
        if self.hold.is_none() {
            self.check_breakers()?;
        }
        let signature = match event.signature {
            Some(known) => std::borrow::Cow::Borrowed(known),
            None => std::borrow::Cow::Owned(self.signature(event.connection_id)),
        };
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
            signature: Some(signature),
        };
        let mut headers = http::HeaderMap::with_capacity(16);
        let id = self.ids.fetch_add(1, Ordering::Relaxed).to_string();
        envelope.write_headers(&id, &iso8601_now(), &mut headers)?;
        let mut request = (headers, Bytes::from(event.body));
        let held_since = std::time::Instant::now();
        loop {
            let tried = {
                let _slot = self.slots.acquire().await.map_err(|_| self.down())?;
                self.try_instances(&envelope, &mut request).await
            };
            match tried {
                Ok(reply) => return Ok(reply),
                Err(Missed::Failed(e)) => return Err(e),
                Err(Missed::NotReceived(e)) => match self.hold {
                    // No instance took it (none running, or all refused): held, and tried again.
                    Some(hold)
                        if held_since.elapsed() < hold && !self.stopping.load(Ordering::SeqCst) =>
                    {
                        tokio::time::sleep(HOLD_RETRY).await;
                    }
                    _ => return Err(e),
                },
            }
        }
    }

    /// Tries each available instance in turn from the next one, until one takes the call. The last
    /// attempt takes the headers and body, unless the call may be held (tried again later); earlier
    /// ones copy them (a copy only with several instances).
    async fn try_instances(
        &self,
        envelope: &CloudEvent<'_>,
        request: &mut (http::HeaderMap, Bytes),
    ) -> Result<UpstreamReply, Missed> {
        let instances = self.instances();
        let count = instances.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let mut refused = None;
        for k in 0..count {
            let instance = &instances[start.wrapping_add(k) % count];
            // Breakers may have opened while this call waited for its turn.
            if !instance.available() {
                continue;
            }
            let this = if k + 1 == count && self.hold.is_none() {
                std::mem::take(request)
            } else {
                (request.0.clone(), request.1.clone())
            };
            match self.attempt(instance, envelope, this).await {
                Ok(reply) => return Ok(reply),
                Err(Missed::Failed(e)) => return Err(Missed::Failed(e)),
                Err(Missed::NotReceived(e)) => {
                    if count > 1 {
                        tracing::warn!(url = %instance.shown, "the app instance refused the connection: the call goes to the next one");
                    }
                    refused = Some(e);
                }
            }
        }
        Err(Missed::NotReceived(refused.unwrap_or_else(|| self.down())))
    }

    /// One POST of the event to `instance`: over HTTP, or through the app's router in this process.
    async fn attempt(
        &self,
        instance: &Instance,
        envelope: &CloudEvent<'_>,
        (headers, body): (http::HeaderMap, Bytes),
    ) -> Result<UpstreamReply, Missed> {
        let started = std::time::Instant::now();
        let (reply, via) = match self.in_process.get() {
            Some(app) => {
                let via = Via::InProcess(app);
                instance
                    .validate_once(via, &self.origin, self.timeout)
                    .await;
                let reply = self.attempt_in_process(instance, app, headers, body).await;
                (reply, "in-process")
            }
            None => {
                let via = Via::Http(&self.http);
                instance
                    .validate_once(via, &self.origin, self.timeout)
                    .await;
                (self.attempt_http(instance, headers, body).await, "http")
            }
        };
        let reply = reply?;
        tracing::info!(
            via = %via,
            event = %socketio_fn_protocol::log::Escaped(envelope.event_name),
            namespace = %socketio_fn_protocol::log::Escaped(envelope.namespace),
            socket = %socketio_fn_protocol::log::Escaped(envelope.socket_id),
            status = reply.status,
            ms = started.elapsed().as_millis(),
            "upstream call"
        );
        Ok(reply)
    }

    /// The event through the app's router, in this process.
    async fn attempt_in_process(
        &self,
        instance: &Instance,
        app: &InProcess,
        headers: http::HeaderMap,
        body: Bytes,
    ) -> Result<UpstreamReply, Missed> {
        let reply = app
            .call(http::Method::POST, headers, body, self.timeout)
            .await;
        instance.record(reply.is_ok());
        let response = reply.map_err(|failure| {
            Missed::Failed(instance.unreachable(failure.reason(self.timeout)))
        })?;
        Ok(UpstreamReply {
            status: response.status().as_u16(),
            body: String::from_utf8_lossy(response.body()).into_owned(),
        })
    }

    /// The event over HTTP.
    async fn attempt_http(
        &self,
        instance: &Instance,
        headers: http::HeaderMap,
        body: Bytes,
    ) -> Result<UpstreamReply, Missed> {
        let sent = instance.post(&self.http, headers, body, self.timeout).await;
        let response = match sent {
            Ok(r) => r,
            Err(e) => {
                instance.record(false);
                // reqwest's errors name the URL, query (webhook code) included.
                let (connect, timeout) = (e.is_connect(), e.is_timeout());
                let chain = socketio_fn_protocol::error_chain(&e.without_url());
                // Refused, or no connection within the connect timeout: nothing was sent.
                if connect {
                    return Err(Missed::NotReceived(instance.unreachable(chain)));
                }
                let reason = if timeout {
                    format!("timed out after {:?}", self.timeout)
                } else {
                    chain
                };
                return Err(Missed::Failed(instance.unreachable(reason)));
            }
        };
        instance.record(true);
        let status = response.status().as_u16();
        let body = read_bounded(response)
            .await
            .map_err(|reason| Missed::Failed(instance.unreachable(reason)))?;
        Ok(UpstreamReply { status, body })
    }
}

/// A reply's body as text, at most [`MAX_UPSTREAM_REPLY_BYTES`].
async fn read_bounded(mut response: reqwest::Response) -> Result<String, String> {
    let too_large = || format!("its reply is larger than {MAX_UPSTREAM_REPLY_BYTES} bytes");
    let announced = response.content_length().unwrap_or_default();
    if announced > MAX_UPSTREAM_REPLY_BYTES as u64 {
        return Err(too_large());
    }
    let mut body = Vec::with_capacity(usize::try_from(announced).unwrap_or_default());
    while let Some(chunk) = response.chunk().await.map_err(|e| {
        format!(
            "its reply could not be read: {}",
            socketio_fn_protocol::error_chain(&e.without_url())
        )
    })? {
        if body.len() + chunk.len() > MAX_UPSTREAM_REPLY_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(match String::from_utf8(body) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// The current UTC time as `YYYY-MM-DDTHH:MM:SSZ`, formatted once a second (every call would cost
/// about 3,000 instructions).
pub(crate) fn iso8601_now() -> String {
    static LAST: std::sync::Mutex<(u64, String)> = std::sync::Mutex::new((u64::MAX, String::new()));
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let mut last = LAST
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if last.0 != secs {
        *last = (secs, crate::clock::iso8601(secs));
    }
    last.1.clone()
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
mod tests;
