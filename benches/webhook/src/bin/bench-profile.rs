//! A loop of signed requests through the app's router in process (tower `oneshot`), to run under a
//! profiler (`valgrind --tool=callgrind target/release/bench-profile`). `REQUESTS` (default 20000).

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let requests: u64 = std::env::var("REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let router = webhook_bench::app_router();
    for _ in 0..requests {
        webhook_bench::send_in_process(&router).await;
    }
}
