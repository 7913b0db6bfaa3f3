//! A model of the Azure Functions host running a custom handler in bindings mode, with the
//! Socket.IO extension, written from their sources (not from socketio-fn's runtime):
//!
//! - HOST `Azure/azure-functions-host:src/WebJobs.Script/Workers/Http/DefaultHttpWorkerService.cs`
//!   (`POST /<FunctionName>`, the `x-azure-functions-*` headers, `EnsureSuccessStatusCode`, the
//!   result read as `HttpScriptInvocationResult`), `ScriptInvocationContextExtensions.cs`
//!   (`Data`/`Metadata`, a value that is not an object sent as JSON text in a string),
//!   `HttpScriptInvocationResultExtensions.cs` (`ReturnValue` given to the trigger when there is no
//!   `$return` binding, host PR #8874), `ObjectContent` bodies sent chunked; the admin API
//!   `POST /admin/functions/<name>` that runs a non-HTTP function.
//! - EXT `Azure/azure-sdk-for-net:sdk/webpubsub/Microsoft.Azure.WebJobs.Extensions.WebPubSubForSocketIO`:
//!   `WebPubSubForSocketIOTriggerBinding.cs` (binding data: `ConnectionContext`, `SocketId`,
//!   `Namespace`, one entry per `parameterNames` name, whose count must match the arguments'),
//!   `Trigger/Model/*.cs` (the request's member names), the dispatcher's reading of the return value
//!   (`statusCode`, `ack`), `ConvertToSocketIOAction` for the `socketio` output (`actionName`).
//! - Notes with citations: `../shared/notes/functions-custom-handler.md` of the project's workspace.
//!
//! What the model leaves to others: the extension's REST calls for output actions go through
//! socketio-fn's `ServiceHandle` (its REST mapping is tested against the service's vectors elsewhere),
//! and signatures of the emulator's webhook calls are not checked.
#![allow(dead_code, clippy::unwrap_used)]

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use socketio_fn_core::actions::SocketIoAction;
use socketio_fn_core::protocol::cloud_events::{CloudEvent, ConnectBody, DisconnectedBody};
use socketio_fn_core::protocol::packet::{EventData, Packet, encode_ack};
use socketio_fn_core::protocol::token::{TokenClaims, sign, unix_now};
use socketio_fn_core::protocol::{AccessKey, paths::client_path};
use socketio_fn_core::{App, Settings};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A package folder as the host reads it: `host.json` and each `<function>/function.json`.
#[derive(Debug, Clone)]
pub(crate) struct Package {
    pub(crate) dir: PathBuf,
    pub(crate) host: Value,
    pub(crate) functions: BTreeMap<String, Value>,
}

impl Package {
    pub(crate) fn read(dir: &Path) -> Self {
        let read = |p: &Path| -> Value {
            serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
        };
        let mut functions = BTreeMap::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path().join("function.json");
            if path.is_file() {
                let name = path.parent().unwrap().file_name().unwrap();
                functions.insert(name.to_string_lossy().into_owned(), read(&path));
            }
        }
        Self {
            dir: dir.to_owned(),
            host: read(&dir.join("host.json")),
            functions,
        }
    }

    /// The bindings of a function.
    pub(crate) fn bindings(&self, function: &str) -> &Vec<Value> {
        self.functions[function]["bindings"].as_array().unwrap()
    }

    fn binding<'a>(&'a self, function: &str, kind: &str) -> Option<&'a Value> {
        self.bindings(function).iter().find(|b| b["type"] == kind)
    }

    /// The Socket.IO trigger function for an event (hub, namespace, event name, exact match).
    fn trigger_for(&self, hub: &str, namespace: &str, event: &str) -> Option<(String, Value)> {
        self.functions.keys().find_map(|name| {
            let t = self.binding(name, "socketiotrigger")?;
            let hub_ok = t["hub"] == hub || t["hub"].as_str().is_some_and(|h| h.starts_with('%'));
            (hub_ok && t["namespace"] == namespace && t["eventName"] == event)
                .then(|| (name.clone(), t.clone()))
        })
    }
}

