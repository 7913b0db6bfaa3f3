//! The two ways of calling the app: what the app receives and what comes back.

use super::*;
use axum::routing::post;
use http::header::{ACCEPT, ACCEPT_ENCODING, CONTENT_LENGTH, HOST};
use socketio_fn_protocol::cloud_events::header;
use std::sync::{Arc, Mutex};

/// What the app saw of each call: method, path and query, the headers other than the transport's
/// own (`host`, `content-length`, `accept`, reqwest's `accept-encoding`), and the body.
type Seen = Arc<Mutex<Vec<Call>>>;

/// Method, path and query, headers (sorted), body.
type Call = (String, String, Vec<(String, String)>, String);

/// An app that records each call and answers `reply` (or a body over the bound at `/large`).
fn app(seen: Seen, reply: &'static str) -> axum::Router {
    let record = move |method: http::Method,
                       uri: http::Uri,
                       headers: http::HeaderMap,
                       body: Bytes| {
        let seen = seen.clone();
        async move {
            let mut kept: Vec<(String, String)> = headers
                .iter()
                .filter(|(name, _)| ![HOST, CONTENT_LENGTH, ACCEPT, ACCEPT_ENCODING].contains(name))
                .map(|(n, v)| {
                    (
                        n.to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            kept.sort();
            let body = String::from_utf8_lossy(&body).into_owned();
            seen.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push((method.to_string(), uri.to_string(), kept, body));
            reply
        }
    };
    axum::Router::new()
        .route("/hook", post(record.clone()).options(record))
        .route(
            "/large",
            post(|| async { vec![b'x'; MAX_UPSTREAM_REPLY_BYTES + 1] }),
        )
}

fn upstream(url: String) -> Upstream {
    upstream_to(vec![url])
}

fn upstream_to(urls: Vec<String>) -> Upstream {
    Upstream::new(
        urls,
        "localhost".into(),
        AccessKey::new("a-key-of-more-than-thirty-two-characters"),
        Duration::from_secs(5),
        BREAKER_COOL_DOWN,
        None,
    )
}

fn event() -> Event<'static> {
    Event {
        kind: EventKind::Message,
        hub: "hub",
        namespace: "/ns",
        connection_id: "conn1",
        socket_id: "sock1",
        user_id: Some("alice"),
        event_name: Some("chat"),
        signature: None,
        body: r#"42/ns,7["chat","hi"]"#.into(),
    }
}

/// Serves `router` on a loopback port; its base URL.
async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| unreachable!("{e}"));
    let url = format!(
        "http://{}",
        listener
            .local_addr()
            .unwrap_or_else(|e| unreachable!("{e}"))
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

fn taken(seen: &Seen) -> Vec<Call> {
    std::mem::take(
        &mut *seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    )
}

/// The headers that differ per call (`ce-id`, `ce-time`) replaced by their names.
fn stable(calls: Vec<Call>) -> Vec<Call> {
    calls
        .into_iter()
        .map(|(m, u, headers, b)| {
            let headers = headers
                .into_iter()
                .map(|(n, v)| {
                    if n == header::ID || n == header::TIME {
                        (n.clone(), n)
                    } else {
                        (n, v)
                    }
                })
                .collect();
            (m, u, headers, b)
        })
        .collect()
}

#[tokio::test]
async fn the_app_receives_the_same_calls_over_http_and_in_process() {
    let seen = Seen::default();
    let base = serve(app(seen.clone(), "43/ns,7[\"ok\"]")).await;

    let over_http = upstream(format!("{base}/hook?x=1"));
    let reply = over_http.send(event()).await.map(|r| (r.status, r.body));
    assert_eq!(reply.ok(), Some((200, "43/ns,7[\"ok\"]".to_owned())));
    let by_http = stable(taken(&seen));

    // A closed port: only the in-process path can reach the app.
    let in_process = upstream("http://127.0.0.1:9/hook?x=1".into());
    assert!(
        in_process
            .call_in_process(app(seen.clone(), "43/ns,7[\"ok\"]"))
            .is_ok()
    );
    assert!(in_process.in_process());
    let reply = in_process.send(event()).await.map(|r| (r.status, r.body));
    assert_eq!(reply.ok(), Some((200, "43/ns,7[\"ok\"]".to_owned())));
    let by_router = stable(taken(&seen));

    // The abuse-protection handshake, then the event, each the same both ways.
    let methods: Vec<&str> = by_http.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(methods, ["OPTIONS", "POST"]);
    assert_eq!(by_http[1].1, "/hook?x=1");
    assert!(
        by_http[1]
            .2
            .iter()
            .any(|(n, v)| n == header::SIGNATURE && v.starts_with("sha256=")),
        "{by_http:?}"
    );
    assert_eq!(by_http[1].3, r#"42/ns,7["chat","hi"]"#);
    assert_eq!(by_router, by_http);
}

#[tokio::test]
async fn a_reply_over_the_bound_fails_the_call_both_ways() {
    let seen = Seen::default();
    let base = serve(app(seen.clone(), "")).await;
    let over_http = upstream(format!("{base}/large"));
    let failed = over_http.send(event()).await.map(|r| r.status);
    assert!(
        matches!(&failed, Err(UpstreamError::Unreachable { reason, .. }) if reason.contains("larger than")),
        "{failed:?}"
    );

    let in_process = upstream("http://127.0.0.1:9/large".into());
    assert!(in_process.call_in_process(app(seen, "")).is_ok());
    let failed = in_process.send(event()).await.map(|r| r.status);
    assert!(
        matches!(&failed, Err(UpstreamError::Unreachable { reason, .. }) if reason.contains("at most")),
        "{failed:?}"
    );
}

#[tokio::test]
async fn settle_waits_for_the_calls_in_flight() {
    let finished = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let done = finished.clone();
    let slow = axum::Router::new().route(
        "/hook",
        post(move || {
            let done = done.clone();
            async move {
                tokio::time::sleep(Duration::from_millis(300)).await;
                done.store(true, Ordering::SeqCst);
                "late"
            }
        })
        .options(|| async { "" }),
    );
    let upstream = Arc::new(upstream("http://127.0.0.1:9/hook".into()));
    assert!(upstream.call_in_process(slow).is_ok());
    assert_eq!(upstream.in_flight.load(Ordering::SeqCst), 0);
    let calling = upstream.clone();
    let call = tokio::spawn(async move { calling.send(event()).await.map(|r| r.body) });
    while upstream.in_flight.load(Ordering::SeqCst) == 0 {
        tokio::task::yield_now().await;
    }
    assert!(
        !upstream.settle(Duration::ZERO).await,
        "a call is in flight"
    );
    assert!(upstream.settle(Duration::from_secs(30)).await);
    assert!(
        finished.load(Ordering::SeqCst),
        "settled before the call finished"
    );
    let reply = call
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r.map_err(|e| e.to_string()));
    assert_eq!(reply, Ok("late".to_owned()));
    // Once settling, no new call starts (a client that keeps emitting cannot hold the stop up).
    let refused = upstream.send(event()).await.map(|r| r.body);
    assert!(
        matches!(refused, Err(UpstreamError::Stopping)),
        "{refused:?}"
    );
    assert!(upstream.settle(Duration::ZERO).await);
}

#[test]
fn only_a_single_upstream_is_called_in_process() {
    let two = upstream_to(vec![
        "http://127.0.0.1:9/a".into(),
        "http://127.0.0.1:10/a".into(),
    ]);
    assert_eq!(
        two.call_in_process(axum::Router::new()),
        Err(InProcessError::SeveralUpstreams)
    );
    let one = upstream("http://127.0.0.1:9/a".into());
    assert_eq!(one.call_in_process(axum::Router::new()), Ok(()));
    assert_eq!(
        one.call_in_process(axum::Router::new()),
        Err(InProcessError::AlreadySet)
    );
}

#[test]
fn iso8601() {
    assert_eq!(crate::clock::iso8601(1_727_070_184), "2024-09-23T05:43:04Z");
    assert_eq!(crate::clock::iso8601(0), "1970-01-01T00:00:00Z");
    assert_eq!(crate::clock::iso8601(951_782_400), "2000-02-29T00:00:00Z");
}

/// Replacing the instances: the next call goes to the new one only; an empty list is refused.
#[tokio::test]
async fn calls_go_to_the_instances_set_last() {
    let (first, second): (Seen, Seen) = (Seen::default(), Seen::default());
    let a = serve(app(first.clone(), "from a")).await;
    let b = serve(app(second.clone(), "from b")).await;
    let upstream = upstream(format!("{a}/hook"));
    assert_eq!(upstream.send(event()).await.unwrap().body, "from a");
    upstream.set_instances(vec![format!("{b}/hook")]).unwrap();
    assert_eq!(upstream.send(event()).await.unwrap().body, "from b");
    assert_eq!(upstream.send(event()).await.unwrap().body, "from b");
    let posts = |seen: &Seen| {
        seen.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .filter(|c| c.0 == "POST")
            .count()
    };
    assert_eq!((posts(&first), posts(&second)), (1, 2));
    assert_eq!(
        upstream.set_instances(Vec::new()),
        Err(SetUpstreamsError::Empty)
    );
}

/// A call no instance takes is held: sent once an instance is there (within the hold), else failed.
#[tokio::test]
async fn a_held_call_waits_for_an_instance() {
    let seen = Seen::default();
    // A port nothing listens on yet.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let upstream = Upstream::new(
        vec![format!("http://127.0.0.1:{port}/hook")],
        "localhost".into(),
        AccessKey::new("a-key-of-more-than-thirty-two-characters"),
        Duration::from_secs(5),
        BREAKER_COOL_DOWN,
        Some(Duration::from_secs(10)),
    );
    let router = app(seen.clone(), "late");
    let late = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(600)).await;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        axum::serve(listener, router).await.unwrap();
    });
    assert_eq!(upstream.send(event()).await.unwrap().body, "late");
    late.abort();
    // Past the hold, the call fails as without one.
    let brief = Upstream::new(
        vec![format!("http://127.0.0.1:{port}/hook")],
        "localhost".into(),
        AccessKey::new("a-key-of-more-than-thirty-two-characters"),
        Duration::from_secs(5),
        BREAKER_COOL_DOWN,
        Some(Duration::from_millis(300)),
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(matches!(
        brief.send(event()).await,
        Err(UpstreamError::Unreachable { .. } | UpstreamError::Down { .. })
    ));
}
