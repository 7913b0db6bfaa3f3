//! The Socket.IO server API over the service's REST API (`service-api.md`): each new action's
//! request (method, path, query, body) as the spec writes it, its JSON form, its validation; the
//! queries and `:invoke` against a fake service: paths, statuses, paging bounds, acks within the
//! timeout.
#![allow(clippy::unwrap_used)]

#[path = "common/fake_service.rs"]
mod fake_service;

use fake_service::{FakeService, Reply};
use serde_json::json;
use socketio_fn_core::actions::{ActionKind, InvalidAction, RestRequest, SocketIoAction};
use socketio_fn_core::service::{QueryError, RoomMember, SendError, ServiceError};
use socketio_fn_core::{App, Settings};
use std::time::Duration;

const V: &str = "2024-01-01";

/// (method, path and query, body) of each request.
type Requests = Vec<(String, String, String)>;

fn requests(action: &SocketIoAction) -> Requests {
    action.validate().unwrap();
    action
        .rest_requests("hub", V)
        .into_iter()
        .map(
            |RestRequest {
                 method,
                 path_and_query,
                 body,
                 ..
             }| { (method.to_owned(), path_and_query, body) },
        )
        .collect()
}

fn one(method: &str, path: &str, body: &str) -> Requests {
    vec![(method.to_owned(), path.to_owned(), body.to_owned())]
}

#[test]
fn each_new_action_is_the_request_the_spec_describes() {
    // Namespace `/` = group `0~Lw~`; rooms `A` = `QQ`, `B` = `Qg`, `C` = `Qw`; socket `socket1`.
    let cases: Vec<(SocketIoAction, Requests)> = vec![
        (
            SocketIoAction::send_to_user("u 1", "news", ("hi",)),
            one(
                "POST",
                "/api/hubs/hub/users/u%201/:send?api-version=2024-01-01&filter=%270~Lw~%27%20in%20groups",
                r#"42["news","hi"]"#,
            ),
        ),
        (
            SocketIoAction::broadcast_from("socket1", "said", ("x",)).except_rooms(["A"]),
            one(
                "POST",
                "/api/hubs/hub/groups/0~Lw~/:send?api-version=2024-01-01&filter=not%20%28%270~Lw~QQ%27%20in%20groups%29%20and%20not%20%28%270~Lw~c29ja2V0MQ%27%20in%20groups%29",
                r#"42["said","x"]"#,
            ),
        ),
        (
            SocketIoAction::add_user_to_room("o'neil", "A"),
            one(
                "POST",
                "/api/hubs/hub/:addToGroups?api-version=2024-01-01",
                r#"{"filter":"userId eq 'o''neil' and '0~Lw~' in groups","groups":["0~Lw~QQ"]}"#,
            ),
        ),
        (
            SocketIoAction::remove_user_from_room("u", "A"),
            one(
                "POST",
                "/api/hubs/hub/:removeFromGroups?api-version=2024-01-01",
                r#"{"filter":"userId eq 'u' and '0~Lw~' in groups","groups":["0~Lw~QQ"]}"#,
            ),
        ),
        (
            SocketIoAction::remove_user_from_all_rooms("u"),
            vec![
                (
                    "DELETE".into(),
                    "/api/hubs/hub/users/u/groups?api-version=2024-01-01".into(),
                    String::new(),
                ),
                (
                    "POST".into(),
                    "/api/hubs/hub/:addToGroups?api-version=2024-01-01".into(),
                    r#"{"filter":"userId eq 'u'","groups":["0~Lw~"]}"#.into(),
                ),
            ],
        ),
        (
            SocketIoAction::sockets_join(["A"], "B"),
            one(
                "POST",
                "/api/hubs/hub/:addToGroups?api-version=2024-01-01",
                r#"{"filter":"'0~Lw~QQ' in groups","groups":["0~Lw~Qg"]}"#,
            ),
        ),
        (
            SocketIoAction::sockets_join(Vec::<String>::new(), "B"),
            one(
                "POST",
                "/api/hubs/hub/:addToGroups?api-version=2024-01-01",
                r#"{"filter":"'0~Lw~' in groups","groups":["0~Lw~Qg"]}"#,
            ),
        ),
        (
            SocketIoAction::sockets_leave(["A", "C"], "B"),
            one(
                "POST",
                "/api/hubs/hub/:removeFromGroups?api-version=2024-01-01",
                r#"{"filter":"'0~Lw~QQ' in groups or '0~Lw~Qw' in groups","groups":["0~Lw~Qg"]}"#,
            ),
        ),
        (
            SocketIoAction::close_connections_of_user("u", "banned: spam"),
            one(
                "POST",
                "/api/hubs/hub/users/u/:closeConnections?api-version=2024-01-01&reason=banned%3A%20spam",
                "",
            ),
        ),
        (
            SocketIoAction::close_connections_in_room("A", ""),
            one(
                "POST",
                "/api/hubs/hub/groups/0~Lw~QQ/:closeConnections?api-version=2024-01-01",
                "",
            ),
        ),
        (
            SocketIoAction::close_connection("conn/1", "bye"),
            one(
                "DELETE",
                "/api/hubs/hub/connections/conn%2F1?api-version=2024-01-01&reason=bye",
                "",
            ),
        ),
        (
            SocketIoAction::send_to_socket("socket1", "ev", ())
                .in_namespace("/ns")
                .with_ttl(Duration::from_millis(1500)),
            one(
                "POST",
                "/api/hubs/hub/groups/0~L25z~c29ja2V0MQ/:send?api-version=2024-01-01&messageTtlSeconds=2",
                r#"42/ns,["ev"]"#,
            ),
        ),
    ];
    for (action, expected) in cases {
        assert_eq!(requests(&action), expected, "{action:?}");
    }
}

