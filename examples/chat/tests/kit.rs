//! The chat's functions, routes and state with the test kit (`socketio_fn::testing`), in the test's
//! process: presence from the service's room listing, a direct message to every tab of a user, the
//! counter a function keeps read by an HTTP route.
#![allow(clippy::unwrap_used, missing_docs)]

use socketio_fn::App;
use socketio_fn::testing::TestApp;

#[tokio::test]
async fn presence_direct_messages_and_shared_state() {
    let app = TestApp::start(chat::app(App::builder().registered_functions()))
        .await
        .unwrap();
    let (tab1, tab2) = (
        app.client().user("dana").connect().await.unwrap(),
        app.client().user("dana").connect().await.unwrap(),
    );
    let bob = app.client().user("bob").connect().await.unwrap();
    for client in [&tab1, &tab2, &bob] {
        let (joined,): (bool,) = client.emit_with_ack("join", ("club",)).await.unwrap();
        assert!(joined);
    }
    let (members,): (Vec<String>,) = bob.emit_with_ack("who", ("club",)).await.unwrap();
    assert_eq!(members, ["bob", "dana", "dana"]);
    let (sent,): (String,) = bob.emit_with_ack("dm", ("dana", "page 42?")).await.unwrap();
    assert_eq!(sent, "ok");
    for tab in [&tab1, &tab2] {
        let (from, text): (String, String) = tab.next_event("dm").await.unwrap();
        assert_eq!((from.as_str(), text.as_str()), ("bob", "page 42?"));
    }
    let (ok,): (String,) = tab1.emit_with_ack("new message", ("hi",)).await.unwrap();
    assert_eq!(ok, "ok");
    let stats = reqwest::get(format!("{}/api/stats", app.url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let stats: serde_json::Value = serde_json::from_str(&stats).unwrap();
    assert_eq!(stats["messages"], 1);
}
