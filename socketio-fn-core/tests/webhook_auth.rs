//! Webhook authentication in identity mode, against the real server over TCP: the webhook code
//! (`?code=` or `x-functions-key`) and Microsoft Entra tokens checked against a loopback fake of the
//! tenant's OpenID configuration and JWKS; health and readiness need none of it.
#![allow(clippy::unwrap_used)]

mod common;

use axum::response::IntoResponse;
use axum::routing::get;
use common::*;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use socketio_fn_core::{App, FunctionDescriptor, Settings};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const AUDIENCE: &str = "api://socketio-app";
/// A test-only RSA key (PKCS#1 DER), trusted by nothing but these tests.
const PRIVATE_KEY: &[u8] = include_bytes!("fixtures/entra-test-key.der");
const PUBLIC_KEY: &[u8] = include_bytes!("fixtures/entra-test-key.pub.pem");
const JWKS: &str = include_str!("fixtures/entra-test-jwks.json");

/// Serves `app` on loopback; returns its base URL and a stopper.
async fn serve(app: App) -> (String, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.serve_with_shutdown(listener, async {
        let _ = stopped.await;
    }));
    (url, stop)
}

/// A loopback stand-in for the Entra authority: OpenID configuration and JWKS of one tenant.
async fn authority() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let fetches = Arc::new(AtomicUsize::new(0));
    let issuer = format!("{base}/{TENANT}/v2.0");
    let jwks_uri = format!("{base}/{TENANT}/discovery/v2.0/keys");
    let counted = fetches.clone();
    let router = axum::Router::new()
        .route(
            &format!("/{TENANT}/v2.0/.well-known/openid-configuration"),
            get(move || {
                let body = json!({"issuer": issuer, "jwks_uri": jwks_uri});
                async move { axum::Json(body) }
            }),
        )
        .route(
            &format!("/{TENANT}/discovery/v2.0/keys"),
            get(move || {
                counted.fetch_add(1, Ordering::SeqCst);
                async { ([("content-type", "application/json")], JWKS) }
            }),
        );
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (base, fetches)
}

fn identity_app(extra: &[(&str, &str)], function: &'static str) -> App {
    let mut pairs = vec![(
        "WebPubSubForSocketIOConnectionString__endpoint".to_owned(),
        "https://svc.example".to_owned(),
    )];
    pairs.extend(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    App::builder()
        .settings(Settings::from_pairs(pairs))
        .credential(
            "WebPubSubForSocketIOConnectionString",
            Arc::new(FixedToken::new("t")),
        )
        .function(FunctionDescriptor::new(function, "hub", "connected", noop))
        .build()
        .unwrap()
}

/// POSTs an unsigned `connected` event with extra headers and query.
async fn post(url: &str, query: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut request = reqwest::Client::new()
        .post(format!("{url}/runtime/webhooks/socketio{query}"))
        .header("WebHook-Request-Origin", "svc.example")
        .header("ce-type", "azure.webpubsub.sys.connected")
        .header("ce-connectionId", "c1")
        .header("ce-hub", "hub")
        .header("ce-eventName", "connected")
        .header("ce-namespace", "/")
        .header("ce-socketId", "s1")
        .body("{}");
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn a_webhook_code_authenticates_identity_mode() {
    let (url, _stop) = serve(identity_app(
        &[(
            "SOCKETIO_FN_WEBHOOK_CODE",
            "s3cret-code-of-at-least-32-characters",
        )],
        "code-fn",
    ))
    .await;
    let refused = "the webhook code is missing or wrong: call the URL with `?code=<code>` or send `x-functions-key`";
    assert_eq!(post(&url, "", &[]).await, (401, refused.into()));
    assert_eq!(post(&url, "?code=wrong", &[]).await, (401, refused.into()));
    assert_eq!(
        post(
            &url,
            "",
            &[(
                "x-functions-key",
                "s3cret-code-of-at-least-32-characters-code-of-at-least-32-character"
            )]
        )
        .await,
        (401, refused.into())
    );
    assert!(
        recorded("code-fn").is_empty(),
        "no unauthenticated request ran the function"
    );
    assert_eq!(
        post(&url, "?code=s3cret-code-of-at-least-32-characters", &[]).await,
        (200, String::new())
    );
    assert_eq!(
        post(&url, "?x=1&code=s3cret-code-of-at-least-32-characters", &[]).await,
        (200, String::new())
    );
    assert_eq!(
        post(
            &url,
            "",
            &[("x-functions-key", "s3cret-code-of-at-least-32-characters")]
        )
        .await,
        (200, String::new())
    );
    assert_eq!(recorded("code-fn").len(), 3);

    // The abuse-protection handshake goes to the same URL: it needs the code too.
    let handshake = |query: &'static str| {
        let url = url.clone();
        async move {
            let response = reqwest::Client::new()
                .request(
                    reqwest::Method::OPTIONS,
                    format!("{url}/runtime/webhooks/socketio{query}"),
                )
                .header("WebHook-Request-Origin", "svc.example")
                .send()
                .await
                .unwrap();
            let allowed = response
                .headers()
                .get("WebHook-Allowed-Origin")
                .map(|v| v.to_str().unwrap().to_owned());
            (response.status().as_u16(), allowed)
        }
    };
    assert_eq!(handshake("").await, (401, None));
    assert_eq!(
        handshake("?code=s3cret-code-of-at-least-32-characters").await,
        (200, Some("svc.example".into()))
    );
}

fn token(claims: Value, kid: &str) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.into());
    jsonwebtoken::encode(&header, &claims, &EncodingKey::from_rsa_der(PRIVATE_KEY)).unwrap()
}