#[test]
fn arguments_take_any_serializable_value() {
    #[derive(serde::Serialize)]
    struct Point {
        x: i32,
        y: i32,
    }
    let a = SocketIoAction::send_to_namespace("moved", ("alice", Point { x: 1, y: 2 }, None::<u8>));
    assert_eq!(
        requests(&a)[0].2,
        r#"42["moved","alice",{"x":1,"y":2},null]"#
    );
    // A value serde cannot write (a map with non-string keys) makes the action invalid, not a panic.
    let bad: std::collections::HashMap<(i32, i32), i32> = [((1, 2), 3)].into_iter().collect();
    let a = SocketIoAction::send_to_user("u", "ev", (bad,));
    assert!(
        matches!(
            a.validate(),
            Err(InvalidAction::Arguments {
                action: ActionKind::SendToUser,
                ..
            })
        ),
        "{:?}",
        a.validate()
    );
}

#[test]
fn bad_input_is_a_typed_error() {
    let missing = |action: ActionKind, field| Err(InvalidAction::MissingField { action, field });
    assert_eq!(
        SocketIoAction::send_to_user("", "ev", ()).validate(),
        missing(ActionKind::SendToUser, "userId")
    );
    assert_eq!(
        SocketIoAction::add_user_to_room("u", "").validate(),
        missing(ActionKind::AddUserToRoom, "room")
    );
    assert_eq!(
        SocketIoAction::close_connection("", "r").validate(),
        missing(ActionKind::CloseConnection, "connectionId")
    );
    assert_eq!(
        SocketIoAction::sockets_join(["A", ""], "B").validate(),
        missing(ActionKind::SocketsJoin, "inRooms")
    );
    // A room whose group name would exceed the service's 1024 characters.
    let long = "r".repeat(800);
    let err = SocketIoAction::send_to_rooms([long.as_str()], "ev", ())
        .validate()
        .unwrap_err();
    assert!(
        matches!(err, InvalidAction::InvalidField { field: "rooms", .. }),
        "{err}"
    );
    // TTL: 0 to 300 seconds, send actions only.
    let ttl = |a: SocketIoAction, s| a.with_ttl(Duration::from_secs(s)).validate();
    assert!(ttl(SocketIoAction::send_to_namespace("ev", ()), 300).is_ok());
    assert!(ttl(SocketIoAction::send_to_namespace("ev", ()), 0).is_ok());
    let err = ttl(SocketIoAction::send_to_namespace("ev", ()), 301).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`messageTtlSeconds` of `sendToNamespace` must be at most 300 seconds (the service's limit)"
    );
    assert!(ttl(SocketIoAction::sockets_join(["A"], "B"), 5).is_err());
    assert!(matches!(
        SocketIoAction::send_to_namespace("ev", ())
            .in_namespace("chat")
            .validate(),
        Err(InvalidAction::InvalidField {
            field: "namespace",
            ..
        })
    ));
}

