//! Heap allocations per request: the signed request through the app's router and through the bare
//! handler's, in process (tower `oneshot`), counted with dhat. Prints one line per server.

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

async fn count(name: &str, router: axum::Router, requests: u64) {
    // Warm up (lazy statics, pools), then count.
    for _ in 0..100 {
        webhook_bench::send_in_process(&router).await;
    }
    let before = dhat::HeapStats::get();
    for _ in 0..requests {
        webhook_bench::send_in_process(&router).await;
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

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let app = webhook_bench::app_router();
    let bare = webhook_bench::bare_router();
    count("bare axum", bare, 10_000).await;
    count("webhook  ", app, 10_000).await;
}