#[tokio::test]
async fn entra_tokens_are_checked_against_the_tenant_keys() {
    let (authority, fetches) = authority().await;
    let app = identity_app(
        &[
            ("SOCKETIO_FN_WEBHOOK_ENTRA_TENANT", TENANT),
            ("SOCKETIO_FN_WEBHOOK_ENTRA_AUDIENCE", AUDIENCE),
            ("SOCKETIO_FN_WEBHOOK_ENTRA_AUTHORITY", &authority),
        ],
        "entra-fn",
    );
    let (url, _stop) = serve(app).await;
    let now = socketio_fn_core::protocol::token::unix_now();
    let v2_issuer = format!("{authority}/{TENANT}/v2.0");
    let claims = |iss: &str, aud: &str, exp: u64| json!({"iss": iss, "aud": aud, "exp": exp, "nbf": now - 10, "iat": now - 10});
    let bearer = |t: String| format!("Bearer {t}");
    let refused = |cause: &str| (401, format!("Microsoft Entra token refused: {cause}"));

    // A token with an unknown key first: the keys are fetched (once) and it is refused.
    let unknown_kid = token(claims(&v2_issuer, AUDIENCE, now + 600), "rotated-away");
    assert_eq!(
        post(&url, "", &[("Authorization", &bearer(unknown_kid.clone()))]).await,
        refused("unknown signing key")
    );
    assert_eq!(fetches.load(Ordering::SeqCst), 1);

    // Valid: the OpenID configuration's issuer, and the v1.0 issuer of the same tenant.
    let good = token(claims(&v2_issuer, AUDIENCE, now + 600), "test-key-1");
    assert_eq!(
        post(&url, "", &[("Authorization", &bearer(good))]).await,
        (200, String::new())
    );
    let v1 = token(
        claims(
            &format!("https://sts.windows.net/{TENANT}/"),
            AUDIENCE,
            now + 600,
        ),
        "test-key-1",
    );
    assert_eq!(
        post(&url, "", &[("Authorization", &bearer(v1))]).await,
        (200, String::new())
    );
    assert_eq!(recorded("entra-fn").len(), 2);
    assert_eq!(fetches.load(Ordering::SeqCst), 1, "the keys are cached");

    // Refused: none, wrong audience, issuer of another tenant, expired, unknown key, `alg: none`, and
    // an HS256 token signed with the public key (algorithm confusion).
    assert_eq!(
        post(&url, "", &[]).await,
        (
            401,
            "a valid Microsoft Entra bearer token is required".to_owned()
        )
    );
    let wrong_aud = token(claims(&v2_issuer, "api://other", now + 600), "test-key-1");
    let other_tenant = token(
        claims("https://sts.windows.net/other-tenant/", AUDIENCE, now + 600),
        "test-key-1",
    );
    let expired = token(claims(&v2_issuer, AUDIENCE, now - 3600), "test-key-1");
    let none = {
        use base64::Engine as _;
        let b64 =
            |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        format!(
            "{}.{}.",
            b64(&json!({"alg": "none", "typ": "JWT", "kid": "test-key-1"})),
            b64(&claims(&v2_issuer, AUDIENCE, now + 600))
        )
    };
    let confused = {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some("test-key-1".into());
        jsonwebtoken::encode(
            &header,
            &claims(&v2_issuer, AUDIENCE, now + 600),
            &EncodingKey::from_secret(PUBLIC_KEY),
        )
        .unwrap()
    };
    // Each refusal says why (never the token itself).
    for (bad, cause) in [
        (wrong_aud, "invalid token: InvalidAudience"),
        (other_tenant, "invalid token: InvalidIssuer"),
        (expired, "invalid token: ExpiredSignature"),
        (unknown_kid.clone(), "unknown signing key"),
        (none, "invalid token: "),
        (confused, "the token must be RS256 with a `kid`"),
        ("garbage".into(), "invalid token: InvalidToken"),
    ] {
        let (status, text) = post(&url, "", &[("Authorization", &bearer(bad.clone()))]).await;
        assert_eq!(status, 401, "{bad}");
        assert!(
            text.starts_with(&refused(cause).1),
            "{bad}: {text:?} should say {cause:?}"
        );
        assert!(!text.contains(&bad), "the token is not echoed");
    }
    assert_eq!(
        recorded("entra-fn").len(),
        2,
        "no refused token ran the function"
    );
    // Unknown keys within the refresh interval do not fetch the keys again: bounded work.
    assert_eq!(fetches.load(Ordering::SeqCst), 1, "refreshes are bounded");
}

