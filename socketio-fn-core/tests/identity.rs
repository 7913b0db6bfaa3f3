//! Identity-based connections on `azure_identity`: which credential each combination of settings
//! selects, and the credentials against loopback fakes only (the App Service identity endpoint, a token
//! authority, a fake `az` on `PATH`), so no test reaches the network.
//!
//! The identity environment (`IDENTITY_ENDPOINT`, `PATH`) is read from the process environment, which a
//! test cannot change safely while others run; those tests re-run one test of this binary in a child
//! process with the environment set (`child_*` tests, ignored unless started that way).
#![allow(clippy::unwrap_used)]

mod common;
#[path = "common/fake_service.rs"]
mod fake_service;

use fake_service::{FakeService, Reply};
use socketio_fn_core::service::{CredentialKind, UserAssigned, credential_kind, entra_credential};
use socketio_fn_core::settings::{IdentitySettings, SecretValue, Settings};
use socketio_fn_core::{App, Settings as AppSettings};
use std::process::Command;

fn identity(pairs: &[(&str, &str)]) -> IdentitySettings {
    let mut s = IdentitySettings::default();
    for (k, v) in pairs {
        let v = Some((*v).to_owned());
        match *k {
            "credential" => s.credential = v,
            "clientId" => s.client_id = v,
            "managedIdentityResourceId" => s.managed_identity_resource_id = v,
            "managedIdentityObjectId" => s.managed_identity_object_id = v,
            "tenantId" => s.tenant_id = v,
            "clientSecret" => s.client_secret = v.map(SecretValue::new),
            "certificate" => s.certificate = v,
            other => panic!("{other}"),
        }
    }
    s
}

