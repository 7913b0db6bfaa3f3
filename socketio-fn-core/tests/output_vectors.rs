//! Every output vector (`tests/vectors/output-*.json`): the action parsed from its JSON, executed against a
//! fake service on loopback, compared with the exact REST request (method, path and query, headers, body:
//! text bodies byte for byte, JSON bodies as JSON) and the JWT the reference sends (decoded header and
//! claims, signature checked with the key: what the service checks).
#![allow(clippy::unwrap_used)]

mod common;
#[path = "common/fake_service.rs"]
mod fake_service;

use common::vector;
use fake_service::FakeService;
use serde_json::{Value, json};
use socketio_fn_core::actions::{ActionKind, InvalidAction, SocketIoAction};
use socketio_fn_core::protocol::token::{DEFAULT_LEEWAY_SECS, TokenClaims, sign, verify};
use socketio_fn_core::service::ServiceClient;
use socketio_fn_core::settings::KeyConnection;

/// Every `output-*.json` except the JSON-parsing one.
fn output_vectors() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("output-") && n != "output-action-json-parsing.json")
        .map(|n| n.trim_end_matches(".json").to_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 9);
    names
}

fn path_and_query(url: &str) -> &str {
    let rest = url.split_once("://").unwrap().1;
    &rest[rest.find('/').unwrap()..]
}

/// The multi-room vector carries the reference's unparenthesised filter (spec 5.3); ours adds parentheses.
fn corrected(id: &str, url: &str) -> String {
    if id == "send-to-rooms-multi" {
        let bug =
            "filter=%270~L25z~cm0%27%20in%20groups%20or%20%270~L25z~cm0y%27%20in%20groups%20and";
        let fixed = "filter=%28%270~L25z~cm0%27%20in%20groups%20or%20%270~L25z~cm0y%27%20in%20groups%29%20and";
        assert!(url.contains(bug));
        url.replace(bug, fixed)
    } else {
        url.to_owned()
    }
}

