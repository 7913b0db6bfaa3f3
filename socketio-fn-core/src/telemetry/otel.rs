//! The OpenTelemetry SDK behind `crate::telemetry` (feature `otel`).

use super::names;
use axum::http::HeaderMap;
use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Histogram, UpDownCounter};
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_http::{
    Bytes, HeaderExtractor, HeaderInjector, HttpClient, HttpError, Request, Response,
};
use opentelemetry_otlp::WithHttpConfig;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use std::sync::OnceLock;
use std::time::Duration;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// The endpoint variables; without one, nothing starts.
const ENDPOINTS: [&str; 3] = [
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
];

/// What runs once the exporters started.
struct Running {
    traces: SdkTracerProvider,
    metrics: SdkMeterProvider,
    instruments: Instruments,
}

static RUNNING: OnceLock<Running> = OnceLock::new();

pub(super) fn enabled() -> bool {
    RUNNING.get().is_some()
}

/// Starts the exporters (once) and gives the tracing layer; `None` without an endpoint or when the
/// exporters cannot be built (said on standard error: the subscriber is not installed yet).
pub(super) fn layer<S>() -> Option<impl tracing_subscriber::Layer<S>>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    if !ENDPOINTS.iter().any(|v| std::env::var_os(v).is_some()) {
        return None;
    }
    let running = match RUNNING.get() {
        Some(running) => running,
        None => match start() {
            Ok(running) => RUNNING.get_or_init(|| running),
            Err(e) => {
                eprintln!("OpenTelemetry export not started: {e}");
                return None;
            }
        },
    };
    let tracer = running.traces.tracer("socketio-fn");
    Some(tracing_opentelemetry::layer().with_tracer(tracer))
}

fn start() -> Result<Running, String> {
    if let Ok(protocol) = std::env::var("OTEL_EXPORTER_OTLP_PROTOCOL")
        && protocol.trim() != "http/protobuf"
    {
        return Err(format!(
            "`OTEL_EXPORTER_OTLP_PROTOCOL` is `{protocol}`; this build exports `http/protobuf`"
        ));
    }
    let client = ExportClient::new()?;
    let spans = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_http_client(client.clone())
        .build()
        .map_err(|e| e.to_string())?;
    let metrics = opentelemetry_otlp::MetricExporter::builder()
        .with_http()
        .with_http_client(client)
        .build()
        .map_err(|e| e.to_string())?;
    let resource = resource();
    let traces = SdkTracerProvider::builder()
        .with_batch_exporter(spans)
        .with_resource(resource.clone())
        .build();
    let metrics = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(metrics).build())
        .with_resource(resource)
        .build();
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    opentelemetry::global::set_tracer_provider(traces.clone());
    opentelemetry::global::set_meter_provider(metrics.clone());
    let instruments = Instruments::new(&metrics);
    Ok(Running {
        traces,
        metrics,
        instruments,
    })
}

/// `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` (read by the SDK); the executable's name when
/// neither names the service.
fn resource() -> Resource {
    let named = std::env::var_os("OTEL_SERVICE_NAME").is_some()
        || std::env::var("OTEL_RESOURCE_ATTRIBUTES").is_ok_and(|a| a.contains("service.name="));
    let builder = Resource::builder();
    let executable = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()));
    match executable {
        Some(name) if !named => builder.with_service_name(name).build(),
        _ => builder.build(),
    }
}

pub(super) fn shutdown() {
    if let Some(running) = RUNNING.get() {
        let _ = running.traces.force_flush();
        let _ = running.metrics.force_flush();
        let _ = running.traces.shutdown();
        let _ = running.metrics.shutdown();
    }
}

pub(super) fn continue_trace(span: &tracing::Span, headers: &HeaderMap) {
    if !enabled() || !headers.contains_key("traceparent") {
        return;
    }
    let parent = TraceContextPropagator::new().extract(&HeaderExtractor(headers));
    let _ = span.set_parent(parent);
}

pub(super) fn record_ids(span: &tracing::Span) {
    use opentelemetry::trace::TraceContextExt as _;
    if !enabled() {
        return;
    }
    let context = span.context();
    let ids = context.span().span_context().clone();
    if ids.is_valid() {
        span.record("trace_id", ids.trace_id().to_string());
        span.record("span_id", ids.span_id().to_string());
    }
}

pub(super) fn inject(headers: &mut HeaderMap) {
    if !enabled() {
        return;
    }
    let context = tracing::Span::current().context();
    TraceContextPropagator::new().inject_context(&context, &mut HeaderInjector(headers));
}

/// The metric instruments, made once.
struct Instruments {
    invocations: Counter<u64>,
    invocation_duration: Histogram<f64>,
    active: UpDownCounter<i64>,
    rejections: Counter<u64>,
    rest_calls: Counter<u64>,
    rest_duration: Histogram<f64>,
    rest_retries: Counter<u64>,
    negotiations: Counter<u64>,
}