#[test]
fn each_combination_selects_a_credential_or_names_the_problem() {
    let none = Settings::default();
    let workload_env = Settings::from_pairs([
        ("AZURE_FEDERATED_TOKEN_FILE", "/var/run/token"),
        ("AZURE_CLIENT_ID", "cid"),
        ("AZURE_TENANT_ID", "tid"),
    ]);
    let env_secret = Settings::from_pairs([
        ("AZURE_TENANT_ID", "tid"),
        ("AZURE_CLIENT_ID", "cid"),
        ("AZURE_CLIENT_SECRET", "hunter2"),
    ]);
    let env_certificate = Settings::from_pairs([
        ("AZURE_TENANT_ID", "tid"),
        ("AZURE_CLIENT_ID", "cid"),
        ("AZURE_CLIENT_CERTIFICATE_PATH", "/cert.pfx"),
    ]);
    let app_service = Settings::from_pairs([
        ("IDENTITY_ENDPOINT", "http://127.0.0.1:41000/msi/token"),
        ("IDENTITY_HEADER", "h"),
    ]);
    let app_service_user_assigned = Settings::from_pairs([
        ("IDENTITY_ENDPOINT", "http://127.0.0.1:41000/msi/token"),
        ("AZURE_CLIENT_ID", "uami"),
    ]);
    let container_app = Settings::from_pairs([("CONTAINER_APP_NAME", "chat")]);
    let secret_and_workload = Settings::from_pairs([
        ("AZURE_TENANT_ID", "tid"),
        ("AZURE_CLIENT_ID", "cid"),
        ("AZURE_CLIENT_SECRET", "hunter2"),
        ("AZURE_FEDERATED_TOKEN_FILE", "/var/run/token"),
    ]);
    let workload_on_platform = Settings::from_pairs([
        ("AZURE_FEDERATED_TOKEN_FILE", "/var/run/token"),
        ("AZURE_CLIENT_ID", "cid"),
        ("AZURE_TENANT_ID", "tid"),
        ("KUBERNETES_SERVICE_HOST", "10.0.0.1"),
    ]);
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a Settings, CredentialKind);
    let ok: &[Case<'_>] = &[
        (
            &[("credential", "managedidentity")],
            &none,
            CredentialKind::ManagedIdentity(None),
        ),
        (
            &[("credential", "ManagedIdentity"), ("clientId", "c")],
            &none,
            CredentialKind::ManagedIdentity(Some(UserAssigned::ClientId("c".into()))),
        ),
        (
            &[
                ("credential", "managedidentity"),
                ("managedIdentityResourceId", "/sub/r"),
            ],
            &none,
            CredentialKind::ManagedIdentity(Some(UserAssigned::ResourceId("/sub/r".into()))),
        ),
        (
            &[
                ("credential", "managedidentity"),
                ("managedIdentityObjectId", "o"),
            ],
            &none,
            CredentialKind::ManagedIdentity(Some(UserAssigned::ObjectId("o".into()))),
        ),
        (
            &[("credential", "workloadidentity")],
            &none,
            CredentialKind::WorkloadIdentity,
        ),
        (&[], &workload_env, CredentialKind::WorkloadIdentity),
        (
            &[("tenantId", "t"), ("clientId", "c"), ("clientSecret", "s")],
            &none,
            CredentialKind::ClientSecret,
        ),
        (
            &[
                ("tenantId", "t"),
                ("clientId", "c"),
                ("certificate", "/cert.pfx"),
            ],
            &none,
            CredentialKind::ClientCertificate,
        ),
        (&[], &none, CredentialKind::Developer),
        (&[("tenantId", "t")], &none, CredentialKind::Developer),
        // The default chain: environment service principal, workload identity, the platform's
        // managed identity, then developer tools.
        (&[], &env_secret, CredentialKind::EnvironmentSecret),
        (
            &[],
            &env_certificate,
            CredentialKind::EnvironmentCertificate,
        ),
        (&[], &app_service, CredentialKind::ManagedIdentity(None)),
        (
            &[("tenantId", "t")],
            &app_service,
            CredentialKind::ManagedIdentity(None),
        ),
        (
            &[],
            &app_service_user_assigned,
            CredentialKind::ManagedIdentity(Some(UserAssigned::ClientId("uami".into()))),
        ),
        (&[], &container_app, CredentialKind::ManagedIdentity(None)),
        (&[], &secret_and_workload, CredentialKind::EnvironmentSecret),
        (&[], &workload_on_platform, CredentialKind::WorkloadIdentity),
        // Settings of the connection win over the environment.
        (
            &[("credential", "managedidentity")],
            &env_secret,
            CredentialKind::ManagedIdentity(None),
        ),
    ];
    for (pairs, settings, expected) in ok {
        assert_eq!(
            &credential_kind("C", &identity(pairs), settings).unwrap(),
            expected,
            "{pairs:?}"
        );
    }
    let refused: &[(&[(&str, &str)], &str)] = &[
        (
            &[("credential", "password")],
            "`C__credential` is `password`; expected `managedidentity` or `workloadidentity`",
        ),
        (
            &[
                ("credential", "managedidentity"),
                ("clientSecret", "hunter2"),
            ],
            "`C__clientSecret` does not go with `credential=managedidentity`",
        ),
        (
            &[("credential", "workloadidentity"), ("certificate", "x")],
            "`C__certificate` does not go with `credential=workloadidentity`",
        ),
        (
            &[
                ("credential", "managedidentity"),
                ("clientId", "a"),
                ("managedIdentityObjectId", "b"),
            ],
            "set only one of `C__clientId`",
        ),
        (
            &[("clientSecret", "hunter2"), ("clientId", "c")],
            "a service principal needs `C__tenantId` too",
        ),
        (
            &[("certificate", "x"), ("tenantId", "t")],
            "a service principal needs `C__clientId` too",
        ),
        (
            &[
                ("tenantId", "t"),
                ("clientId", "c"),
                ("clientSecret", "hunter2"),
                ("certificate", "x"),
            ],
            "set `C__clientSecret` or `C__certificate`, not both",
        ),
        (
            &[("clientId", "c")],
            "`C__clientId` alone selects no credential",
        ),
        (
            &[("managedIdentityResourceId", "/r")],
            "a user-assigned managed identity needs `C__credential=managedidentity`",
        ),
    ];
    for (pairs, message) in refused {
        let err = credential_kind("C", &identity(pairs), &none)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("connection `C`: ") && err.contains(message),
            "{pairs:?}: {err}"
        );
        assert!(!err.contains("hunter2"), "no secret in the error: {err}");
    }
    // Secrets never show in Debug.
    let shown = format!("{:?}", identity(&[("clientSecret", "hunter2")]));
    assert!(!shown.contains("hunter2"), "{shown}");
}

/// An HTTP client for `azure_identity` that sends every request to one loopback server, whatever its
/// URL (the authority is `https://login.microsoftonline.com`): nothing leaves the machine.
#[derive(Debug)]
struct Loopback {
    port: u16,
    http: reqwest::Client,
}