#[tokio::test]
async fn an_unknown_key_refreshes_the_keys_after_the_interval() {
    use socketio_fn_core::webhook::{EntraConfig, EntraValidator};
    let (authority, fetches) = authority().await;
    let validator = |refresh_interval| {
        EntraValidator::new(EntraConfig {
            tenant_id: TENANT.into(),
            audience: AUDIENCE.into(),
            authority: authority.clone(),
            refresh_interval,
            fetch_timeout: socketio_fn_core::webhook::DEFAULT_FETCH_TIMEOUT,
        })
        .unwrap()
    };
    let now = socketio_fn_core::protocol::token::unix_now();
    let claims =
        json!({"iss": format!("{authority}/{TENANT}/v2.0"), "aud": AUDIENCE, "exp": now + 600});
    let headers = |kid: &str| {
        let mut h = axum::http::HeaderMap::new();
        h.insert(
            "authorization",
            format!("Bearer {}", token(claims.clone(), kid))
                .parse()
                .unwrap(),
        );
        h
    };
    // Refresh interval zero: every unknown key fetches the keys again (a key rotated in is found).
    let eager = validator(std::time::Duration::ZERO);
    assert!(eager.authorize(&headers("new-key")).await.is_err());
    assert!(eager.authorize(&headers("new-key")).await.is_err());
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    assert!(eager.authorize(&headers("test-key-1")).await.is_ok());
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        2,
        "a known key needs no fetch"
    );
    // The default interval: one fetch, however many unknown keys follow.
    let bounded = validator(socketio_fn_core::webhook::REFRESH_INTERVAL);
    for _ in 0..5 {
        assert!(bounded.authorize(&headers("new-key")).await.is_err());
    }
    assert_eq!(fetches.load(Ordering::SeqCst), 3);
    // Each refusal is counted by its cause.
    assert_eq!(
        bounded.refusals(),
        socketio_fn_core::webhook::EntraRefusals {
            unknown_key: 5,
            ..Default::default()
        }
    );
    assert!(matches!(
        bounded.authorize(&axum::http::HeaderMap::new()).await,
        Err(socketio_fn_core::webhook::EntraError::Missing)
    ));
    assert_eq!(bounded.refusals().missing, 1);
    // The authority must be https unless it is loopback.
    let err = EntraValidator::new(EntraConfig {
        tenant_id: TENANT.into(),
        audience: AUDIENCE.into(),
        authority: "http://login.example".into(),
        refresh_interval: std::time::Duration::ZERO,
        fetch_timeout: socketio_fn_core::webhook::DEFAULT_FETCH_TIMEOUT,
    })
    .unwrap_err()
    .to_string();
    assert_eq!(
        err,
        "`SOCKETIO_FN_WEBHOOK_ENTRA_AUTHORITY` is `http://login.example`: the authority must use \
         https (http only on a loopback address, for tests)"
    );
}

