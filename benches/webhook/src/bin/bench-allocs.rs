//! Heap allocations per request: the signed request through the app's router and through the bare
//! handler's, in process (tower `oneshot`), counted with dhat. Prints one line per server.

use axum::body::Body;
use http_body_util::BodyExt;
use tower::ServiceExt;

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

async fn count(name: &str, router: axum::Router, requests: u64) {
    // Warm up (lazy statics, pools), then count.
    for _ in 0..100 {
        send(&router).await;
    }
    let before = dhat::HeapStats::get();
    for _ in 0..requests {
        send(&router).await;
    }
    let after = dhat::HeapStats::get();
    #[allow(clippy::print_stdout)]
    {
        println!(
            "{name}: {:.1} allocations, {:.0} bytes per request",
            (after.total_blocks - before.total_blocks) as f64 / requests as f64,
            (after.total_bytes - before.total_bytes) as f64 / requests as f64
        );
    }
}

async fn send(router: &axum::Router) {
    let request = webhook_bench::request("localhost", Body::from(webhook_bench::BODY));
    let response = router
        .clone()
        .oneshot(request)
        .await
        .unwrap_or_else(|e| match e {});
    assert_eq!(response.status(), 200);
    let body = response.into_body().collect().await.map(|b| b.to_bytes());
    assert_eq!(body.ok().as_deref(), Some(webhook_bench::REPLY.as_bytes()));
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let app = socketio_fn::App::builder()
        .settings(socketio_fn::Settings::from_pairs([(
            "WebPubSubForSocketIOConnectionString",
            webhook_bench::CONNECTION_STRING,
        )]))
        .register::<webhook_bench::chat>()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let bare = webhook_bench::bare_router();
    count("bare axum", bare, 10_000).await;
    count("webhook  ", app.router(), 10_000).await;
}
