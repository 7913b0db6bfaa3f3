//! OpenTelemetry export of the real chat binary (feature `otel`) to an OTLP/HTTP receiver that
//! decodes with the OpenTelemetry protobuf definitions (`opentelemetry-proto`): a signed event that
//! carries `traceparent` yields a server span in that trace, parented to the given span and named
//! for the function, with a client span for its REST call whose request carried `traceparent`; the
//! metrics arrive with their attributes; without an endpoint nothing is exported.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../../../socketio-fn-core/tests/common/fake_service.rs"]
mod fake_service;
#[path = "../../../tests/tests/support/process.rs"]
mod process;

use axum::body::Bytes;
use axum::extract::State;
use fake_service::FakeService;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::trace::v1::Span;
use process::{Running, free_port};
use prost::Message;
use socketio_fn::protocol::AccessKey;
use socketio_fn::protocol::cloud_events::UpstreamRequest;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const KEY: &str = "telemetry-test-key";
const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_ID: &str = "00f067aa0ba902b7";

/// What the receiver got.
#[derive(Default)]
struct Received {
    spans: Vec<Span>,
    metrics: Vec<String>,
    metric_points: Vec<(String, Vec<KeyValue>)>,
    requests: usize,
}

type Shared = Arc<Mutex<Received>>;

async fn traces(State(got): State<Shared>, body: Bytes) -> &'static [u8] {
    let request = ExportTraceServiceRequest::decode(body).unwrap();
    let mut got = got.lock().unwrap();
    got.requests += 1;
    for resource in request.resource_spans {
        for scope in resource.scope_spans {
            got.spans.extend(scope.spans);
        }
    }
    b""
}

async fn metrics(State(got): State<Shared>, body: Bytes) -> &'static [u8] {
    use opentelemetry_proto::tonic::metrics::v1::metric::Data;
    let request = ExportMetricsServiceRequest::decode(body).unwrap();
    let mut got = got.lock().unwrap();
    got.requests += 1;
    for resource in request.resource_metrics {
        for scope in resource.scope_metrics {
            for metric in scope.metrics {
                let attributes: Vec<Vec<KeyValue>> = match &metric.data {
                    Some(Data::Sum(s)) => {
                        s.data_points.iter().map(|p| p.attributes.clone()).collect()
                    }
                    Some(Data::Histogram(h)) => {
                        h.data_points.iter().map(|p| p.attributes.clone()).collect()
                    }
                    _ => vec![],
                };
                for a in attributes {
                    got.metric_points.push((metric.name.clone(), a));
                }
                got.metrics.push(metric.name);
            }
        }
    }
    b""
}

