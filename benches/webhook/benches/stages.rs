//! Per-stage micro-benchmarks of the webhook's hot path (criterion), on the request of the out-of-process
//! benchmark (`webhook_bench::HEADERS`, `BODY`): where the time of one request goes, stage by stage, and
//! the whole router in process next to a bare axum router. `cargo bench -p webhook-bench --bench stages`.
//!
//! These run in one process and one thread: they rank the stages, they do not replace the
//! out-of-process throughput comparison (`benches/run.sh`).
#![allow(clippy::unwrap_used, missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use socketio_fn_core::extract::{ArgSpec, bind_parameter};
use socketio_fn_core::protocol::AccessKey;
use socketio_fn_core::protocol::cloud_events::CloudEvent;
use socketio_fn_core::protocol::packet::{EventData, Packet, encode_ack};
use socketio_fn_core::protocol::signature::{CachedVerifier, Verifier};
use socketio_fn_core::request::{SocketIoMessageRequest, TriggerRequest};
use socketio_fn_core::{ConnectionContext, Invocation, SocketIoMessageResponse};
use std::hint::black_box;

fn headers() -> axum::http::HeaderMap {
    webhook_bench::request("localhost", ())
        .into_parts()
        .0
        .headers
}

fn stages(c: &mut Criterion) {
    let headers = headers();
    let event = CloudEvent::parse(&headers).unwrap();
    let verifier = Verifier::new(&AccessKey::new(webhook_bench::KEY));
    let signature = event.signature.as_deref().unwrap().to_owned();

    c.bench_function("1 headers: CloudEvent::parse", |b| {
        b.iter(|| {
            CloudEvent::parse(black_box(&headers))
                .unwrap()
                .socket_id
                .len()
        })
    });
    c.bench_function("2 signature: HMAC-SHA256 + compare", |b| {
        b.iter(|| {
            verifier
                .expected(black_box(event.connection_id))
                .matches_any(black_box(&signature))
        })
    });
    let cached = CachedVerifier::new(&AccessKey::new(webhook_bench::KEY));
    assert!(cached.verify(event.connection_id, &signature));
    c.bench_function(
        "2b signature, remembered: CachedVerifier hit + compare",
        |b| b.iter(|| cached.verify(black_box(event.connection_id), black_box(&signature))),
    );
    c.bench_function("3 packet: Engine.IO decode + JSON arguments", |b| {
        b.iter(|| {
            let packet = Packet::decode(black_box(webhook_bench::BODY)).unwrap();
            EventData::parse(packet.data).unwrap().parameters.len()
        })
    });
    c.bench_function("4 context: ConnectionContext::new", |b| {
        b.iter(|| ConnectionContext::new(black_box(&event), axum::http::HeaderMap::new()))
    });
    let packet = Packet::decode(webhook_bench::BODY).unwrap();
    let data = EventData::parse(packet.data).unwrap();
    let invocation = Invocation::new(
        "chat",
        ConnectionContext::new(&event, axum::http::HeaderMap::new()),
        TriggerRequest::Message(SocketIoMessageRequest {
            namespace: "/ns".into(),
            socket_id: "sock1".into(),
            payload: webhook_bench::BODY.into(),
            event_name: data.event_name,
            parameters: data.parameters,
            ack_id: Some(7),
        }),
    );
    let spec = ArgSpec {
        name: "text",
        position: 0,
    };
    c.bench_function("5 binding: one String argument", |b| {
        b.iter(|| bind_parameter::<String>(black_box(&invocation), &spec).unwrap())
    });
    c.bench_function("6 ack: values + encode_ack", |b| {
        b.iter(|| {
            let reply = SocketIoMessageResponse::ack(black_box(("ok", 1usize))).unwrap();
            encode_ack("/ns", 7, reply.values())
        })
    });
}

/// The whole request in process (tower `oneshot`, no sockets): the app's router and a bare axum router
/// that reads the body and answers the same bytes.
fn whole(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let app = runtime.block_on(async { webhook_bench::app_router() });
    let bare = webhook_bench::bare_router();
    for (name, router) in [
        ("7 whole: app router", app),
        ("7 whole: bare axum router", bare),
    ] {
        c.bench_function(name, |b| {
            b.to_async(&runtime)
                .iter(|| webhook_bench::send_in_process(&router))
        });
    }
}

criterion_group!(benches, stages, whole);
criterion_main!(benches);
