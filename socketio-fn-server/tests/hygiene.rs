//! Connection hygiene over real sockets: a trickled header, an idle keep-alive connection, a slow body,
//! the connection cap, and a shutdown that does not wait on a half-sent request.
#![allow(clippy::unwrap_used, missing_docs)]

use axum::Router;
use axum::body::Bytes;
use axum::routing::{get, post};
use socketio_fn_server::{ServerConfig, Stopped, serve};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn router() -> Router {
    Router::new()
        .route("/", get(|| async { "ok" }))
        .route("/echo", post(|body: Bytes| async move { body }))
}

fn config(max_connections: usize, header_ms: u64, body_ms: u64, grace_ms: u64) -> ServerConfig {
    ServerConfig {
        name: "test",
        max_connections,
        header_timeout: Duration::from_millis(header_ms),
        body_timeout: Duration::from_millis(body_ms),
        grace_period: Duration::from_millis(grace_ms),
    }
}

/// Starts a server; returns its address, a trigger for shutdown and its join handle.
async fn start(
    config: ServerConfig,
) -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<Stopped>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(serve(
        listener,
        router(),
        config,
        async {
            let _ = stopped.await;
        },
        || {},
    ));
    (address, stop, task)
}

/// Reads until the peer closes; fails the test if that takes longer than `limit`.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> String {
    let mut text = Vec::new();
    tokio::time::timeout(limit, stream.read_to_end(&mut text))
        .await
        .expect("the server kept the connection open")
        .ok();
    String::from_utf8_lossy(&text).into_owned()
}

#[tokio::test]
async fn a_trickled_header_is_cut_off() {
    let (address, _stop, _task) = start(config(16, 300, 5000, 1000)).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    let trickle = async {
        for byte in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaa" {
            if stream.write_all(&[*byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(5), trickle).await;
    let reply = closed_within(&mut stream, Duration::from_secs(5)).await;
    assert!(
        !reply.contains("200 OK"),
        "the request never completed: {reply}"
    );
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let (address, _stop, _task) = start(config(16, 300, 5000, 1000)).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let reply = closed_within(&mut stream, Duration::from_secs(5)).await;
    assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");
}

#[tokio::test]
async fn a_stalled_body_times_out() {
    let (address, _stop, _task) = start(config(16, 5000, 300, 1000)).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b")
        .await
        .unwrap();
    let reply = closed_within(&mut stream, Duration::from_secs(5)).await;
    assert!(
        !reply.contains("200 OK"),
        "the body never arrived whole: {reply}"
    );
}

#[tokio::test]
async fn a_trickled_body_times_out_as_a_whole() {
    // A byte every 100 ms keeps each read short; the deadline covers the whole body (300 ms), so the
    // request fails long before its 40 bytes could arrive (4 s).
    let (address, _stop, _task) = start(config(16, 5000, 300, 1000)).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\n")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut reply = Vec::new();
    for _ in 0..40 {
        if stream.write_all(b"x").await.is_err() {
            break;
        }
        let mut buf = [0u8; 512];
        match tokio::time::timeout(Duration::from_millis(100), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => reply.extend_from_slice(&buf[..n]),
            Err(_) => {}
        }
    }
    let reply = String::from_utf8_lossy(&reply);
    assert!(reply.starts_with("HTTP/1.1 4"), "refused: {reply}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "refused before the body could finish"
    );
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_for_a_free_slot() {
    let (address, _stop, _task) = start(config(2, 10_000, 5000, 1000)).await;
    // Two connections hold both slots (keep-alive after one request each).
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut s = TcpStream::connect(address).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut buf = [0u8; 256];
        let n = s.read(&mut buf).await.unwrap();
        assert!(buf[..n].starts_with(b"HTTP/1.1 200 OK"));
        held.push(s);
    }
    // A third connection is not served while both are held...
    let mut third = TcpStream::connect(address).await.unwrap();
    third
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 256];
    assert!(
        tokio::time::timeout(Duration::from_millis(300), third.read(&mut buf))
            .await
            .is_err(),
        "served beyond the cap"
    );
    // ...and is served as soon as one of them closes.
    drop(held.pop());
    let reply = closed_within(&mut third, Duration::from_secs(5)).await;
    assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");
}

#[tokio::test]
async fn shutdown_does_not_wait_on_a_half_sent_request() {
    let (address, stop, task) = start(config(16, 60_000, 60_000, 300)).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"POST /echo HTTP/1.1\r\nHost:")
        .await
        .unwrap();
    // Let the server pick the connection up, then stop it.
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(()).unwrap();
    let stopped = tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("shutdown waited on the half-sent request")
        .unwrap();
    assert_eq!(stopped, Stopped::GraceExpired(1));
    assert!(
        TcpStream::connect(address).await.is_err(),
        "no longer accepting"
    );
}