#[tokio::test]
async fn output_vectors_produce_the_exact_rest_requests() {
    for file in output_vectors() {
        let v = vector(&file);
        let id = v["id"].as_str().unwrap();
        let config = &v["config"];
        let key = KeyConnection::parse(
            config["WebPubSubForSocketIOConnectionString"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        let now = config["now"].as_u64().unwrap();
        let actions = SocketIoAction::from_json(&v["actionJson"]).unwrap();
        assert_eq!(actions.len(), 1);
        let expected_requests = v["expectedRestRequests"].as_array().unwrap();

        // Offline: the mapping and the JWT, byte for byte, against the vector's own endpoint and clock.
        let requests = actions[0].rest_requests(
            config["hub"].as_str().unwrap(),
            config["apiVersion"].as_str().unwrap(),
        );
        assert_eq!(requests.len(), 1, "{id}");
        let request = &requests[0];
        assert_eq!(request.method, "POST", "{id}");
        let expected = &expected_requests[0];
        let expected_url = corrected(id, expected["url"].as_str().unwrap());
        assert_eq!(
            format!("{}{}", key.endpoint.base(), request.path_and_query),
            expected_url,
            "{id}"
        );
        assert_same_body(
            &request.body,
            expected["body"].as_str().unwrap(),
            request.content_type,
            id,
        );
        assert_eq!(
            request.content_type,
            expected["headers"]["Content-Type"].as_str().unwrap(),
            "{id}"
        );
        // The token we make for the vector's URL and clock has the reference token's header and claims,
        // and both verify with the key.
        let ours = sign(
            &TokenClaims::new(expected["url"].as_str().unwrap(), now, 300, None),
            &key.access_key,
        )
        .unwrap();
        let reference = expected["headers"]["Authorization"]
            .as_str()
            .unwrap()
            .strip_prefix("Bearer ")
            .unwrap();
        let (ours_header, ours_claims) = common::decode_signed(&ours, &key.access_key);
        let (ref_header, ref_claims) = common::decode_signed(reference, &key.access_key);
        assert_eq!(ours_header, ref_header, "{id}: header");
        assert_eq!(ours_claims, ref_claims, "{id}: claims");
        let payload: Value =
            serde_json::from_str(expected["jwtPayloadJson"].as_str().unwrap()).unwrap();
        assert_eq!(ours_claims, payload, "{id}: the vector's payload");

        // Online: executed against the fake service.
        let service = FakeService::start(vec![]).await;
        let connection = KeyConnection::parse(&format!(
            "Endpoint={};AccessKey={}",
            service.base,
            key.access_key.expose()
        ))
        .unwrap();
        let client = ServiceClient::key_based(&connection);
        client.execute("hub", &actions[0]).await.unwrap();
        let got = service.requests();
        assert_eq!(got.len(), 1, "{id}");
        let r = &got[0];
        assert_eq!(r.method, "POST");
        assert_eq!(r.target, path_and_query(&expected_url), "{id}");
        assert_same_body(
            &r.body,
            expected["body"].as_str().unwrap(),
            request.content_type,
            id,
        );
        for header in ["Content-Type", "Accept"] {
            assert_eq!(
                r.header(header),
                expected["headers"][header].as_str(),
                "{id}: {header}"
            );
        }
        let token = r
            .header("Authorization")
            .unwrap()
            .strip_prefix("Bearer ")
            .unwrap();
        let url = format!("{}{}", service.base, r.target);
        let claims = verify(token, &connection.access_key, &url, DEFAULT_LEEWAY_SECS).unwrap();
        assert_eq!(
            claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
            300
        );
        assert_eq!(claims["nbf"], claims["iat"]);
        assert!(claims.get("sub").is_none());
    }
}

/// Text bodies byte for byte; JSON bodies (group changes) as JSON: the reference escapes `'` as
/// `\u0027`, which the service parses to the same value.
fn assert_same_body(got: &str, expected: &str, content_type: &str, id: &str) {
    if content_type == "application/json" {
        let got: Value = serde_json::from_str(got).unwrap();
        let expected: Value = serde_json::from_str(expected).unwrap();
        assert_eq!(got, expected, "{id}: body");
        assert_eq!(
            got.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["filter", "groups"],
            "{id}: member order"
        );
    } else {
        assert_eq!(got, expected, "{id}: body");
    }
}

#[test]
fn action_json_parsing_vector() {
    let v = vector("output-action-json-parsing");
    assert_eq!(v["id"], "output-action-json-parsing");
    let names = |action: &str| match action {
        "SendToNamespaceAction" => "sendToNamespace",
        "SendToRoomsAction" => "sendToRooms",
        "SendToSocketAction" => "sendToSocket",
        "AddSocketToRoomAction" => "addSocketToRoom",
        "RemoveSocketFromRoomAction" => "removeSocketFromRoom",
        "DisconnectSocketsAction" => "disconnectSockets",
        other => panic!("{other}"),
    };
    for case in v["accepted"].as_array().unwrap() {
        let parsed = SocketIoAction::from_json(&case["json"]).unwrap();
        assert_eq!(parsed[0].name(), names(case["action"].as_str().unwrap()));
        if let Some(ns) = case.get("namespace") {
            assert_eq!(parsed[0].namespace(), ns.as_str().unwrap());
        }
    }
    // All accepted objects at once, as an array.
    let all: Vec<Value> = v["accepted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["json"].clone())
        .collect();
    assert_eq!(
        SocketIoAction::from_json(&Value::Array(all)).unwrap().len(),
        6
    );

    let rejected = v["rejected"].as_array().unwrap();
    // rejected[0] is the documented `type` form, which the reference rejects and we accept on purpose.
    assert_eq!(
        SocketIoAction::from_json(&rejected[0]["json"]).unwrap(),
        vec![SocketIoAction::send_to_namespace("e", ())]
    );
    let expected_errors = [
        InvalidAction::UnknownAction("sendToRoom".into()),
        InvalidAction::UnknownAction("unknown".into()),
        InvalidAction::UnknownAction("SocketIOAction".into()),
        InvalidAction::InvalidField {
            action: ActionKind::SendToNamespace,
            field: "parameters",
            expected: "an array",
        },
        InvalidAction::InvalidField {
            action: ActionKind::SendToRooms,
            field: "rooms",
            expected: "an array of strings",
        },
    ];
    for (case, error) in rejected[1..].iter().zip(expected_errors) {
        assert_eq!(
            SocketIoAction::from_json(&case["json"]),
            Err(error),
            "{}",
            case["json"]
        );
    }
    let expected_missing = [
        (ActionKind::SendToRooms, "rooms"),
        (ActionKind::SendToNamespace, "eventName"),
        (ActionKind::SendToSocket, "socketId"),
        (ActionKind::AddSocketToRoom, "room"),
    ];
    for (case, (action, field)) in v["validationAtSendTime"]
        .as_array()
        .unwrap()
        .iter()
        .zip(expected_missing)
    {
        let err = SocketIoAction::from_json(&case["json"]).unwrap_err();
        assert_eq!(err, InvalidAction::MissingField { action, field });
        assert_eq!(
            err.to_string(),
            format!("`{field}` of `{action}` must not be missing or empty")
        );
    }
    assert_eq!(
        SocketIoAction::from_json(&json!(5)),
        Err(InvalidAction::NotAnObject)
    );
    assert_eq!(
        SocketIoAction::from_json(&json!({"eventName": "x"})),
        Err(InvalidAction::UnknownAction(String::new()))
    );
}

#[test]
fn rust_constructors_match_the_json_forms() {
    let built = SocketIoAction::send_to_rooms(["rm", "rm2"], "ev", ("abc",))
        .in_namespace("/ns")
        .except_rooms(["ex1"]);
    let parsed =
        SocketIoAction::from_json(&vector("output-send-to-rooms-multi")["actionJson"]).unwrap();
    assert_eq!(parsed, vec![built]);
    let built =
        SocketIoAction::disconnect_sockets(Vec::<String>::new()).close_underlying_connection(true);
    let parsed =
        SocketIoAction::from_json(&vector("output-disconnect-namespace-close")["actionJson"])
            .unwrap();
    assert_eq!(parsed, vec![built]);
    let built = SocketIoAction::add_socket_to_room("socket1", "rm1").in_namespace("/ns");
    assert_eq!(
        SocketIoAction::from_json(&vector("output-add-socket-to-room")["actionJson"]).unwrap(),
        vec![built]
    );
}

#[test]
fn every_documented_json_spelling_is_accepted() {
    // The reference reads `actionName` (case-insensitive, without the `Action` suffix); the service's
    // docs write `type` in PascalCase, including `SendToRoom` for sending to rooms.
    let cases = [
        (
            json!({"actionName": "sendToNamespace", "eventName": "e"}),
            ActionKind::SendToNamespace,
        ),
        (
            json!({"ACTIONNAME": "SENDTONAMESPACE", "eventName": "e"}),
            ActionKind::SendToNamespace,
        ),
        (
            json!({"type": "SendToNamespace", "eventName": "e"}),
            ActionKind::SendToNamespace,
        ),
        (
            json!({"type": "SendToRoom", "rooms": ["r"], "eventName": "e"}),
            ActionKind::SendToRooms,
        ),
        (
            json!({"type": "SendToRooms", "rooms": ["r"], "eventName": "e"}),
            ActionKind::SendToRooms,
        ),
        (
            json!({"type": "SendToSocket", "socketId": "s", "eventName": "e"}),
            ActionKind::SendToSocket,
        ),
        (
            json!({"type": "AddSocketToRoom", "socketId": "s", "room": "r"}),
            ActionKind::AddSocketToRoom,
        ),
        (
            json!({"type": "RemoveSocketFromRoom", "socketId": "s", "room": "r"}),
            ActionKind::RemoveSocketFromRoom,
        ),
        (
            json!({"type": "DisconnectSockets", "rooms": ["r"]}),
            ActionKind::DisconnectSockets,
        ),
    ];
    for (value, kind) in cases {
        let parsed = SocketIoAction::from_json(&value).unwrap();
        assert_eq!(parsed[0].kind(), kind, "{value}");
    }
    // `SendToRoom` is the documented `type` spelling; as an `actionName` the reference rejects it, so
    // do we (the vector above pins that).
    assert_eq!(
        SocketIoAction::from_json(
            &json!({"type": "SendToRoom", "rooms": ["a"], "eventName": "e", "parameters": [1]})
        )
        .unwrap(),
        vec![SocketIoAction::send_to_rooms(["a"], "e", (1,))]
    );
}

/// A key connection's token is for its request's URL, and reused for the same URL (the output path
/// signs once per URL per minute): the service sees the same token for two sends to a namespace and
/// a token for a room's URL, which is no good for the namespace's.
#[tokio::test]
async fn a_token_is_reused_for_its_url_only() {
    let service = FakeService::start(vec![]).await;
    let key = "k".repeat(40);
    let connection =
        KeyConnection::parse(&format!("Endpoint={};AccessKey={key}", service.base)).unwrap();
    let client = ServiceClient::key_based(&connection);
    let to_namespace = || SocketIoAction::send_to_namespace("news", ("hi",));
    client.execute("hub", &to_namespace()).await.unwrap();
    // Over a second later: a token signed anew would have another `iat`.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    client.execute("hub", &to_namespace()).await.unwrap();
    let to_room = SocketIoAction::send_to_rooms(["lobby"], "news", ("hi",));
    client.execute("hub", &to_room).await.unwrap();
    let got = service.requests();
    assert_eq!(got.len(), 3);
    let token = |i: usize| {
        got[i]
            .header("Authorization")
            .unwrap()
            .strip_prefix("Bearer ")
            .unwrap()
            .to_owned()
    };
    let url = |i: usize| format!("{}{}", service.base, got[i].target);
    assert_eq!(got[0].target, got[1].target);
    assert_eq!(token(0), token(1), "the same URL's token is reused");
    assert_ne!(got[0].target, got[2].target);
    let access_key = &connection.access_key;
    assert!(verify(&token(0), access_key, &url(0), DEFAULT_LEEWAY_SECS).is_ok());
    assert!(verify(&token(2), access_key, &url(2), DEFAULT_LEEWAY_SECS).is_ok());
    assert!(verify(&token(2), access_key, &url(0), DEFAULT_LEEWAY_SECS).is_err());
}

/// The six actions the Functions extension's `socketio` output binding knows go to it as JSON that
/// the extension's reading (`SocketIoAction::from_json`, checked against the vectors above) turns back
/// into the same action; every other action, and a send with a TTL, stays with the app's REST client.
#[test]
fn binding_json_round_trips_through_the_extensions_reading() {
    let six = [
        SocketIoAction::send_to_namespace("e", ("a", 1))
            .in_namespace("/ns")
            .except_rooms(["x"]),
        SocketIoAction::send_to_rooms(["r1", "r2"], "e", (true,)).except_rooms(["x"]),
        SocketIoAction::send_to_socket("s1", "e", ()),
        SocketIoAction::add_socket_to_room("s1", "r").in_namespace("/ns"),
        SocketIoAction::remove_socket_from_room("s1", "r"),
        SocketIoAction::disconnect_sockets(["r"]).close_underlying_connection(true),
    ];
    for action in six {
        let json = action.to_binding_json().unwrap();
        assert_eq!(json["actionName"], action.name(), "{json}");
        assert_eq!(SocketIoAction::from_json(&json).unwrap(), vec![action]);
    }
    let others = [
        SocketIoAction::send_to_user("u", "e", ()),
        SocketIoAction::broadcast_from("s1", "e", ()),
        SocketIoAction::add_user_to_room("u", "r"),
        SocketIoAction::remove_user_from_all_rooms("u"),
        SocketIoAction::close_connection("c", "bye"),
        SocketIoAction::send_to_namespace("e", ()).with_ttl(std::time::Duration::from_secs(5)),
    ];
    for action in others {
        assert_eq!(action.to_binding_json(), None, "{action:?}");
    }
}