/// What the model saw of one invocation.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub(crate) function: String,
    pub(crate) body: Value,
}

/// The host: serves the webhook (as the extension) and HTTP functions, invokes the handler.
#[derive(Clone)]
pub(crate) struct Host {
    package: Arc<Package>,
    handler: String,
    settings: Arc<BTreeMap<String, String>>,
    endpoint: String,
    key: AccessKey,
    app: Arc<App>,
    /// Each invocation's answer, in order.
    pub(crate) seen: Arc<Mutex<Vec<Seen>>>,
    /// Send the trigger's request as an object instead of a JSON string.
    pub(crate) data_as_object: bool,
}

impl Host {
    /// A host for `package` whose handler listens on `handler_port`, with the app settings
    /// `settings` (the connection string among them: `Endpoint=...;AccessKey=...`).
    pub(crate) fn new(
        package: Package,
        handler_port: u16,
        settings: BTreeMap<String, String>,
    ) -> Self {
        let connection = settings["WebPubSubForSocketIOConnectionString"].clone();
        let field = |name: &str| {
            connection
                .split(';')
                .find_map(|p| p.strip_prefix(&format!("{name}=")).map(str::to_owned))
                .unwrap()
        };
        let (endpoint, key) = (field("Endpoint"), AccessKey::new(field("AccessKey")));
        let app = App::builder()
            .settings(Settings::from_pairs(
                settings.iter().map(|(k, v)| (k.clone(), v.clone())),
            ))
            .allow_unauthenticated_webhook()
            .build()
            .unwrap();
        Self {
            package: Arc::new(package),
            handler: format!("127.0.0.1:{handler_port}"),
            settings: Arc::new(settings),
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            key,
            app: Arc::new(app),
            seen: Arc::default(),
            data_as_object: false,
        }
    }

    /// The host's router: the extension's webhook, the admin API, HTTP functions.
    pub(crate) fn router(self) -> axum::Router {
        axum::Router::new()
            .route("/runtime/webhooks/socketio", axum::routing::any(webhook))
            .route("/admin/functions/{name}", axum::routing::post(admin))
            .fallback(http_function)
            .with_state(self)
    }

    fn setting(&self, text: &str) -> String {
        match text.strip_prefix('%').and_then(|t| t.strip_suffix('%')) {
            Some(name) => self.settings.get(name).cloned().unwrap_or_default(),
            None => text.to_owned(),
        }
    }

    /// `POST /<function>` with `{Data, Metadata}`, chunked, as the host sends it; the answer's JSON
    /// (`Err` when the host would fail the invocation: not 2xx, not JSON, empty).
    pub(crate) async fn invoke(
        &self,
        function: &str,
        data: Value,
        metadata: Value,
    ) -> Result<Value, String> {
        let body = json!({ "Data": data, "Metadata": metadata }).to_string();
        let (status, headers, answer) = post_chunked(&self.handler, function, &body).await;
        let json_type = headers.get("content-type").is_some_and(|t| {
            t.to_str()
                .unwrap_or_default()
                .starts_with("application/json")
        });
        if !(200..300).contains(&status) || !json_type || answer.is_empty() {
            return Err(format!("invocation failed: {status} {headers:?} {answer}"));
        }
        let value: Value = serde_json::from_str(&answer).map_err(|e| e.to_string())?;
        self.seen.lock().unwrap().push(Seen {
            function: function.to_owned(),
            body: value.clone(),
        });
        Ok(value)
    }