#[tokio::test]
async fn a_key_outage_is_503_not_a_refusal() {
    // An authority that accepts no connection: the token cannot be checked at all.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let authority = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let app = identity_app(
        &[
            ("SOCKETIO_FN_WEBHOOK_ENTRA_TENANT", TENANT),
            ("SOCKETIO_FN_WEBHOOK_ENTRA_AUDIENCE", AUDIENCE),
            ("SOCKETIO_FN_WEBHOOK_ENTRA_AUTHORITY", &authority),
        ],
        "outage-fn",
    );
    let (url, _stop) = serve(app).await;
    let now = socketio_fn_core::protocol::token::unix_now();
    let good = token(
        json!({"iss": format!("{authority}/{TENANT}/v2.0"), "aud": AUDIENCE, "exp": now + 600}),
        "test-key-1",
    );
    let (status, text) = post(&url, "", &[("Authorization", &format!("Bearer {good}"))]).await;
    assert_eq!(status, 503, "{text}");
    assert!(
        text.starts_with(
            "cannot check the Microsoft Entra token: cannot fetch the tenant's signing keys: "
        ),
        "{text}"
    );
    assert!(recorded("outage-fn").is_empty());
}

#[tokio::test]
async fn health_and_readiness_need_no_authentication() {
    let (url, stop) = serve(identity_app(
        &[(
            "SOCKETIO_FN_WEBHOOK_CODE",
            "s3cret-code-of-at-least-32-characters",
        )],
        "health-fn",
    ))
    .await;
    let get = |path: &'static str| {
        let url = url.clone();
        async move {
            let response = reqwest::get(format!("{url}{path}")).await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    assert_eq!(get("/healthz").await, (200, "ok".into()));
    let (status, body) = get("/readyz").await;
    assert_eq!(status, 200);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        body,
        json!({
            "status": "ready",
            "mode": "identity",
            "auth": {"signature": false, "code": true, "entra": false, "unauthenticated": false},
            "functions": 1,
            "warning": null,
        })
    );
    assert!(
        !body
            .to_string()
            .contains("s3cret-code-of-at-least-32-characters"),
        "no secret on the readiness page"
    );
    drop(stop);

    let (url, _stop) = serve(identity_app(
        &[("SOCKETIO_FN_WEBHOOK_AUTH", "none")],
        "open-fn",
    ))
    .await;
    let text = reqwest::get(format!("{url}/readyz"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["auth"]["unauthenticated"], true);
    assert_eq!(
        body["warning"],
        "the webhook accepts unauthenticated requests"
    );
    assert_eq!(
        post(&url, "", &[]).await,
        (200, String::new()),
        "explicitly open"
    );
}

#[tokio::test]
async fn a_failed_key_fetch_backs_off_and_recovers() {
    use socketio_fn_core::webhook::{EntraConfig, EntraValidator, REFRESH_INTERVAL};
    // The key set answers 500 to its first fetch, then the keys.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let fetches = Arc::new(AtomicUsize::new(0));
    let issuer = format!("{base}/{TENANT}/v2.0");
    let jwks_uri = format!("{base}/{TENANT}/discovery/v2.0/keys");
    let counted = fetches.clone();
    let router = axum::Router::new()
        .route(
            &format!("/{TENANT}/v2.0/.well-known/openid-configuration"),
            get(move || {
                let body = json!({"issuer": issuer, "jwks_uri": jwks_uri});
                async move { axum::Json(body) }
            }),
        )
        .route(
            &format!("/{TENANT}/discovery/v2.0/keys"),
            get(move || {
                let n = counted.fetch_add(1, Ordering::SeqCst);
                async move {
                    if n == 0 {
                        (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "down").into_response()
                    } else {
                        ([("content-type", "application/json")], JWKS).into_response()
                    }
                }
            }),
        );
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let validator = EntraValidator::new(EntraConfig {
        tenant_id: TENANT.into(),
        audience: AUDIENCE.into(),
        authority: base.clone(),
        refresh_interval: REFRESH_INTERVAL,
        fetch_timeout: socketio_fn_core::webhook::DEFAULT_FETCH_TIMEOUT,
    })
    .unwrap();
    let now = socketio_fn_core::protocol::token::unix_now();
    let good = token(
        json!({"iss": format!("{base}/{TENANT}/v2.0"), "aud": AUDIENCE, "exp": now + 600}),
        "test-key-1",
    );
    let mut headers = axum::http::HeaderMap::new();
    headers.insert("authorization", format!("Bearer {good}").parse().unwrap());
    // The fetch fails: the token could not be checked (not refused), and that is what a retry within
    // the backoff says too, without another fetch.
    for _ in 0..2 {
        let err = validator.authorize(&headers).await.unwrap_err();
        assert!(err.is_unavailable(), "{err}");
    }
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    // After the backoff (1 s, not the 60 s refresh interval) the keys are fetched and the token passes.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    validator.authorize(&headers).await.unwrap();
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
}

/// An authority that accepts connections and never answers: counts them and holds them open.
async fn hanging_authority() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            held.push(socket);
        }
    });
    (base, connections)
}

