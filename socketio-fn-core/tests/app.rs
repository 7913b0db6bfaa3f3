//! Start-up checks of the app and serving over a real socket with graceful shutdown.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use socketio_fn_core::protocol::AccessKey;
use socketio_fn_core::protocol::cloud_events::UpstreamRequest;
use socketio_fn_core::{
    App, BoxFuture, Error, FunctionDescriptor, Invocation, InvocationError, Reply, Settings,
};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A function on `hub` (empty: none, the hub setting applies) and `namespace` (empty: none, `/`).
fn f(
    name: &'static str,
    hub: &'static str,
    namespace: &'static str,
    event: &'static str,
) -> FunctionDescriptor {
    FunctionDescriptor {
        hub: Some(hub).filter(|h| !h.is_empty()),
        namespace: Some(namespace).filter(|n| !n.is_empty()),
        ..FunctionDescriptor::new(name, "", event, noop)
    }
}

fn settings() -> Settings {
    Settings::from_pairs([
        (
            "WebPubSubForSocketIOConnectionString",
            "Endpoint=http://localhost;AccessKey=k",
        ),
        ("HubSetting", "chat"),
        ("WebPubSubForSocketIOHub", "globalhub"),
    ])
}

#[test]
fn duplicate_functions_are_rejected_naming_both() {
    let err = App::builder()
        .settings(settings())
        .function(f("zeta", "Chat", "/", "Message"))
        .function(f("alpha", "chat", "", "message"))
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::DuplicateFunction {
                first: "alpha",
                second: "zeta",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "functions `alpha` and `zeta` both handle hub `Chat`, namespace `/`, event `Message`; \
         give each (hub, namespace, event) exactly one function"
    );
    // Different namespaces or events are fine.
    let app = App::builder()
        .settings(settings())
        .function(f("b", "chat", "/", "message"))
        .function(f("a", "chat", "/ns", "message"))
        .function(f("c", "chat", "/", "connect"))
        .build()
        .unwrap();
    let names: Vec<_> = app.functions().iter().map(|f| f.descriptor.name).collect();
    assert_eq!(names, ["a", "b", "c"], "sorted by name");
}

#[test]
fn hubs_resolve_from_settings() {
    let app = App::builder()
        .settings(settings())
        .function(f("pct", "%HubSetting%", "/", "a"))
        .function(f("global", "", "/", "b"))
        .build()
        .unwrap();
    let hubs: Vec<_> = app.functions().iter().map(|f| f.hub.as_str()).collect();
    assert_eq!(hubs, ["globalhub", "chat"]);
    let err = App::builder()
        .settings(settings())
        .function(f("bad", "%Nope%", "/", "a"))
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "function `bad`: failed to resolve `%Nope%`: no such app setting"
    );
    let err = App::builder()
        .settings(Settings::default())
        .allow_unauthenticated_webhook()
        .function(f("nohub", "", "/", "a"))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("WebPubSubForSocketIOHub"), "{err}");
    let err = App::builder()
        .settings(settings())
        .function(f("noev", "h", "/", " "))
        .build()
        .unwrap_err();
    assert_eq!(err.to_string(), "function `noev`: `event` is empty");
}

#[test]
fn a_function_connection_must_exist() {
    let mut d = f("x", "h", "/", "e");
    d.connection = Some("OtherConnection");
    let err = App::builder()
        .settings(settings())
        .function(d)
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("function `x`: connection setting `OtherConnection` does not exist"),
        "{err}"
    );
}

