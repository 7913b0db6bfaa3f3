//! Start-up decisions: local mode (the embedded emulator) only when it is safe, an app nothing would
//! authenticate refuses to build, and what a function names is resolved before the first event.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use socketio_fn_core::app::{Mode, local_mode};
use socketio_fn_core::state::Requirements;
use socketio_fn_core::{App, Error, FunctionDescriptor, OutputBinding, Settings};
use std::net::SocketAddr;

const KEY_CONNECTION: &str = "Endpoint=http://localhost;AccessKey=k";

fn loopback() -> SocketAddr {
    "127.0.0.1:7071".parse().unwrap()
}

fn decide(pairs: &[(&str, &str)], listen: SocketAddr) -> Result<bool, Error> {
    local_mode(&Settings::from_pairs(pairs.iter().copied()), listen)
}

#[test]
fn local_mode_only_on_a_loopback_laptop() {
    // A laptop: no connection, no hosting platform, loopback address -> the emulator.
    assert!(decide(&[], loopback()).unwrap());
    // A configured connection -> the service, never the emulator.
    assert!(
        !decide(
            &[("WebPubSubForSocketIOConnectionString", KEY_CONNECTION)],
            loopback()
        )
        .unwrap()
    );
    assert!(
        !decide(
            &[(
                "WebPubSubForSocketIOConnectionString__endpoint",
                "https://x.example"
            )],
            loopback()
        )
        .unwrap()
    );
    // On a hosting platform without a connection: an error naming the setting and the variable.
    for var in [
        "WEBSITE_INSTANCE_ID",
        "CONTAINER_APP_NAME",
        "FUNCTIONS_CUSTOMHANDLER_PORT",
        "KUBERNETES_SERVICE_HOST",
    ] {
        let err = decide(&[(var, "1")], loopback()).unwrap_err().to_string();
        assert!(
            err.starts_with("no `WebPubSubForSocketIOConnectionString` is set")
                && err.contains(&format!("`{var}` says the app runs on a hosting platform")),
            "{err}"
        );
    }
    // Listening on every interface without a connection: an error.
    let err = decide(&[], "0.0.0.0:8080".parse().unwrap())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("0.0.0.0:8080, which is not a loopback address"),
        "{err}"
    );
}