#[tokio::test]
async fn a_hanging_authority_costs_a_request_one_fetch_timeout_at_most() {
    use socketio_fn_core::webhook::DEFAULT_FETCH_TIMEOUT;
    use std::time::{Duration, Instant};
    let (authority, connections) = hanging_authority().await;
    let app = identity_app(
        &[
            ("SOCKETIO_FN_WEBHOOK_ENTRA_TENANT", TENANT),
            ("SOCKETIO_FN_WEBHOOK_ENTRA_AUDIENCE", AUDIENCE),
            ("SOCKETIO_FN_WEBHOOK_ENTRA_AUTHORITY", &authority),
        ],
        "hanging-authority-fn",
    );
    let (url, _stop) = serve(app).await;
    let now = socketio_fn_core::protocol::token::unix_now();
    let bearer = format!(
        "Bearer {}",
        token(
            json!({"iss": format!("{authority}/{TENANT}/v2.0"), "aud": AUDIENCE, "exp": now + 600}),
            "test-key-1",
        )
    );
    // Ten requests at once, each needing the keys: one fetch for all of them, and none waits longer
    // than that fetch's timeout (they used to queue, each starting its own 10 s fetch).
    let started = Instant::now();
    let requests = (0..10).map(|_| {
        let (url, bearer) = (url.clone(), bearer.clone());
        tokio::spawn(async move {
            let answer = post(&url, "", &[("Authorization", &bearer)]).await;
            (answer, started.elapsed())
        })
    });
    let mut slowest = Duration::ZERO;
    for request in requests.collect::<Vec<_>>() {
        let ((status, text), took) = request.await.unwrap();
        assert_eq!(status, 503, "{text}");
        assert!(
            text.contains("did not answer within 10 s"),
            "the cause is said: {text}"
        );
        slowest = slowest.max(took);
    }
    assert!(
        slowest < DEFAULT_FETCH_TIMEOUT + Duration::from_secs(1),
        "the slowest request took {slowest:?}"
    );
    assert_eq!(connections.load(Ordering::SeqCst), 1, "one fetch for all");
    // While the authority is known to be down, a request fails at once: within the backoff without a
    // fetch, and after it without waiting for the fetch another request started.
    let fast = Instant::now();
    let (status, _) = post(&url, "", &[("Authorization", &bearer)]).await;
    assert_eq!(status, 503);
    assert!(
        fast.elapsed() < Duration::from_secs(1),
        "{:?}",
        fast.elapsed()
    );
    assert_eq!(connections.load(Ordering::SeqCst), 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let fetching = {
        let (url, bearer) = (url.clone(), bearer.clone());
        tokio::spawn(async move { post(&url, "", &[("Authorization", &bearer)]).await })
    };
    while connections.load(Ordering::SeqCst) < 2 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let fast = Instant::now();
    let (status, text) = post(&url, "", &[("Authorization", &bearer)]).await;
    assert_eq!(status, 503, "{text}");
    assert!(
        fast.elapsed() < Duration::from_secs(1),
        "{:?}",
        fast.elapsed()
    );
    assert_eq!(
        connections.load(Ordering::SeqCst),
        2,
        "still one fetch in flight"
    );
    fetching.abort();
    assert!(recorded("hanging-authority-fn").is_empty());
}