#[async_trait::async_trait]
impl azure_core::http::HttpClient for Loopback {
    async fn execute_request(
        &self,
        request: &azure_core::http::Request,
    ) -> azure_core::Result<azure_core::http::AsyncRawResponse> {
        let mut request = request.clone();
        let url = request.url_mut();
        url.set_scheme("http").unwrap();
        url.set_host(Some("127.0.0.1")).unwrap();
        url.set_port(Some(self.port)).unwrap();
        self.http.execute_request(&request).await
    }
}

/// A fake authority answering one token request, and `ClientOptions` that send every request of a
/// credential to it.
async fn loopback_authority() -> (FakeService, azure_core::http::ClientOptions) {
    let authority = FakeService::start(vec![Reply::Status(
        200,
        vec![("Content-Type", "application/json")],
        r#"{"token_type":"Bearer","expires_in":3599,"access_token":"secret-token"}"#,
    )])
    .await;
    let port: u16 = authority.base.rsplit(':').next().unwrap().parse().unwrap();
    let options = azure_core::http::ClientOptions {
        transport: Some(azure_core::http::Transport::new(std::sync::Arc::new(
            Loopback {
                port,
                http: reqwest::Client::new(),
            },
        ))),
        ..Default::default()
    };
    (authority, options)
}

/// Gets a token twice through the credential `identity` and `environment` select, and returns its kind
/// and the form of the one request the authority received (the crate caches the token).
async fn token_request(
    identity: IdentitySettings,
    environment: Settings,
) -> (CredentialKind, String, Vec<(String, String)>) {
    let (authority, options) = loopback_authority().await;
    let (kind, credential) = entra_credential("C", &identity, &environment, Some(options)).unwrap();
    let scope = socketio_fn_core::service::ENTRA_SCOPE;
    let token = credential.get_token(&[scope], None).await.unwrap();
    assert_eq!(token.token.secret(), "secret-token");
    credential.get_token(&[scope], None).await.unwrap();
    let got = authority.requests();
    assert_eq!(got.len(), 1, "cached by the crate: {got:?}");
    assert_eq!(got[0].method, "POST");
    let form = form_urlencoded::parse(got[0].body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert!(!format!("{credential:?}").contains("hunter2"));
    (kind, got[0].target.clone(), form)
}

fn assert_form(form: &[(String, String)], expected: &[(&str, &str)]) {
    for (k, v) in expected {
        assert!(
            form.contains(&((*k).to_owned(), (*v).to_owned())),
            "{k}={v} in {form:?}"
        );
    }
}

#[tokio::test]
async fn a_client_secret_gets_its_token_from_the_authority() {
    let settings = identity(&[
        ("tenantId", "72f988bf-86f1-41af-91ab-2d7cd011db47"),
        ("clientId", "app-id"),
        ("clientSecret", "hunter2"),
    ]);
    let (kind, target, form) = token_request(settings, Settings::default()).await;
    assert_eq!(kind, CredentialKind::ClientSecret);
    assert_eq!(
        target,
        "/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token"
    );
    assert_form(
        &form,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "app-id"),
            ("client_secret", "hunter2"),
            ("scope", socketio_fn_core::service::ENTRA_SCOPE),
        ],
    );
}

#[tokio::test]
async fn the_default_chain_takes_a_service_principal_from_the_environment() {
    let environment = Settings::from_pairs([
        ("AZURE_TENANT_ID", "0d0d0d0d-86f1-41af-91ab-2d7cd011db47"),
        ("AZURE_CLIENT_ID", "env-app"),
        ("AZURE_CLIENT_SECRET", "hunter2"),
    ]);
    let (kind, target, form) = token_request(IdentitySettings::default(), environment).await;
    assert_eq!(kind, CredentialKind::EnvironmentSecret);
    assert_eq!(
        target,
        "/0d0d0d0d-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token"
    );
    assert_form(
        &form,
        &[("client_id", "env-app"), ("client_secret", "hunter2")],
    );
}