#[test]
fn listen_address_from_settings() {
    let build = |pairs: &[(&str, &str)]| {
        App::builder()
            .settings(Settings::from_pairs(pairs.iter().copied()))
            .allow_unauthenticated_webhook()
            .build()
    };
    let address = |pairs: &[(&str, &str)]| build(pairs).unwrap().address().to_string();
    assert_eq!(
        address(&[("SOCKETIO_FN_ADDR", "127.0.0.1:9999")]),
        "127.0.0.1:9999"
    );
    assert_eq!(address(&[]), "127.0.0.1:7071");
    // Container platforms hand the port; the app then listens on every interface. The Functions
    // host forwards to loopback, and refuses an unauthenticated webhook.
    let functions = App::builder()
        .settings(Settings::from_pairs([
            ("FUNCTIONS_CUSTOMHANDLER_PORT", "3000"),
            (
                "WebPubSubForSocketIOConnectionString",
                "Endpoint=http://localhost;AccessKey=k",
            ),
        ]))
        .build()
        .unwrap();
    assert_eq!(functions.address().to_string(), "127.0.0.1:3000");
    let open = build(&[("FUNCTIONS_CUSTOMHANDLER_PORT", "3000")]).unwrap_err();
    assert!(
        matches!(open, socketio_fn::Error::UnauthenticatedOnFunctions),
        "{open}"
    );
    assert!(
        open.to_string().contains("FUNCTIONS_CUSTOMHANDLER_PORT"),
        "{open}"
    );
    assert_eq!(address(&[("PORT", "8080")]), "0.0.0.0:8080");
    assert_eq!(
        address(&[("PORT", "8080"), ("SOCKETIO_FN_ADDR", "127.0.0.1:1")]),
        "127.0.0.1:1",
        "the explicit address wins"
    );
    let err = build(&[("SOCKETIO_FN_ADDR", "nope")]).unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidSetting {
                name: "SOCKETIO_FN_ADDR",
                ..
            }
        ),
        "{err}"
    );
    let err = build(&[("PORT", "http")]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "setting `PORT` is `http`: expected a port number"
    );
}

fn slow(i: Invocation) -> BoxFuture<Result<Reply, InvocationError>> {
    record(&i);
    Box::pin(async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        Ok(Reply::Message(
            socketio_fn_core::SocketIoMessageResponse::ack(("done",)).unwrap(),
        ))
    })
}

#[tokio::test]
async fn graceful_shutdown_lets_in_flight_invocations_finish() {
    let app = App::builder()
        .settings(settings())
        .function(FunctionDescriptor::new("slow", "hub", "work", slow))
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.serve_with_shutdown(listener, async {
        let _ = stop_rx.await;
    }));

    let body = "421[\"work\"]";
    let upstream = UpstreamRequest::event("hub", "work", body)
        .connection("c1", "s1")
        .signed(&AccessKey::new("k"));
    let mut request = format!(
        "POST /runtime/webhooks/socketio HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Length: {}\r\n",
        body.len()
    );
    for (name, value) in &upstream.headers().unwrap() {
        request.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    request.push_str(&format!("\r\n{body}"));
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    // Wait until the function runs, then ask the server to stop while it is still sleeping.
    tokio::time::timeout(Duration::from_secs(5), async {
        while recorded("slow").is_empty() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .unwrap();
    stop_tx.send(()).unwrap();
    let mut response = String::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_string(&mut response))
        .await
        .unwrap()
        .unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    assert!(response.ends_with("431[\"done\"]"), "{response}");
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

/// Sends raw HTTP/1.1 bytes on a new connection and returns the reply's status line.
async fn status_of(addr: std::net::SocketAddr, request: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply).await;
    reply.lines().next().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_connections_do_not_take_the_app_offline() {
    let app = App::builder()
        .settings(settings())
        .function(FunctionDescriptor::new("work", "hub", "work", noop))
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.serve_with_shutdown(listener, async {
        let _ = stopped.await;
    }));
    // More silent connections than the default cap of 1 024; none sends a byte.
    let mut silent = Vec::new();
    for _ in 0..1100 {
        silent.push(tokio::net::TcpStream::connect(addr).await.expect(
            "1 100 sockets need a descriptor limit above 2 300 (`ulimit -n`; CI raises it)",
        ));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let health = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let body = "42[\"work\"]";
    let upstream = UpstreamRequest::event("hub", "work", body)
        .connection("c1", "s1")
        .signed(&AccessKey::new("k"));
    let mut signed = format!(
        "POST /runtime/webhooks/socketio HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in &upstream.headers().unwrap() {
        signed.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    signed.push_str(&format!("\r\n{body}"));
    for request in [health, signed.as_str(), health] {
        let status = tokio::time::timeout(Duration::from_secs(1), status_of(addr, request))
            .await
            .expect("answered within a second while 1 100 silent connections are open");
        assert_eq!(status, "HTTP/1.1 200 OK");
    }
    drop(silent);
}
