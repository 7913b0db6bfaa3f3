//! A scripted HTTP/1.1 server on loopback standing in for the service's REST API in tests.
#![allow(dead_code, unreachable_pub, missing_docs, clippy::unwrap_used)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Status, extra headers, body.
    Status(u16, Vec<(&'static str, &'static str)>, &'static str),
    /// Close the connection without answering.
    Drop,
    /// Wait, then answer 202.
    Slow(Duration),
    /// Status, extra headers, a body made at run time; `{base}` in it becomes the server's base URL.
    Owned(u16, Vec<(&'static str, &'static str)>, String),
    /// 200 with a chunked body: each part after its delay; the body ends after the last part.
    Chunked(Vec<(Duration, String)>),
}

/// One received request.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub at: Instant,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct FakeService {
    pub base: String,
    pub received: Arc<Mutex<Vec<Received>>>,
}

impl FakeService {
    /// Starts the server; each request takes the next scripted reply (202 when the script is empty).
    pub async fn start(script: Vec<Reply>) -> Self {
        Self::start_then(script, Reply::Status(202, vec![], "")).await
    }

    /// Like [`FakeService::start`], answering `then` once the script is used up.
    pub async fn start_then(script: Vec<Reply>, then: Reply) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let log = received.clone();
        let own_base = base.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                let log = log.clone();
                let script = script.clone();
                let then = then.clone();
                let own_base = own_base.clone();
                tokio::spawn(async move {
                    loop {
                        let Some(request) = read_request(&mut stream).await else {
                            return;
                        };
                        log.lock().unwrap().push(request);
                        let reply = script
                            .lock()
                            .unwrap()
                            .pop_front()
                            .unwrap_or_else(|| then.clone());
                        let (status, headers, body) = match reply {
                            Reply::Drop => return,
                            Reply::Slow(d) => {
                                tokio::time::sleep(d).await;
                                (202, vec![], String::new())
                            }
                            Reply::Status(s, h, b) => (s, h, b.to_owned()),
                            Reply::Owned(s, h, b) => (s, h, b.replace("{base}", &own_base)),
                            Reply::Chunked(parts) => {
                                if write_chunked(&mut stream, parts).await.is_err() {
                                    return;
                                }
                                continue;
                            }
                        };
                        let mut text =
                            format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\n", body.len());
                        for (k, v) in headers {
                            text.push_str(&format!("{k}: {v}\r\n"));
                        }
                        text.push_str("\r\n");
                        text.push_str(&body);
                        if stream.write_all(text.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Self { base, received }
    }

    pub fn requests(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<Received> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buffer[..header_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[header_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Received {
        method,
        target,
        headers,
        body: String::from_utf8(body).ok()?,
        at: Instant::now(),
    })
}

async fn write_chunked(
    stream: &mut tokio::net::TcpStream,
    parts: Vec<(Duration, String)>,
) -> std::io::Result<()> {
    stream
        .write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x-ndjson\r\n\r\n")
        .await?;
    for (delay, part) in parts {
        tokio::time::sleep(delay).await;
        stream
            .write_all(format!("{:x}\r\n{part}\r\n", part.len()).as_bytes())
            .await?;
    }
    stream.write_all(b"0\r\n\r\n").await
}