#[tokio::test]
async fn the_default_chain_takes_workload_identity_from_the_environment() {
    let file = std::env::temp_dir().join(format!("federated-token-{}", std::process::id()));
    std::fs::write(&file, "the-kubernetes-token").unwrap();
    let environment = Settings::from_pairs([
        (
            "AZURE_TENANT_ID",
            "0e0e0e0e-86f1-41af-91ab-2d7cd011db47".to_owned(),
        ),
        ("AZURE_CLIENT_ID", "pod-app".to_owned()),
        ("AZURE_FEDERATED_TOKEN_FILE", file.display().to_string()),
    ]);
    let (kind, target, form) = token_request(IdentitySettings::default(), environment).await;
    std::fs::remove_file(&file).unwrap();
    assert_eq!(kind, CredentialKind::WorkloadIdentity);
    assert_eq!(
        target,
        "/0e0e0e0e-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token"
    );
    assert_form(
        &form,
        &[
            ("client_id", "pod-app"),
            ("client_assertion", "the-kubernetes-token"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
        ],
    );
}

/// Variables the default credential chain reads.
const IDENTITY_ENVIRONMENT: [&str; 11] = [
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_CLIENT_CERTIFICATE_PATH",
    "AZURE_FEDERATED_TOKEN_FILE",
    "IDENTITY_ENDPOINT",
    "MSI_ENDPOINT",
    "WEBSITE_INSTANCE_ID",
    "CONTAINER_APP_NAME",
    "KUBERNETES_SERVICE_HOST",
    "FUNCTIONS_CUSTOMHANDLER_PORT",
];

/// Runs test `name` of this binary in a child process with `env`; returns whether it passed and its
/// output.
fn run_child(name: &str, env: &[(&str, String)]) -> (bool, String) {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([
            "--exact",
            name,
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("SOCKETIO_FN_CHILD_TEST", name);
    // The machine's own identity environment must not leak into a child; an empty value removes a
    // variable.
    for k in IDENTITY_ENVIRONMENT {
        command.env_remove(k);
    }
    for (k, v) in env {
        if v.is_empty() {
            command.env_remove(k);
        } else {
            command.env(k, v);
        }
    }
    let output = command.output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success() && text.contains("1 passed"), text)
}

/// Whether this process is the child started for `name` (otherwise the child test does nothing).
fn is_child(name: &str) -> bool {
    std::env::var("SOCKETIO_FN_CHILD_TEST").is_ok_and(|n| n == name)
}

/// Negotiates through an app built from the process environment (the seed's settings), as a browser
/// would: `GET /api/negotiate?userId=alice`.
fn negotiate_in_child() -> serde_json::Value {
    use socketio_fn_core::negotiation::{NegotiationDescriptor, NegotiationInvocation};
    fn invoke(i: NegotiationInvocation) -> socketio_fn_core::BoxFuture<axum::response::Response> {
        Box::pin(async move { axum::response::IntoResponse::into_response(i.result) })
    }
    static PARTS: [socketio_fn_core::negotiation::TemplatePart; 1] =
        [socketio_fn_core::negotiation::TemplatePart::Query("userId")];
    socketio_fn_core::app::init_tracing();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let app = App::builder()
            .settings(AppSettings::load().unwrap())
            .negotiation(NegotiationDescriptor {
                name: "negotiate",
                route: "/api/negotiate",
                hub: Some("hub"),
                user_id: Some(&PARTS),
                connection: None,
                requires: socketio_fn_core::registry::no_requirements,
                invoke,
            })
            .build()
            .unwrap();
        let mut results = Vec::new();
        for _ in 0..2 {
            let (status, _, body) = common::send(
                &app,
                axum::http::Request::get("/api/negotiate?userId=alice")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
            assert_eq!(status, 200, "{body:?}");
            results.push(serde_json::from_slice::<serde_json::Value>(&body).unwrap());
        }
        results.remove(0)
    })
}

/// Negotiates in a child process whose platform offers an App Service identity endpoint (a fake),
/// with the connection's own settings `connection`; checks the token request and the log line naming
/// the credential.
async fn negotiate_with_app_service_identity(
    connection: &[(&'static str, &'static str)],
    client_id: Option<&str>,
    chosen: &str,
) {
    let identity = FakeService::start(vec![Reply::Status(
        200,
        vec![("Content-Type", "application/json")],
        r#"{"access_token":"mi-token","expires_on":"4102444800","resource":"https://webpubsub.azure.com","token_type":"Bearer"}"#,
    )])
    .await;
    let service = FakeService::start(vec![
        Reply::Status(200, vec![], r#"{"token":"service-token-1"}"#),
        Reply::Status(200, vec![], r#"{"token":"service-token-2"}"#),
    ])
    .await;
    let mut env = vec![
        ("IDENTITY_ENDPOINT", format!("{}/msi/token", identity.base)),
        ("IDENTITY_HEADER", "identity-header-secret".to_owned()),
        (
            "WebPubSubForSocketIOConnectionString__endpoint",
            service.base.clone(),
        ),
        (
            "SOCKETIO_FN_WEBHOOK_CODE",
            "a-webhook-code-of-at-least-32-characters".to_owned(),
        ),
    ];
    env.extend(connection.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let (passed, output) =
        tokio::task::spawn_blocking(move || run_child("child_managed_identity", &env))
            .await
            .unwrap();
    assert!(passed, "{output}");
    assert!(
        output.contains(&format!(
            "connection `WebPubSubForSocketIOConnectionString` uses {chosen}"
        )),
        "the chosen credential is logged: {output}"
    );
    let token_requests = identity.requests();
    assert_eq!(
        token_requests.len(),
        1,
        "the token is cached: {token_requests:?}"
    );
    assert_eq!(token_requests[0].method, "GET");
    let target = &token_requests[0].target;
    assert!(target.starts_with("/msi/token?"), "{target}");
    for part in [
        "api-version=2019-08-01",
        "resource=https%3A%2F%2Fwebpubsub.azure.com",
    ] {
        assert!(target.contains(part), "{part} in {target}");
    }
    match client_id {
        Some(id) => assert!(target.contains(&format!("client_id={id}")), "{target}"),
        None => assert!(!target.contains("client_id="), "system-assigned: {target}"),
    }
    assert_eq!(
        token_requests[0].header("x-identity-header"),
        Some("identity-header-secret")
    );
    let calls = service.requests();
    assert_eq!(calls.len(), 2);
    for call in &calls {
        assert_eq!(
            call.target,
            "/api/hubs/hub/:generateToken?userId=alice&minutesToExpire=59&api-version=2024-01-01"
        );
        assert_eq!(call.header("Authorization"), Some("Bearer mi-token"));
    }
    assert!(
        !output.contains("identity-header-secret"),
        "no secret in the output"
    );
}

#[tokio::test]
async fn managed_identity_uses_the_app_service_endpoint() {
    negotiate_with_app_service_identity(
        &[
            (
                "WebPubSubForSocketIOConnectionString__credential",
                "managedidentity",
            ),
            (
                "WebPubSubForSocketIOConnectionString__clientId",
                "user-assigned-id",
            ),
        ],
        Some("user-assigned-id"),
        "the user-assigned managed identity with client id `user-assigned-id`",
    )
    .await;
}

#[tokio::test]
async fn the_default_chain_uses_the_platforms_managed_identity() {
    // Only the endpoint, as the seed's settings have it: on a platform with a managed identity, the
    // default chain takes it (the reference's default credential does the same).
    negotiate_with_app_service_identity(&[], None, "the system-assigned managed identity").await;
}

#[test]
#[ignore = "run by the managed identity tests in a child process"]
fn child_managed_identity() {
    if !is_child("child_managed_identity") {
        return;
    }
    let result = negotiate_in_child();
    assert_eq!(result["token"], "service-token-1");
    assert_eq!(result["path"], "/clients/socketio/hubs/hub");
}

#[tokio::test]
async fn the_seeds_local_settings_work_with_az_login() {
    // A fake `az` on PATH: it records its arguments and prints a token as `az account get-access-token`.
    let dir = std::env::temp_dir().join(format!("fake-az-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("az.log");
    let az = dir.join("az");
    std::fs::write(
        &az,
        format!(
            "#!/bin/sh\necho \"$@\" >> '{}'\necho '{{\"accessToken\":\"cli-token\",\"expiresOn\":\"2100-01-01 00:00:00.000000\",\"expires_on\":4102444800,\"subscription\":\"s\",\"tenant\":\"t\",\"tokenType\":\"Bearer\"}}'\n",
            log.display()
        ),
    )
    .unwrap();
    Command::new("chmod").arg("+x").arg(&az).status().unwrap();
    let service = FakeService::start(vec![
        Reply::Status(200, vec![], r#"{"token":"service-token-1"}"#),
        Reply::Status(200, vec![], r#"{"token":"service-token-2"}"#),
    ])
    .await;
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // The seed's local example: endpoint and tenant, nothing else (plus the webhook code, which an
    // identity connection needs).
    let env = [
        ("PATH", path),
        (
            "WebPubSubForSocketIOConnectionString__endpoint",
            service.base.clone(),
        ),
        (
            "WebPubSubForSocketIOConnectionString__tenant",
            "72f988bf-86f1-41af-91ab-2d7cd011db47".to_owned(),
        ),
        (
            "SOCKETIO_FN_WEBHOOK_CODE",
            "a-webhook-code-of-at-least-32-characters".to_owned(),
        ),
    ];
    let (passed, output) =
        tokio::task::spawn_blocking(move || run_child("child_developer_login", &env))
            .await
            .unwrap();
    assert!(passed, "{output}");
    assert!(
        output.contains("uses your developer login (Azure CLI, then Azure Developer CLI)"),
        "{output}"
    );
    let calls = service.requests();
    assert_eq!(calls.len(), 2);
    for call in &calls {
        assert_eq!(call.header("Authorization"), Some("Bearer cli-token"));
        assert!(
            call.target
                .starts_with("/api/hubs/hub/:generateToken?userId=alice&"),
            "{}",
            call.target
        );
    }
    let invocations = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        invocations.lines().count(),
        1,
        "the token is cached: {invocations}"
    );
    assert!(
        invocations.starts_with("account get-access-token -o json --scope https://webpubsub.azure.com/.default --tenant 72f988bf-86f1-41af-91ab-2d7cd011db47"),
        "{invocations}"
    );
}

#[test]
#[ignore = "run by `the_seeds_local_settings_work_with_az_login` in a child process"]
fn child_developer_login() {
    if !is_child("child_developer_login") {
        return;
    }
    let result = negotiate_in_child();
    assert_eq!(result["token"], "service-token-1");
}

/// A loopback identity endpoint that accepts connections and never answers.
fn hanging_endpoint() -> (std::net::TcpListener, String) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/msi/token", listener.local_addr().unwrap());
    (listener, url)
}

#[tokio::test]
async fn a_refusing_or_hanging_identity_endpoint_fails_within_the_bound() {
    let refusing = {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/msi/token", closed.local_addr().unwrap());
        drop(closed);
        url
    };
    // Kept open (accepting into the backlog) for the whole test.
    let (_hanging, hanging) = hanging_endpoint();
    for endpoint in [refusing, hanging] {
        let env = [
            ("IDENTITY_ENDPOINT", endpoint.clone()),
            ("IDENTITY_HEADER", "h".to_owned()),
            (
                "WebPubSubForSocketIOConnectionString__endpoint",
                "http://127.0.0.1:9".to_owned(),
            ),
            (
                "WebPubSubForSocketIOConnectionString__credential",
                "managedidentity".to_owned(),
            ),
            (
                "SOCKETIO_FN_WEBHOOK_CODE",
                "a-webhook-code-of-at-least-32-characters".to_owned(),
            ),
            ("SOCKETIO_FN_SERVICE_TIMEOUT_SECS", "1".to_owned()),
        ];
        let (passed, output) =
            tokio::task::spawn_blocking(move || run_child("child_identity_outage", &env))
                .await
                .unwrap();
        assert!(passed, "{endpoint}: {output}");
    }
}

#[test]
#[ignore = "run by `a_refusing_or_hanging_identity_endpoint_fails_within_the_bound` in a child process"]
fn child_identity_outage() {
    if !is_child("child_identity_outage") {
        return;
    }
    use socketio_fn_core::negotiation::{NegotiationDescriptor, NegotiationInvocation};
    fn invoke(i: NegotiationInvocation) -> socketio_fn_core::BoxFuture<axum::response::Response> {
        Box::pin(async move { axum::response::IntoResponse::into_response(i.result) })
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let app = App::builder()
            .settings(AppSettings::load().unwrap())
            .negotiation(NegotiationDescriptor {
                name: "negotiate",
                route: "/api/negotiate",
                hub: Some("hub"),
                user_id: None,
                connection: None,
                requires: socketio_fn_core::registry::no_requirements,
                invoke,
            })
            .build()
            .unwrap();
        let started = std::time::Instant::now();
        let (status, _, body) = common::send(
            &app,
            axum::http::Request::get("/api/negotiate")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
        let took = started.elapsed();
        let body = String::from_utf8_lossy(&body);
        assert_eq!(status, 502, "{body}");
        assert!(
            body.contains("cannot authenticate `generateToken`"),
            "{body}"
        );
        // One attempt's timeout (1 s) bounds the token; the whole call would be bounded too.
        assert!(
            took < std::time::Duration::from_secs(5),
            "took {took:?}: {body}"
        );
    });
}
