//! Webhook throughput: the signed ack vector posted to the real webhook and to a bare axum handler that
//! reads the body and returns the same bytes, in the same run, over real loopback HTTP/1.1 connections.
//!
//! Method (also in the workspace's `benches/README.md`): both servers run in this process on `127.0.0.1:0`; a load
//! generator opens `BENCH_CONNECTIONS` keep-alive connections (hyper client, default 16) and sends
//! `BENCH_REQUESTS` requests in total (default 40000) to one server at a time, checking every reply's
//! status and body. Rounds alternate bare / webhook `BENCH_ROUNDS` times (default 3); the best round of
//! each is compared. Run with `cargo bench -p socketio-fn-core --bench webhook`.
#![allow(clippy::unwrap_used, clippy::print_stdout, missing_docs)]

use axum::Router;
use axum::body::Bytes;
use axum::routing::post;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use socketio_fn_core::{
    App, BoxFuture, FunctionDescriptor, Invocation, InvocationError, Reply, Settings,
    SocketIoMessageResponse,
};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

const EXPECTED: &str = "43/ns,7[\"ok\",1]";

fn ack(_: Invocation) -> BoxFuture<Result<Reply, InvocationError>> {
    Box::pin(async {
        Ok(Reply::Message(
            SocketIoMessageResponse::ack(("ok", 1)).unwrap(),
        ))
    })
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

fn build_request(case: &Value, addr: SocketAddr) -> Request<Full<Bytes>> {
    let r = &case["request"];
    let mut b = Request::builder()
        .method("POST")
        .uri(r["path"].as_str().unwrap())
        .header("host", addr.to_string());
    for (k, v) in r["headers"].as_object().unwrap() {
        b = b.header(k, v.as_str().unwrap());
    }
    b.body(Full::new(Bytes::from(
        r["body"].as_str().unwrap().to_owned(),
    )))
    .unwrap()
}

async fn load(addr: SocketAddr, case: &Value, connections: usize, requests: usize) -> Duration {
    let per_connection = requests / connections;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let template = build_request(case, addr);
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
            stream.set_nodelay(true).unwrap();
            let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .unwrap();
            tokio::spawn(conn);
            for _ in 0..per_connection {
                let mut req = Request::new(template.body().clone());
                *req.method_mut() = template.method().clone();
                *req.uri_mut() = template.uri().clone();
                *req.headers_mut() = template.headers().clone();
                let res = sender.send_request(req).await.unwrap();
                assert_eq!(res.status(), 200);
                let body = res.into_body().collect().await.unwrap().to_bytes();
                assert_eq!(&body[..], EXPECTED.as_bytes());
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    start.elapsed()
}

#[tokio::main]
async fn main() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/upstream-message-ack.json"
    );
    let vector: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let case = vector["cases"][0].clone();
    assert_eq!(case["response"]["body"], EXPECTED);

    let settings = Settings::from_pairs([(
        "WebPubSubForSocketIOConnectionString",
        case["config"]["WebPubSubForSocketIOConnectionString"]
            .as_str()
            .unwrap(),
    )]);
    let app = App::builder()
        .settings(settings)
        .function(FunctionDescriptor {
            namespace: Some("/ns"),
            ..FunctionDescriptor::new("chat", "hub", "chat", ack)
        })
        .build()
        .unwrap();
    let webhook = serve(app.router()).await;
    let bare = serve(Router::new().route(
        "/runtime/webhooks/socketio",
        // Like any webhook, it reads the body; then it answers the same bytes.
        post(|body: Bytes| async move {
            let _ = body.len();
            ([("content-type", "text/plain; charset=utf-8")], EXPECTED)
        }),
    ))
    .await;

    let connections = env("BENCH_CONNECTIONS", 16);
    let requests = env("BENCH_REQUESTS", 40_000);
    let rounds = env("BENCH_ROUNDS", 3);
    // Warm-up.
    load(bare, &case, connections, requests / 10).await;
    load(webhook, &case, connections, requests / 10).await;
    let (mut best_bare, mut best_webhook) = (Duration::MAX, Duration::MAX);
    for round in 1..=rounds {
        let b = load(bare, &case, connections, requests).await;
        let w = load(webhook, &case, connections, requests).await;
        println!(
            "round {round}: bare axum {:>8.0} req/s, webhook {:>8.0} req/s",
            requests as f64 / b.as_secs_f64(),
            requests as f64 / w.as_secs_f64()
        );
        best_bare = best_bare.min(b);
        best_webhook = best_webhook.min(w);
    }
    let bare_rps = requests as f64 / best_bare.as_secs_f64();
    let webhook_rps = requests as f64 / best_webhook.as_secs_f64();
    println!("best bare axum: {bare_rps:.0} req/s");
    println!("best webhook:   {webhook_rps:.0} req/s");
    println!(
        "ratio webhook / bare axum: {:.3} (target >= 0.8)",
        webhook_rps / bare_rps
    );
}