/// An OTLP/HTTP receiver on a free port: its base URL and what it received.
async fn receiver() -> (String, Shared) {
    let got = Shared::default();
    let router = axum::Router::new()
        .route("/v1/traces", axum::routing::post(traces))
        .route("/v1/metrics", axum::routing::post(metrics))
        .with_state(got.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (base, got)
}

async fn start_chat(port: u16, service: &FakeService, env: &[(&str, String)]) -> Running {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chat"));
    command
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        .env(
            "WebPubSubForSocketIOConnectionString",
            format!("Endpoint={};AccessKey={KEY}", service.base),
        )
        .env("SOCKETIO_FN_ADDR", format!("127.0.0.1:{port}"))
        .env("SOCKETIO_FN_LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    let running = Running(command.spawn().unwrap());
    let deadline = Instant::now() + Duration::from_secs(30);
    while reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "chat did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    running
}

/// A signed `new message` with an ack id, carrying `traceparent` when given.
async fn new_message(port: u16, traceparent: Option<&str>) -> u16 {
    let upstream = UpstreamRequest::event("hub", "new message", "425[\"new message\",\"hi\"]")
        .connection("c1", "s1")
        .origin(Some("127.0.0.1"))
        .signed(&AccessKey::new(KEY));
    let mut request = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/runtime/webhooks/socketio"))
        .headers(upstream.headers().unwrap())
        .body(upstream.body().to_owned());
    if let Some(traceparent) = traceparent {
        request = request.header("traceparent", traceparent);
    }
    request.send().await.unwrap().status().as_u16()
}

fn attribute<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a any_value::Value> {
    attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref())
        .and_then(|v: &AnyValue| v.value.as_ref())
}

fn text(value: Option<&any_value::Value>) -> Option<&str> {
    match value {
        Some(any_value::Value::StringValue(s)) => Some(s),
        _ => None,
    }
}

#[tokio::test]
async fn a_traced_event_and_its_rest_call_reach_the_collector() {
    let (collector, got) = receiver().await;
    let service = FakeService::start(vec![]).await;
    let port = free_port();
    let running = start_chat(
        port,
        &service,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.clone()),
            ("OTEL_SERVICE_NAME", "chat-under-test".into()),
            ("OTEL_BSP_SCHEDULE_DELAY", "100".into()),
            ("OTEL_METRIC_EXPORT_INTERVAL", "300".into()),
        ],
    )
    .await;
    let traceparent = format!("00-{TRACE_ID}-{PARENT_ID}-01");
    assert_eq!(new_message(port, Some(&traceparent)).await, 200);
    // Stop it as a platform does: SIGTERM; what is buffered is flushed on the way out.
    let mut running = running;
    let _ = Command::new("kill")
        .args(["-TERM", &running.0.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(15);
    while running.0.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "chat did not stop on SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The invocation's log lines carry the trace (JSON logs: the span's `trace_id`, `span_id`).
    let mut logs = String::new();
    std::io::Read::read_to_string(running.0.stdout.as_mut().unwrap(), &mut logs).unwrap();
    let executed: serde_json::Value = logs
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|l| l["fields"]["outcome"] == "Succeeded")
        .unwrap_or_else(|| panic!("no Executed line: {logs}"));
    assert_eq!(executed["span"]["trace_id"], TRACE_ID, "{executed}");

    let got = got.lock().unwrap();
    let trace_id = hex_of(TRACE_ID);
    let server = got
        .spans
        .iter()
        .find(|s| s.trace_id == trace_id && s.name == "new_message")
        .unwrap_or_else(|| {
            panic!(
                "no server span named new_message in the trace: {:#?}",
                got.spans
            )
        });
    assert_eq!(server.parent_span_id, hex_of(PARENT_ID));
    assert_eq!(server.kind, 2, "SPAN_KIND_SERVER");
    assert_eq!(text(attribute(&server.attributes, "hub")), Some("hub"));
    assert_eq!(
        text(attribute(&server.attributes, "event")),
        Some("new message")
    );
    assert_eq!(text(attribute(&server.attributes, "socket_id")), Some("s1"));
    assert_eq!(
        text(attribute(&server.attributes, "connection_id")),
        Some("c1")
    );
    assert_eq!(
        text(attribute(&server.attributes, "outcome")),
        Some("Succeeded")
    );
    assert_eq!(executed["span"]["span_id"], to_hex(&server.span_id));
    let client = got
        .spans
        .iter()
        .find(|s| s.trace_id == trace_id && s.parent_span_id == server.span_id)
        .unwrap_or_else(|| panic!("no child span of the invocation: {:#?}", got.spans));
    assert_eq!(client.kind, 3, "SPAN_KIND_CLIENT");
    assert_eq!(client.name, "sendToNamespace");
    assert_eq!(
        attribute(&client.attributes, "http.response.status_code"),
        Some(&any_value::Value::IntValue(202))
    );
    // The REST request carried the client span's context.
    let sent = service.requests();
    let carried = sent
        .iter()
        .find_map(|r| r.header("traceparent").map(str::to_owned))
        .unwrap_or_else(|| panic!("no traceparent on the REST call: {sent:#?}"));
    assert_eq!(
        carried,
        format!("00-{TRACE_ID}-{}-01", to_hex(&client.span_id))
    );
    for name in [
        "socketio_fn.invocations",
        "socketio_fn.invocation.duration",
        "socketio_fn.invocations.active",
        "socketio_fn.rest.calls",
        "socketio_fn.rest.duration",
    ] {
        assert!(
            got.metrics.iter().any(|m| m == name),
            "{name} missing: {:?}",
            got.metrics
        );
    }
    let invocation = got
        .metric_points
        .iter()
        .find(|(name, _)| name == "socketio_fn.invocations")
        .map(|(_, a)| a)
        .unwrap();
    assert_eq!(text(attribute(invocation, "function")), Some("new_message"));
    assert_eq!(text(attribute(invocation, "event")), Some("new message"));
    assert_eq!(text(attribute(invocation, "outcome")), Some("Succeeded"));
}

#[tokio::test]
async fn nothing_is_exported_without_an_endpoint() {
    // A receiver on the OTLP default port, if it is free: an exporter started by default would send
    // there.
    let Ok(listener) = tokio::net::TcpListener::bind("127.0.0.1:4318").await else {
        println!("SKIPPED: port 4318 is in use");
        return;
    };
    let got = Shared::default();
    let router = axum::Router::new()
        .route("/v1/traces", axum::routing::post(traces))
        .route("/v1/metrics", axum::routing::post(metrics))
        .with_state(got.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let service = FakeService::start(vec![]).await;
    let port = free_port();
    let running = start_chat(
        port,
        &service,
        &[
            ("OTEL_BSP_SCHEDULE_DELAY", "50".into()),
            ("OTEL_METRIC_EXPORT_INTERVAL", "100".into()),
        ],
    )
    .await;
    let traceparent = format!("00-{TRACE_ID}-{PARENT_ID}-01");
    assert_eq!(new_message(port, Some(&traceparent)).await, 200);
    tokio::time::sleep(Duration::from_millis(600)).await;
    drop(running);
    assert_eq!(got.lock().unwrap().requests, 0);
    // Without telemetry, REST calls carry no trace context either.
    assert!(
        service
            .requests()
            .iter()
            .all(|r| r.header("traceparent").is_none())
    );
}

fn hex_of(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