#[test]
fn the_new_kinds_have_json_forms() {
    let cases = [
        (
            json!({"actionName": "sendToUser", "userId": "u", "eventName": "e", "parameters": [1], "messageTtlSeconds": 10}),
            SocketIoAction::send_to_user("u", "e", (1,)).with_ttl(Duration::from_secs(10)),
        ),
        (
            json!({"type": "BroadcastFrom", "socketId": "s", "eventName": "e", "exceptRooms": ["A"], "namespace": "/ns"}),
            SocketIoAction::broadcast_from("s", "e", ())
                .except_rooms(["A"])
                .in_namespace("/ns"),
        ),
        (
            json!({"actionName": "addUserToRoom", "userId": "u", "room": "A"}),
            SocketIoAction::add_user_to_room("u", "A"),
        ),
        (
            json!({"actionName": "removeUserFromRoom", "userId": "u", "room": "A"}),
            SocketIoAction::remove_user_from_room("u", "A"),
        ),
        (
            json!({"actionName": "removeUserFromAllRooms", "userId": "u"}),
            SocketIoAction::remove_user_from_all_rooms("u"),
        ),
        (
            json!({"actionName": "socketsJoin", "inRooms": ["A"], "room": "B"}),
            SocketIoAction::sockets_join(["A"], "B"),
        ),
        (
            json!({"actionName": "socketsLeave", "inRooms": [], "room": "B"}),
            SocketIoAction::sockets_leave(Vec::<String>::new(), "B"),
        ),
        (
            json!({"actionName": "closeConnectionsOfUser", "userId": "u", "reason": "r"}),
            SocketIoAction::close_connections_of_user("u", "r"),
        ),
        (
            json!({"actionName": "closeConnectionsInRoom", "room": "A"}),
            SocketIoAction::close_connections_in_room("A", ""),
        ),
        (
            json!({"actionName": "closeConnection", "connectionId": "c", "reason": "r"}),
            SocketIoAction::close_connection("c", "r"),
        ),
    ];
    for (value, expected) in cases {
        assert_eq!(
            SocketIoAction::from_json(&value).unwrap(),
            vec![expected],
            "{value}"
        );
    }
    assert_eq!(
        SocketIoAction::from_json(
            &json!({"actionName": "sendToUser", "userId": "u", "eventName": "e", "messageTtlSeconds": "10"})
        ),
        Err(InvalidAction::InvalidField {
            action: ActionKind::SendToUser,
            field: "messageTtlSeconds",
            expected: "a whole number of seconds",
        })
    );
}

/// A built app on a fake service, and a handle to `hub`.
fn app(base: &str) -> App {
    App::builder()
        .settings(Settings::from_pairs([(
            "WebPubSubForSocketIOConnectionString",
            format!("Endpoint={base};AccessKey=key"),
        )]))
        .build()
        .unwrap()
}