impl Instruments {
    fn new(provider: &SdkMeterProvider) -> Self {
        use opentelemetry::metrics::MeterProvider as _;
        let meter = provider.meter("socketio-fn");
        Self {
            invocations: meter.u64_counter(names::INVOCATIONS).build(),
            invocation_duration: meter
                .f64_histogram(names::INVOCATION_DURATION)
                .with_unit("s")
                .build(),
            active: meter.i64_up_down_counter(names::INVOCATIONS_ACTIVE).build(),
            rejections: meter.u64_counter(names::WEBHOOK_REJECTIONS).build(),
            rest_calls: meter.u64_counter(names::REST_CALLS).build(),
            rest_duration: meter
                .f64_histogram(names::REST_DURATION)
                .with_unit("s")
                .build(),
            rest_retries: meter.u64_counter(names::REST_RETRIES).build(),
            negotiations: meter.u64_counter(names::NEGOTIATIONS).build(),
        }
    }
}

fn instruments() -> Option<&'static Instruments> {
    RUNNING.get().map(|r| &r.instruments)
}

pub(super) fn record_invocation(
    function: &'static str,
    event: &str,
    outcome: &'static str,
    took: Duration,
) {
    if let Some(i) = instruments() {
        let attributes = [
            KeyValue::new("function", function),
            KeyValue::new("event", event.to_owned()),
            KeyValue::new("outcome", outcome),
        ];
        i.invocations.add(1, &attributes);
        i.invocation_duration
            .record(took.as_secs_f64(), &attributes);
    }
}

pub(super) fn record_in_flight(function: &'static str, delta: i64) {
    if let Some(i) = instruments() {
        i.active.add(delta, &[KeyValue::new("function", function)]);
    }
}

pub(super) fn record_rejection(status: u16) {
    if let Some(i) = instruments() {
        let status = KeyValue::new("http.response.status_code", i64::from(status));
        i.rejections.add(1, &[status]);
    }
}

pub(super) fn record_rest_call(operation: &'static str, status: u16, retries: u32, took: Duration) {
    if let Some(i) = instruments() {
        let op = KeyValue::new("operation", operation);
        let status = KeyValue::new("http.response.status_code", i64::from(status));
        i.rest_calls.add(1, &[op.clone(), status]);
        i.rest_duration
            .record(took.as_secs_f64(), std::slice::from_ref(&op));
        if retries > 0 {
            i.rest_retries.add(u64::from(retries), &[op]);
        }
    }
}

pub(super) fn record_negotiation(hub: &str, outcome: &'static str) {
    if let Some(i) = instruments() {
        let attributes = [
            KeyValue::new("hub", hub.to_owned()),
            KeyValue::new("outcome", outcome),
        ];
        i.negotiations.add(1, &attributes);
    }
}

/// The most of a collector's reply that is read.
const MAX_REPLY: usize = 64 * 1024;

/// The exporters' HTTP client: the runtime's reqwest, on a tokio runtime (the SDK's export threads
/// have none, so each request is spawned onto one and awaited there).
#[derive(Debug, Clone)]
struct ExportClient {
    http: reqwest::Client,
    runtime: tokio::runtime::Handle,
}

impl ExportClient {
    fn new() -> Result<Self, String> {
        let runtime = match tokio::runtime::Handle::try_current() {
            Ok(handle) => handle,
            Err(_) => export_runtime()?,
        };
        Ok(Self {
            http: reqwest::Client::new(),
            runtime,
        })
    }
}

/// A one-thread runtime for export when the app was not started on one.
fn export_runtime() -> Result<tokio::runtime::Handle, String> {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    if let Some(runtime) = RUNTIME.get() {
        return Ok(runtime.handle().clone());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("otel-export")
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the export runtime: {e}"))?;
    Ok(RUNTIME.get_or_init(|| runtime).handle().clone())
}

#[async_trait::async_trait]
impl HttpClient for ExportClient {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let http = self.http.clone();
        let task = self.runtime.spawn(async move {
            let request = reqwest::Request::try_from(request.map(reqwest::Body::from))?;
            let mut response = http.execute(request).await?;
            let status = response.status();
            let headers = response.headers().clone();
            // The collector's reply is small: at most 64 KiB of it is read.
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await? {
                body.extend_from_slice(&chunk[..chunk.len().min(MAX_REPLY - body.len())]);
                if body.len() >= MAX_REPLY {
                    break;
                }
            }
            let mut reply = Response::new(Bytes::from(body));
            *reply.status_mut() = status;
            *reply.headers_mut() = headers;
            Ok::<_, HttpError>(reply)
        });
        task.await?
    }
}