#[test]
fn the_override_works_both_ways() {
    // `on` forces the emulator even where it would not start by itself.
    assert!(
        decide(
            &[("SOCKETIO_FN_EMULATOR", "on")],
            "0.0.0.0:80".parse().unwrap()
        )
        .unwrap()
    );
    assert!(
        decide(
            &[("SOCKETIO_FN_EMULATOR", "on"), ("CONTAINER_APP_NAME", "x")],
            loopback()
        )
        .unwrap()
    );
    // `off` refuses it even on a laptop: the missing connection is an error.
    let err = decide(&[("SOCKETIO_FN_EMULATOR", "off")], loopback())
        .unwrap_err()
        .to_string();
    assert!(err.contains("`SOCKETIO_FN_EMULATOR=off`"), "{err}");
    // `on` with a connection is ambiguous: refused.
    let err = decide(
        &[
            ("SOCKETIO_FN_EMULATOR", "on"),
            ("WebPubSubForSocketIOConnectionString", KEY_CONNECTION),
        ],
        loopback(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("remove one of them"), "{err}");
    let err = decide(&[("SOCKETIO_FN_EMULATOR", "maybe")], loopback()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidSetting {
                name: "SOCKETIO_FN_EMULATOR",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn an_app_nothing_authenticates_refuses_to_build() {
    let identity = [(
        "WebPubSubForSocketIOConnectionString__endpoint",
        "https://svc.example",
    )];
    let build = |pairs: &[(&str, &str)]| {
        App::builder()
            .settings(Settings::from_pairs(pairs.iter().copied()))
            .credential(
                "WebPubSubForSocketIOConnectionString",
                std::sync::Arc::new(FixedToken::new("t")),
            )
            .build()
    };
    // No connection at all, and an identity connection alone: nothing signs the requests.
    for pairs in [&[][..], &identity[..]] {
        let err = build(pairs).unwrap_err();
        assert!(matches!(err, Error::Unauthenticated), "{err}");
        let text = err.to_string();
        assert!(
            text.starts_with("nothing would authenticate the webhook")
                && text.contains("SOCKETIO_FN_WEBHOOK_CODE")
                && text.contains("SOCKETIO_FN_WEBHOOK_AUTH=none"),
            "{text}"
        );
    }
    // A code, Entra settings, an explicit `none`, or the builder's opt-in make it build.
    let with_code = [
        identity[0],
        (
            "SOCKETIO_FN_WEBHOOK_CODE",
            "s3cret-code-of-at-least-32-characters",
        ),
    ];
    assert!(build(&with_code).unwrap().auth().code);
    let with_entra = [
        identity[0],
        ("SOCKETIO_FN_WEBHOOK_ENTRA_TENANT", "tenant"),
        ("SOCKETIO_FN_WEBHOOK_ENTRA_AUDIENCE", "api://app"),
    ];
    assert!(build(&with_entra).unwrap().auth().entra);
    let none = [identity[0], ("SOCKETIO_FN_WEBHOOK_AUTH", "none")];
    assert!(build(&none).unwrap().auth().open);
    let app = App::builder()
        .settings(Settings::default())
        .allow_unauthenticated_webhook()
        .build()
        .unwrap();
    assert!(app.auth().open);
    assert_eq!(app.mode(), &Mode::Unconnected);
    // Half of the Entra settings, a bad `SOCKETIO_FN_WEBHOOK_AUTH`, or an http authority: refused.
    let err = build(&[identity[0], ("SOCKETIO_FN_WEBHOOK_ENTRA_TENANT", "t")]).unwrap_err();
    assert!(
        err.to_string()
            .contains("`SOCKETIO_FN_WEBHOOK_ENTRA_AUDIENCE` is not"),
        "{err}"
    );
    let err = build(&[identity[0], ("SOCKETIO_FN_WEBHOOK_AUTH", "off")]).unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidSetting {
                name: "SOCKETIO_FN_WEBHOOK_AUTH",
                ..
            }
        ),
        "{err}"
    );
    let err = build(&[
        with_entra[0],
        with_entra[1],
        with_entra[2],
        (
            "SOCKETIO_FN_WEBHOOK_ENTRA_AUTHORITY",
            "http://login.example",
        ),
    ])
    .unwrap_err();
    assert!(matches!(err, Error::Entra(_)), "{err:?}");
    assert!(
        format!("{err:?}").contains("`SOCKETIO_FN_WEBHOOK_ENTRA_AUTHORITY` is `http://login.example`: the authority must use https"),
        "{err:?}"
    );
    // A key-based connection signs the requests: that is enough.
    let app = App::builder()
        .settings(Settings::from_pairs([(
            "WebPubSubForSocketIOConnectionString",
            KEY_CONNECTION,
        )]))
        .build()
        .unwrap();
    assert_eq!(app.mode(), &Mode::Key("http://localhost".into()));
    assert_eq!(app.auth().to_string(), "signature (access key)");
}

fn needs_counter(requirements: &mut Requirements) {
    requirements.state::<std::sync::Arc<std::sync::atomic::AtomicU64>>();
}

#[test]
fn missing_state_and_bad_outputs_fail_the_build_naming_the_function() {
    let settings =
        || Settings::from_pairs([("WebPubSubForSocketIOConnectionString", KEY_CONNECTION)]);
    let counting = FunctionDescriptor {
        requires: needs_counter,
        ..FunctionDescriptor::new("counting", "hub", "ping", noop)
    };
    let err = App::builder()
        .settings(settings())
        .function(counting)
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "function `counting`: no state of type `alloc::sync::Arc<core::sync::atomic::AtomicU64>`: add it with `App::builder().state(...)`"
    );
    let app = App::builder()
        .settings(settings())
        .state(std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0)))
        .function(counting)
        .build();
    assert!(app.is_ok());

    static ON_OTHER: [OutputBinding; 1] = [OutputBinding {
        name: "out",
        hub: None,
        connection: Some("Other"),
    }];
    let err = App::builder()
        .settings(settings())
        .function(FunctionDescriptor {
            outputs: &ON_OTHER,
            ..FunctionDescriptor::new("sender", "hub", "send", noop)
        })
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("function `sender`: connection setting `Other` does not exist"),
        "{err}"
    );
    // A `%Setting%` event resolves at start-up; one naming a system event is refused.
    let err = App::builder()
        .settings(Settings::from_pairs([
            ("WebPubSubForSocketIOConnectionString", KEY_CONNECTION),
            ("Ev", "connect"),
        ]))
        .function(FunctionDescriptor::new("sneaky", "hub", "%Ev%", noop))
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("function `sneaky`: event `%Ev%` resolves to `connect`, a system event"),
        "{err}"
    );
    // Nor may a setting make a function the catch-all.
    let err = App::builder()
        .settings(Settings::from_pairs([
            ("WebPubSubForSocketIOConnectionString", KEY_CONNECTION),
            ("Ev", "*"),
        ]))
        .function(FunctionDescriptor::new("wide", "hub", "%Ev%", noop))
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("function `wide`: event `%Ev%` resolves to `*`, the catch-all"),
        "{err}"
    );
}