#[tokio::test]
async fn existence_checks_are_head_requests() {
    let service = FakeService::start(vec![
        Reply::Status(200, vec![], ""),
        Reply::Status(404, vec![], ""),
        Reply::Status(200, vec![], ""),
        Reply::Status(403, vec![("x-ms-error-code", "Forbidden")], ""),
    ])
    .await;
    let hub = app(&service.base).service("hub").unwrap().of("/ns");
    assert!(hub.socket_exists("socket1").await.unwrap());
    assert!(!hub.room_exists("A").await.unwrap());
    assert!(hub.user_exists("u 1").await.unwrap());
    let err = hub.room_exists("A").await;
    assert!(
        matches!(
            err,
            Err(QueryError::Service(ServiceError::Refused {
                status: 403,
                ..
            }))
        ),
        "{err:?}"
    );
    let got: Vec<(String, String)> = service
        .requests()
        .into_iter()
        .map(|r| (r.method, r.target))
        .collect();
    assert_eq!(
        got[..3],
        [
            (
                "HEAD".to_owned(),
                "/api/hubs/hub/groups/0~L25z~c29ja2V0MQ?api-version=2024-01-01".to_owned()
            ),
            (
                "HEAD".to_owned(),
                "/api/hubs/hub/groups/0~L25z~QQ?api-version=2024-01-01".to_owned()
            ),
            (
                "HEAD".to_owned(),
                "/api/hubs/hub/users/u%201?api-version=2024-01-01".to_owned()
            ),
        ]
    );
    assert!(matches!(
        hub.user_exists("").await,
        Err(QueryError::Invalid(_))
    ));
}

fn page(value: serde_json::Value, next: Option<&str>) -> Reply {
    let mut body = json!({ "value": value });
    if let Some(next) = next {
        body["nextLink"] = json!(next);
    }
    Reply::Owned(
        200,
        vec![("Content-Type", "application/json")],
        body.to_string(),
    )
}

#[tokio::test]
async fn room_members_follow_next_links_within_bounds() {
    let next = "{base}/api/hubs/hub/groups/0~Lw~QQ/connections?api-version=2024-12-01&continuationToken=t1";
    let service = FakeService::start(vec![
        page(
            json!([{"connectionId": "c1", "userId": "alice"}]),
            Some(next),
        ),
        page(json!([{"connectionId": "c2"}]), None),
    ])
    .await;
    let hub = app(&service.base).service("hub").unwrap();
    assert_eq!(
        hub.room_members("A").await.unwrap(),
        vec![
            RoomMember {
                connection_id: "c1".into(),
                user_id: Some("alice".into())
            },
            RoomMember {
                connection_id: "c2".into(),
                user_id: None
            },
        ]
    );
    let got = service.requests();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].method, "GET");
    assert_eq!(
        got[0].target,
        "/api/hubs/hub/groups/0~Lw~QQ/connections?api-version=2024-12-01&maxpagesize=200"
    );
    assert_eq!(
        got[1].target,
        "/api/hubs/hub/groups/0~Lw~QQ/connections?api-version=2024-12-01&continuationToken=t1"
    );

    // A service whose pages never end: a typed error after the bound, not an endless loop.
    let endless = FakeService::start_then(vec![], page(json!([]), Some(next))).await;
    let hub = app(&endless.base).service("hub").unwrap();
    let err = hub.room_members("A").await.unwrap_err();
    assert!(
        matches!(
            err,
            QueryError::TooManyPages {
                limit: socketio_fn_core::service::MAX_ROOM_PAGES,
                ..
            }
        ),
        "{err}"
    );
    // A nextLink to another host is not followed (it would carry the credential there).
    let foreign = FakeService::start(vec![page(
        json!([]),
        Some("https://elsewhere.example/api/hubs/hub/groups/x/connections"),
    )])
    .await;
    let hub = app(&foreign.base).service("hub").unwrap();
    assert!(matches!(
        hub.room_members("A").await,
        Err(QueryError::ForeignNextLink(_))
    ));
    assert_eq!(foreign.requests().len(), 1);
}