/// A connection that got one 200 and is kept alive.
async fn kept_alive(address: std::net::SocketAddr) -> TcpStream {
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 256];
    let n = stream.read(&mut buf).await.unwrap();
    let reply = String::from_utf8_lossy(&buf[..n]);
    assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");
    assert!(!reply.contains("connection: close"), "{reply}");
    stream
}

#[tokio::test]
async fn a_clean_shutdown_drains() {
    let (address, stop, task) = start(config(16, 60_000, 60_000, 5000)).await;
    let mut stream = kept_alive(address).await;
    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    // New connections are refused at once (a client can then try another instance)...
    assert!(
        TcpStream::connect(address).await.is_err(),
        "no longer accepting"
    );
    // ...while the keep-alive connection just used stays open (the REUSE_WINDOW): a request its
    // client sends now is answered, with `Connection: close`, and then the connection is closed.
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let reply = closed_within(&mut stream, Duration::from_secs(5)).await;
    assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");
    assert!(reply.contains("connection: close"), "{reply}");
    assert_eq!(
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .unwrap()
            .unwrap(),
        Stopped::Drained
    );
}

#[tokio::test]
async fn at_shutdown_a_keep_alive_connection_is_closed_once_unused_for_the_reuse_window() {
    let (address, stop, task) = start(config(16, 60_000, 60_000, 10_000)).await;
    let mut stream = kept_alive(address).await;
    let used = std::time::Instant::now();
    stop.send(()).unwrap();
    let rest = closed_within(&mut stream, Duration::from_secs(5)).await;
    assert_eq!(rest, "", "closed without a reply");
    let kept = used.elapsed();
    assert!(
        kept >= socketio_fn_server::REUSE_WINDOW - Duration::from_millis(50),
        "closed after {kept:?}, before the reuse window"
    );
    assert_eq!(
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .unwrap()
            .unwrap(),
        Stopped::Drained
    );
}

/// One GET on a new connection; the status line.
async fn get_status(address: std::net::SocketAddr) -> String {
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).await.unwrap();
    String::from_utf8_lossy(&reply)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_silent_connection_is_closed_from_accept() {
    // Not one byte: closed after the header timeout, counted from accept.
    let (address, _stop, _task) = start(config(16, 300, 5000, 1000)).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    let started = std::time::Instant::now();
    assert_eq!(closed_within(&mut stream, Duration::from_secs(5)).await, "");
    assert!(started.elapsed() >= Duration::from_millis(250));
    // One byte and then nothing: the same (hyper's own timer starts only with the head).
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(b"P").await.unwrap();
    assert_eq!(closed_within(&mut stream, Duration::from_secs(5)).await, "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_connections_are_shed_at_the_cap() {
    // 1 100 silent connections against the default cap of 1 024, with a long header timeout: each real
    // request still gets through at once, because the oldest silent connection makes room.
    let (address, _stop, _task) = start(config(1024, 60_000, 5000, 1000)).await;
    let mut silent = Vec::new();
    for _ in 0..1100 {
        silent.push(TcpStream::connect(address).await.expect(
            "1 100 sockets need a descriptor limit above 2 300 (`ulimit -n`; CI raises it)",
        ));
    }
    // Let the server accept up to its cap.
    tokio::time::sleep(Duration::from_millis(200)).await;
    for _ in 0..3 {
        let status = tokio::time::timeout(Duration::from_secs(1), get_status(address))
            .await
            .expect("a real request was answered within a second");
        assert_eq!(status, "HTTP/1.1 200 OK");
    }
    // The shed ones were closed by the server; the others are still held.
    let mut closed = 0;
    for stream in &mut silent {
        let mut byte = [0u8; 1];
        if let Ok(Ok(0)) =
            tokio::time::timeout(Duration::from_millis(1), stream.read(&mut byte)).await
        {
            closed += 1;
        }
    }
    assert!(closed >= 3, "{closed} silent connections were shed");
}
