//! The output benchmark's senders, one process per run (`SENDER=app|floor`), against the sink on
//! `127.0.0.1:$PORT`; `CONCURRENCY` loops for `WARMUP` then `SECONDS` seconds. Each send is one
//! namespace emit: `POST /api/hubs/hub/groups/0~Lw~/:send?api-version=2024-01-01` with the body
//! `42["news","hello"]`, which the sink answers `202`.
//!
//! - `app`: what an app does, `ServiceHandle::send(SocketIoAction::send_to_namespace(..))` on a handle
//!   of a built app whose connection string points at the sink (validation, the REST mapping, a
//!   valid token, retries and timeouts included).
//! - `floor`: the least any correct sender does: one `reqwest::Client`, the URL parsed once, a token
//!   signed once, the same headers and body, the status checked and the reply drained.

#![allow(clippy::print_stderr, clippy::expect_used)] // a benchmark: fails loudly

use output_bench::{EVENT, HUB, TEXT, connection_string, env_or, measure};
use socketio_fn::{App, Settings, SocketIoAction};
use socketio_fn_protocol::AccessKey;
use socketio_fn_protocol::token::{TokenClaims, sign, unix_now};
use std::time::Duration;

#[tokio::main]
async fn main() {
    let port: u16 = env_or("PORT", 18201);
    let concurrency: usize = env_or("CONCURRENCY", 1);
    let warmup = Duration::from_secs_f64(env_or("WARMUP", 1.0));
    let seconds = Duration::from_secs_f64(env_or("SECONDS", 3.0));
    let sender: String = env_or("SENDER", "app".to_owned());
    match sender.as_str() {
        "app" => {
            let settings = Settings::from_pairs([(
                "WebPubSubForSocketIOConnectionString",
                connection_string(port),
            )]);
            let app = App::builder()
                .settings(settings)
                .build()
                .expect("the app builds");
            let hub = app.service(HUB).expect("the hub's handle");
            measure("app", concurrency, warmup, seconds, move || {
                let hub = hub.clone();
                async move {
                    hub.send(SocketIoAction::send_to_namespace(EVENT, (TEXT,)))
                        .await
                        .map_err(|e| e.to_string())
                }
            })
            .await;
        }
        "floor" => {
            let url = reqwest::Url::parse(&format!(
                "http://127.0.0.1:{port}/api/hubs/{HUB}/groups/0~Lw~/:send?api-version=2024-01-01"
            ))
            .expect("a URL");
            let claims = TokenClaims::new(url.as_str(), unix_now(), 3600, None);
            let token = sign(&claims, &AccessKey::new(output_bench::ACCESS_KEY)).expect("a token");
            let authorization = format!("Bearer {token}");
            let body = format!("42[\"{EVENT}\",\"{TEXT}\"]");
            let client = reqwest::Client::new();
            measure("floor", concurrency, warmup, seconds, move || {
                let request = client
                    .post(url.clone())
                    .header("Authorization", &authorization)
                    .header("Accept", "application/json")
                    .header("Content-Type", "text/plain")
                    .body(body.clone());
                async move {
                    let reply = request.send().await.map_err(|e| e.to_string())?;
                    if reply.status() != reqwest::StatusCode::ACCEPTED {
                        return Err(format!("status {}", reply.status()));
                    }
                    reply.bytes().await.map(drop).map_err(|e| e.to_string())
                }
            })
            .await;
        }
        other => {
            eprintln!("SENDER must be app or floor, not {other}");
            std::process::exit(2);
        }
    }
}