    /// Runs the `socketio` outputs of an answer, as the extension's collector does.
    async fn flush(&self, function: &str, answer: &Value) -> Result<(), String> {
        for binding in self.package.bindings(function) {
            if binding["type"] != "socketio" {
                continue;
            }
            let Some(value) = answer["Outputs"].get(binding["name"].as_str().unwrap()) else {
                continue;
            };
            let actions = SocketIoAction::from_json(value).map_err(|e| e.to_string())?;
            let hub = self.setting(binding["hub"].as_str().unwrap());
            let handle = self.app.service(&hub).map_err(|e| e.to_string())?;
            handle.send_all(actions).await.map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// A timer run (`POST /admin/functions/<name>`, or the schedule): `Data.timer` is the host's
    /// `TimerInfo` object.
    pub(crate) async fn run_timer(&self, function: &str, info: Value) -> Result<Value, String> {
        let timer = self
            .package
            .binding(function, "timerTrigger")
            .ok_or("not a timer")?;
        let name = timer["name"].as_str().unwrap();
        let answer = self
            .invoke(function, json!({ name: info }), json!({}))
            .await?;
        self.flush(function, &answer).await?;
        Ok(answer)
    }
}

/// The `TimerInfo` the host sends (`JObject.FromObject` of the WebJobs type: .NET member names).
pub(crate) fn timer_info(last: &str, next: &str, past_due: bool) -> Value {
    json!({
        "Schedule": { "AdjustForDST": true },
        "ScheduleStatus": { "Last": last, "Next": next, "LastUpdated": last },
        "IsPastDue": past_due,
    })
}

async fn admin(
    State(host): State<Host>,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> Response {
    let info = timer_info("2026-12-07T20:00:00Z", "2026-12-07T20:10:00Z", false);
    match host.run_timer(&name, info).await {
        Ok(_) => StatusCode::ACCEPTED.into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e).into_response(),
    }
}

/// A raw HTTP/1.1 POST with a chunked body (the host's `ObjectContent` has no length); returns the
/// status, headers and body.
pub(crate) async fn post_chunked(
    address: &str,
    function: &str,
    body: &str,
) -> (u16, HeaderMap, String) {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let (a, b) = body.split_at(body.len() / 2);
    let mut request = format!(
        "POST /{function} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json; charset=utf-8\r\n\
         Transfer-Encoding: chunked\r\nx-azure-functions-hostversion: 4.1040.300.0\r\n\
         x-azure-functions-invocationid: {}\r\nUser-Agent: Azure-Functions-Host/4.1040.300.0\r\n\
         Connection: close\r\n\r\n",
        unix_now()
    );
    for chunk in [a, b].into_iter().filter(|c| !c.is_empty()) {
        request.push_str(&format!("{:x}\r\n{chunk}\r\n", chunk.len()));
    }
    request.push_str("0\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, mut rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .unwrap_or_default()
        .split(' ')
        .nth(1)
        .unwrap_or("0")
        .parse()
        .unwrap();
    let mut headers = HeaderMap::new();
    for line in lines {
        if let Some((k, v)) = line.split_once(':') {
            headers.append(
                axum::http::HeaderName::from_bytes(k.trim().to_ascii_lowercase().as_bytes())
                    .unwrap(),
                v.trim().parse().unwrap(),
            );
        }
    }
    let mut body = String::new();
    if headers
        .get("transfer-encoding")
        .is_some_and(|v| v == "chunked")
    {
        while let Some((size, after)) = rest.split_once("\r\n") {
            let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if size == 0 {
                break;
            }
            body.push_str(&after[..size]);
            rest = &after[size + 2..];
        }
    } else {
        body = rest.to_owned();
    }
    (status, headers, body)
}

/// The extension's webhook: the abuse-protection handshake, then an event to its function.
async fn webhook(State(host): State<Host>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    if parts.method == Method::OPTIONS || parts.method == Method::GET {
        return ([("WebHook-Allowed-Origin", "*")], StatusCode::OK).into_response();
    }
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    match event(&host, &parts.headers, body).await {
        Ok(response) => response,
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e).into_response(),
    }
}

/// The trigger's request object (`Trigger/Model/*.cs` names) and the ack id of a message.
fn request_object(
    event: &CloudEvent<'_>,
    body: &[u8],
) -> Result<(Value, Option<u64>, Vec<Value>), String> {
    let mut request = json!({ "namespace": event.namespace, "socketId": event.socket_id });
    let (mut ack, mut parameters) = (None, Vec::new());
    match event.ce_type.rsplit('.').next().unwrap_or_default() {
        "connect" => {
            let b = ConnectBody::from_json(body).map_err(|e| e.to_string())?;
            request["claims"] = json!(b.claims);
            request["query"] = json!(b.query);
            request["headers"] = json!(b.headers);
            request["clientCertificates"] = json!(b.client_certificates);
        }
        "disconnected" => {
            let b = DisconnectedBody::from_json(body).map_err(|e| e.to_string())?;
            request["reason"] = json!(b.reason);
        }
        "message" => {
            let payload = String::from_utf8_lossy(body).into_owned();
            let packet = Packet::decode(&payload).map_err(|e| e.to_string())?;
            ack = packet.id;
            let data = EventData::parse(packet.data).map_err(|e| e.to_string())?;
            request["eventName"] = json!(data.event_name);
            request["parameters"] = json!(data.parameters);
            parameters = data.parameters;
            request["payload"] = json!(payload);
        }
        _ => {}
    }
    Ok((request, ack, parameters))
}

async fn event(host: &Host, headers: &HeaderMap, body: Bytes) -> Result<Response, String> {
    let event = CloudEvent::parse(headers).map_err(|e| e.to_string())?;
    let (function, trigger) = host
        .package
        .trigger_for(event.hub, event.namespace, event.event_name)
        .ok_or_else(|| format!("no function for {}", event.event_name))?;
    let (request, ack, parameters) = request_object(&event, &body)?;
    let kind = event
        .ce_type
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_owned();
    // Binding data (Metadata): the socket context, strings as JSON text, parameterNames entries.
    let mut metadata = Map::new();
    metadata.insert(
        "ConnectionContext".into(),
        json!({
            "EventType": if kind == "message" { "User" } else { "System" },
            "EventName": event.event_name, "Hub": event.hub, "ConnectionId": event.connection_id,
            "UserId": event.user_id, "Signature": event.signature.as_deref(), "Origin": event.origin.as_deref(),
            "States": null, "Headers": {}, "SocketId": event.socket_id, "Namespace": event.namespace,
        }),
    );
    metadata.insert("SocketId".into(), json!(json!(event.socket_id).to_string()));
    metadata.insert(
        "Namespace".into(),
        json!(json!(event.namespace).to_string()),
    );
    if let Some(names) = trigger["parameterNames"].as_array() {
        if names.len() != parameters.len() {
            // The extension throws while binding: the invocation fails and the service waits.
            return Ok(StatusCode::GATEWAY_TIMEOUT.into_response());
        }
        for (name, value) in names.iter().zip(&parameters) {
            metadata.insert(name.as_str().unwrap().to_owned(), value.clone());
        }
    }
    metadata.insert(
        "sys".into(),
        json!({ "MethodName": function, "UtcNow": "2026-12-07T20:00:00Z" }),
    );
    let name = trigger["name"].as_str().unwrap().to_owned();
    let data = if host.data_as_object {
        request
    } else {
        Value::String(serde_json::to_string_pretty(&request).unwrap())
    };
    let answer = host
        .invoke(&function, json!({ name: data }), Value::Object(metadata))
        .await?;
    host.flush(&function, &answer).await?;
    Ok(reply(&kind, event.namespace, ack, &answer["ReturnValue"]))
}

/// The dispatcher's reading of `ReturnValue`: a connect's status, a message's status and ack.
fn reply(kind: &str, namespace: &str, ack: Option<u64>, value: &Value) -> Response {
    let waits = kind == "connect" || (kind == "message" && ack.is_some());
    if value.is_null() {
        // No value reaches the trigger: the service waits for the connect or ack until it gives up.
        return if waits {
            StatusCode::GATEWAY_TIMEOUT
        } else {
            StatusCode::OK
        }
        .into_response();
    }
    let value = match value {
        Value::String(text) => serde_json::from_str(text).unwrap_or(Value::Null),
        other => other.clone(),
    };
    let Value::Object(object) = &value else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Response should be a JObject.",
        )
            .into_response();
    };
    let status = match object.get("statusCode") {
        Some(Value::Number(n)) => n.as_u64().unwrap_or(500) as u16,
        Some(Value::String(s)) if s == "Unauthorized" => 401,
        Some(Value::String(s)) if s == "OK" => 200,
        None => 200,
        _ => 500,
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match (kind, ack, object.get("ack").and_then(Value::as_array)) {
        ("message", Some(id), Some(values)) if !values.is_empty() => (
            status,
            [("content-type", "text/plain; charset=utf-8")],
            encode_ack(namespace, id, values),
        )
            .into_response(),
        _ => status.into_response(),
    }
}

/// An HTTP function by its route (the host's route precedence: a literal route before `{*path}`).
async fn http_function(State(host): State<Host>, request: Request) -> Response {
    let prefix = host.package.host["extensions"]["http"]["routePrefix"]
        .as_str()
        .unwrap_or("api")
        .to_owned();
    let path = request.uri().path().trim_start_matches('/').to_owned();
    let Some(path) = path
        .strip_prefix(&prefix)
        .map(|p| p.trim_start_matches('/').to_owned())
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let route = |f: &String| {
        host.package
            .binding(f, "httpTrigger")
            .map(|t| t["route"].as_str().unwrap_or_default().to_owned())
    };
    let literal = host
        .package
        .functions
        .keys()
        .find(|f| route(f).as_deref() == Some(path.as_str()));
    let catch_all = host
        .package
        .functions
        .keys()
        .find(|f| route(f).as_deref() == Some("{*path}"));
    let Some(function) = literal.or(catch_all).cloned() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let query: Map<String, Value> = parts
        .uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_owned(), json!(v)))
        .collect();
    let headers: Map<String, Value> = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                json!([v.to_str().unwrap_or_default()]),
            )
        })
        .collect();
    let req = json!({
        "Url": format!("http://localhost{}", parts.uri),
        "Method": parts.method.as_str(),
        "Query": query,
        "Headers": headers,
        "Params": {},
        "Body": String::from_utf8_lossy(&body),
    });
    let mut data = json!({ "req": req });
    if let Some(input) = host.package.binding(&function, "socketionegotiation") {
        let hub = host.setting(input["hub"].as_str().unwrap_or_default());
        let user = input["userId"]
            .as_str()
            .map(|expr| user_id(expr, &query, &parts.headers));
        let path = client_path(&hub);
        let claims = TokenClaims::new(
            format!("{}{path}", host.endpoint),
            unix_now(),
            3600,
            user.filter(|u| !u.is_empty()),
        );
        let token = sign(&claims, &host.key).unwrap();
        data[input["name"].as_str().unwrap()] =
            json!({ "endpoint": host.endpoint, "path": path, "token": token });
    }
    let answer = match host.invoke(&function, data, json!({})).await {
        Ok(answer) => answer,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e).into_response(),
    };
    let res = &answer["Outputs"]["res"];
    let status = StatusCode::from_u16(res["statusCode"].as_u64().unwrap_or(500) as u16).unwrap();
    let mut response =
        (status, res["body"].as_str().unwrap_or_default().to_owned()).into_response();
    for (k, v) in res["headers"].as_object().into_iter().flatten() {
        if let (Ok(k), Some(Ok(v))) = (
            axum::http::HeaderName::from_bytes(k.as_bytes()),
            v.as_str().map(str::parse),
        ) {
            response.headers_mut().insert(k, v);
        }
    }
    response
}

/// A binding expression over an HTTP request: `{query.<name>}`, `{headers.<name>}`, literal text.
fn user_id(expression: &str, query: &Map<String, Value>, headers: &HeaderMap) -> String {
    let mut out = String::new();
    let mut rest = expression;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').map_or(rest.len(), |e| start + e);
        let inner = &rest[start + 1..end];
        if let Some(name) = inner.strip_prefix("query.") {
            out.push_str(query.get(name).and_then(Value::as_str).unwrap_or_default());
        } else if let Some(name) = inner.strip_prefix("headers.") {
            out.push_str(
                headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default(),
            );
        }
        rest = &rest[(end + 1).min(rest.len())..];
    }
    out.push_str(rest);
    out
}
