//! The service's stand-in for the output benchmark: answers every request with `202 Accepted` and
//! an empty body after reading the body, on `127.0.0.1:$PORT`. It checks nothing, so that it costs
//! its core as little as possible.

#![allow(clippy::print_stderr, clippy::expect_used)] // a benchmark: fails loudly

use axum::body::Bytes;
use axum::http::StatusCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let port: u16 = output_bench::env_or("PORT", 18201);
    let app = axum::Router::new().fallback(|_body: Bytes| async { StatusCode::ACCEPTED });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    axum::serve(listener, app).await
}