#[test]
fn hub_names_follow_the_services_rule_at_build_time() {
    // A `%Setting%` hub that resolves to a name the service refuses fails the build, naming the
    // function, the hub and the rule; the first send would have been the service's 400.
    let err = App::builder()
        .settings(Settings::from_pairs([
            ("WebPubSubForSocketIOConnectionString", KEY_CONNECTION),
            ("ChatHub", "chat room/1"),
        ]))
        .function(FunctionDescriptor::new(
            "chat",
            "%ChatHub%",
            "message",
            noop,
        ))
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "function `chat`: hub `chat room/1` is not a valid hub name (a hub name starts with a letter \
         and has at most 128 characters: letters, digits and `_`, `` ` ``, `,`, `.`, `[`, `]`)"
    );
    // The default hub setting is checked the same way.
    let err = App::builder()
        .settings(Settings::from_pairs([
            ("WebPubSubForSocketIOConnectionString", KEY_CONNECTION),
            ("WebPubSubForSocketIOHub", "1st"),
        ]))
        .function(FunctionDescriptor {
            hub: None,
            ..FunctionDescriptor::new("first", "", "message", noop)
        })
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("function `first`: hub `1st` is not a valid hub name"),
        "{err}"
    );
}

#[test]
fn service_handles_resolve_like_functions() {
    let settings = || {
        Settings::from_pairs([
            ("WebPubSubForSocketIOConnectionString", KEY_CONNECTION),
            ("Bad", "a/b"),
        ])
    };
    // From the builder: an invalid hub or an unknown connection fails the build, naming the handle.
    let mut builder = App::builder().settings(settings());
    let _handle = builder.service("%Bad%");
    let err = builder.build().unwrap_err();
    assert!(matches!(err, Error::InvalidHandle { .. }), "{err}");
    assert!(
        err.to_string().starts_with(
            "service handle for hub `%Bad%` on connection `WebPubSubForSocketIOConnectionString`: \
             hub `a/b` is not a valid hub name"
        ),
        "{err}"
    );
    let mut builder = App::builder().settings(settings());
    let _handle = builder.service_on("hub", Some("Nowhere"));
    let err = builder.build().unwrap_err().to_string();
    assert!(
        err.starts_with(
            "service handle for hub `hub` on connection `Nowhere`: connection setting `Nowhere` does \
             not exist"
        ),
        "{err}"
    );
    // From the built app: the same resolver, so the error comes here and not at the first send.
    let app = App::builder().settings(settings()).build().unwrap();
    let err = app
        .service_on("hub", Some("Nowhere"))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(
            "service handle for hub `hub` on connection `Nowhere`: connection setting `Nowhere` does \
             not exist"
        ),
        "{err}"
    );
    let err = app.service("%Missing%").unwrap_err().to_string();
    assert!(
        err.ends_with("failed to resolve `%Missing%`: no such app setting"),
        "{err}"
    );
    // A connection that is configured but that nothing named at start-up was never opened.
    let app = App::builder()
        .settings(Settings::from_pairs([
            ("WebPubSubForSocketIOConnectionString", KEY_CONNECTION),
            ("Other", KEY_CONNECTION),
        ]))
        .build()
        .unwrap();
    let err = app
        .service_on("hub", Some("Other"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("connection `Other` is not opened by this app"),
        "{err}"
    );
    let handle = app.service("hub").unwrap();
    let target = handle.target().unwrap();
    assert_eq!(
        (target.hub.as_str(), target.connection.as_str()),
        ("hub", "WebPubSubForSocketIOConnectionString")
    );
}