#[tokio::test]
async fn emit_with_ack_streams_acks_until_the_timeout() {
    let line = |payload: &str| format!("{}\n", json!({ "Payload": payload }));
    // Two sockets ack at once, a third only after the caller's timeout.
    let service = FakeService::start(vec![Reply::Chunked(vec![
        (Duration::ZERO, line("43/ns,1[\"a\",1]")),
        (Duration::from_millis(50), line("43/ns,2[\"b\"]")),
        (Duration::from_secs(3), line("43/ns,3[\"late\"]")),
    ])])
    .await;
    let hub = app(&service.base).service("hub").unwrap().of("/ns");
    let started = std::time::Instant::now();
    let acks = hub
        .emit_with_ack(
            SocketIoAction::send_to_rooms(["A"], "ready?", ("now",)),
            Duration::from_millis(800),
        )
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(acks, vec![vec![json!("a"), json!(1)], vec![json!("b")]]);
    let got = service.requests();
    assert_eq!(got[0].method, "POST");
    assert_eq!(
        got[0].target,
        "/api/hubs/hub/:invoke?api-version=2023-07-01&filter=%270~L25z~QQ%27%20in%20groups"
    );
    assert_eq!(got[0].body, r#"42/ns,["ready?","now"]"#);
    assert_eq!(got[0].header("Content-Type"), Some("text/plain"));

    // The stream ends before the timeout: the acks so far, at once.
    let quick = FakeService::start(vec![Reply::Chunked(vec![(
        Duration::ZERO,
        line("43[true]"),
    )])])
    .await;
    let hub = app(&quick.base).service("hub").unwrap();
    let started = std::time::Instant::now();
    let acks = hub
        .emit_with_ack(
            SocketIoAction::send_to_namespace("q", ()),
            Duration::from_secs(10),
        )
        .await
        .unwrap();
    assert_eq!(acks, vec![vec![json!(true)]]);
    assert!(started.elapsed() < Duration::from_secs(2));

    // Not a send: an invalid action, nothing sent.
    let err = hub
        .emit_with_ack(
            SocketIoAction::sockets_join(["A"], "B"),
            Duration::from_secs(1),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, SendError::Invalid(InvalidAction::NotApplicable { .. })),
        "{err}"
    );
    assert_eq!(quick.requests().len(), 1);
    // A garbled line is an invalid reply, not a panic.
    let garbled = FakeService::start(vec![Reply::Chunked(vec![(
        Duration::ZERO,
        "{nope\n".into(),
    )])])
    .await;
    let hub = app(&garbled.base).service("hub").unwrap();
    let err = hub
        .emit_with_ack(
            SocketIoAction::send_to_namespace("q", ()),
            Duration::from_secs(1),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            SendError::Service(ServiceError::InvalidReply {
                operation: "invoke",
                ..
            })
        ),
        "{err}"
    );
}

#[tokio::test]
async fn sends_through_a_handle_use_its_namespace_and_close_uses_delete() {
    let service = FakeService::start(vec![]).await;
    let hub = app(&service.base).service("hub").unwrap();
    let admin = hub.of("/admin");
    admin
        .send(SocketIoAction::send_to_namespace("alert", ("disk",)))
        .await
        .unwrap();
    // An explicit namespace wins; JSON actions carry theirs (`/` when absent).
    admin
        .send(SocketIoAction::send_to_namespace("alert", ()).in_namespace("/ops"))
        .await
        .unwrap();
    let json =
        SocketIoAction::from_json(&json!({"actionName": "sendToNamespace", "eventName": "j"}))
            .unwrap()
            .remove(0);
    admin.send(json).await.unwrap();
    hub.send(SocketIoAction::close_connection("c1", "bye"))
        .await
        .unwrap();
    let got = service.requests();
    let bodies: Vec<&str> = got.iter().map(|r| r.body.as_str()).collect();
    assert_eq!(
        bodies[..3],
        [
            r#"42/admin,["alert","disk"]"#,
            r#"42/ops,["alert"]"#,
            r#"42["j"]"#
        ]
    );
    assert_eq!(got[3].method, "DELETE");
    assert_eq!(
        got[3].target,
        "/api/hubs/hub/connections/c1?api-version=2024-01-01&reason=bye"
    );
}
