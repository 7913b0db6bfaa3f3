//! A loop of signed requests through the app's router in process (tower `oneshot`), to run under a
//! profiler (`valgrind --tool=callgrind target/release/bench-profile`). `REQUESTS` (default 20000).

use axum::body::Body;
use http_body_util::BodyExt;
use tower::ServiceExt;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let requests: u64 = std::env::var("REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let app = socketio_fn::App::builder()
        .settings(socketio_fn::Settings::from_pairs([(
            "WebPubSubForSocketIOConnectionString",
            webhook_bench::CONNECTION_STRING,
        )]))
        .register::<webhook_bench::chat>()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let router = app.router();
    for _ in 0..requests {
        let request = webhook_bench::request("localhost", Body::from(webhook_bench::BODY));
        let response = router
            .clone()
            .oneshot(request)
            .await
            .unwrap_or_else(|e| match e {});
        let body = response.into_body().collect().await.map(|b| b.to_bytes());
        assert_eq!(body.ok().as_deref(), Some(webhook_bench::REPLY.as_bytes()));
    }
}