/// A send that must end (with an error) within a second, not hang.
async fn send_within_a_second(handle: &socketio_fn_core::service::ServiceHandle) -> String {
    use socketio_fn_core::actions::SocketIoAction;
    let action = SocketIoAction::send_to_namespace("ev", ());
    let sent = tokio::time::timeout(std::time::Duration::from_secs(1), handle.send(action))
        .await
        .expect("the send returned within a second");
    sent.unwrap_err().to_string()
}

#[tokio::test]
async fn a_handle_whose_app_failed_to_build_fails_at_once() {
    const NOT_READY: &str = "the service handle has no target: the app builder that made it failed \
                             to build the app, or was dropped before building it";
    // The build fails (nothing authenticates the webhook) after the handle was resolved.
    let mut builder = App::builder().settings(Settings::from_pairs([(
        "WebPubSubForSocketIOConnectionString__endpoint",
        "https://svc.example",
    )]));
    let handle = builder.service("hub");
    let early = handle.clone();
    let waiting = tokio::spawn(async move { send_within_a_second(&early).await });
    tokio::task::yield_now().await;
    assert!(matches!(builder.build(), Err(Error::Unauthenticated)));
    assert_eq!(send_within_a_second(&handle).await, NOT_READY);
    assert_eq!(
        waiting.await.unwrap(),
        NOT_READY,
        "a send already waiting ends too"
    );
    assert_eq!(handle.target(), None);
    let batch = handle
        .send_all([socketio_fn_core::actions::SocketIoAction::send_to_namespace("ev", ())])
        .await
        .unwrap_err();
    assert_eq!(batch.index, 0);
    // A builder dropped without building: the same.
    let mut builder = App::builder();
    let handle = builder.service("hub");
    drop(builder);
    assert_eq!(send_within_a_second(&handle).await, NOT_READY);
}

#[test]
fn weak_or_unknown_configuration_is_refused_naming_the_setting() {
    let identity = (
        "WebPubSubForSocketIOConnectionString__endpoint",
        "https://svc.example",
    );
    let build = |pairs: &[(&str, &str)]| {
        App::builder()
            .settings(Settings::from_pairs(pairs.iter().copied()))
            .credential(
                "WebPubSubForSocketIOConnectionString",
                std::sync::Arc::new(FixedToken::new("t")),
            )
            .build()
    };
    // A webhook code too short to resist guessing; its value is not echoed.
    let err = build(&[identity, ("SOCKETIO_FN_WEBHOOK_CODE", "c0de")]).unwrap_err();
    assert!(
        matches!(
            err,
            Error::WeakSecret {
                name: "SOCKETIO_FN_WEBHOOK_CODE",
                min: 32
            }
        ),
        "{err}"
    );
    assert!(!err.to_string().contains("c0de"), "{err}");
    let long = "0123456789abcdef0123456789abcdef";
    assert!(build(&[identity, ("SOCKETIO_FN_WEBHOOK_CODE", long)]).is_ok());
    // A connection-string version nobody defined.
    let err = build(&[(
        "WebPubSubForSocketIOConnectionString",
        "Endpoint=http://localhost;AccessKey=k;Version=2.0;",
    )])
    .unwrap_err()
    .to_string();
    assert!(
        err.contains(
            "connection setting `WebPubSubForSocketIOConnectionString`: unsupported `Version` `2.0`"
        ),
        "{err}"
    );
    // A misspelt log format, a connection cap of 0.
    let key = ("WebPubSubForSocketIOConnectionString", KEY_CONNECTION);
    for (name, value) in [
        ("SOCKETIO_FN_LOG_FORMAT", "jsno"),
        ("SOCKETIO_FN_MAX_CONNECTIONS", "0"),
    ] {
        let err = build(&[key, (name, value)]).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidSetting { name: n, .. } if *n == name),
            "{name}: {err}"
        );
    }
    assert!(build(&[key, ("SOCKETIO_FN_LOG_FORMAT", "JSON")]).is_ok());
}
