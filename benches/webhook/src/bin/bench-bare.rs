//! The baseline: a bare axum handler at the same path that reads the body (as any webhook must) and
//! returns the same reply bytes, served by `axum::serve`. Listens on `SOCKETIO_FN_ADDR`.
//! With `BARE_SERVER=socketio-fn` it is served by the app's server loop instead (`socketio-fn-server`,
//! with its connection limits and timeouts), to tell the server's cost from the webhook's.

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let address = std::env::var("SOCKETIO_FN_ADDR").unwrap_or_else(|_| "127.0.0.1:7071".into());
    let listener = tokio::net::TcpListener::bind(address).await?;
    let router = webhook_bench::bare_router();
    if std::env::var("BARE_SERVER").is_ok_and(|v| v == "socketio-fn") {
        let config = socketio_fn_server::ServerConfig::default();
        socketio_fn_server::serve(listener, router, config, std::future::pending(), || {}).await;
        return Ok(());
    }
    axum::serve(listener, router).await
}
