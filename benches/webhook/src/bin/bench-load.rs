//! The load generator: `CONNECTIONS` keep-alive HTTP/1.1 connections sending the signed
//! request to `URL` for `SECONDS` after `WARMUP` seconds, checking every reply's status and body.
//! Prints one JSON line: requests per second, p50 and p99 latency (µs), requests measured, requests sent
//! (warm-up included), errors.
//!
//! With `REQUESTS` set, each connection sends its share of that many requests instead (no warm-up, no
//! time limit): the instruction counts of `benches/instructions.sh` need a known number of requests.
//!
//! `CLIENT=raw` (the default) writes the request's bytes, prepared once, and reads each reply with a
//! minimal HTTP/1.1 parser (status line, `content-length`, body): a load generator has to cost its
//! core less per request than the fastest server costs its own, or it measures itself. `CLIENT=hyper`
//! uses hyper's client (its cost per request is close to a bare axum server's, so it caps the bare
//! server's throughput on these 2-core machines).

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What a connection measured: latencies (µs) after the warm-up, errors, requests sent.
type Measured = (Vec<u32>, u64, u64);
type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The request's bytes on the wire: what hyper's client writes for `webhook_bench::request`.
fn raw_request(host: &str) -> Vec<u8> {
    let mut head = format!("POST {} HTTP/1.1\r\nhost: {host}\r\n", webhook_bench::PATH);
    for (name, value) in webhook_bench::HEADERS {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "content-length: {}\r\n\r\n{}",
        webhook_bench::BODY.len(),
        webhook_bench::BODY
    ));
    head.into_bytes()
}

/// Reads one reply into `buf` (cleared first): whether it is `200` with the expected body.
async fn read_reply(
    stream: &mut tokio::net::TcpStream,
    buf: &mut Vec<u8>,
) -> Result<bool, BoxError> {
    buf.clear();
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = std::str::from_utf8(&buf[..end])?;
            let length: usize = head
                .split("\r\n")
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .ok_or("a reply without content-length")?;
            let ok = head.starts_with("HTTP/1.1 200 ");
            let total = end + 4 + length;
            while buf.len() < total {
                if stream.read_buf(buf).await? == 0 {
                    return Err("the server closed the connection".into());
                }
            }
            if buf.len() > total {
                return Err("bytes after the reply (nothing was pipelined)".into());
            }
            return Ok(ok && &buf[end + 4..] == webhook_bench::REPLY.as_bytes());
        }
        if stream.read_buf(buf).await? == 0 {
            return Err("the server closed the connection".into());
        }
    }
}

/// One keep-alive connection: sends a request and checks its reply.
enum Client {
    /// Prepared request bytes and a minimal reply parser.
    Raw {
        stream: tokio::net::TcpStream,
        request: Vec<u8>,
        buf: Vec<u8>,
    },
    /// hyper's client.
    Hyper {
        sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
        host: String,
    },
}

impl Client {
    async fn connect(host: String, raw: bool) -> Result<Self, BoxError> {
        let stream = tokio::net::TcpStream::connect(&host).await?;
        stream.set_nodelay(true)?;
        if raw {
            return Ok(Self::Raw {
                stream,
                request: raw_request(&host),
                buf: Vec::with_capacity(1024),
            });
        }
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(conn);
        Ok(Self::Hyper { sender, host })
    }

    /// One request: whether its reply was `200` with the expected body.
    async fn exchange(&mut self) -> Result<bool, BoxError> {
        match self {
            Self::Raw {
                stream,
                request,
                buf,
            } => {
                stream.write_all(request).await?;
                read_reply(stream, buf).await
            }
            Self::Hyper { sender, host } => {
                let body = Full::new(Bytes::from_static(webhook_bench::BODY.as_bytes()));
                let response = sender
                    .send_request(webhook_bench::request(host, body))
                    .await?;
                let ok = response.status() == 200;
                let bytes = response.into_body().collect().await?.to_bytes();
                Ok(ok && bytes == webhook_bench::REPLY.as_bytes())
            }
        }
    }
}

/// Runs one connection until `until` (or for `count` requests).
async fn connection(
    host: String,
    raw: bool,
    until: Instant,
    measure_from: Instant,
    count: Option<u64>,
) -> Result<Measured, BoxError> {
    let mut client = Client::connect(host, raw).await?;
    let mut latencies = Vec::with_capacity(1 << 16);
    let (mut errors, mut sent) = (0, 0u64);
    loop {
        let started = Instant::now();
        let done = match count {
            Some(count) => sent >= count,
            None => started >= until,
        };
        if done {
            break;
        }
        sent += 1;
        if !client.exchange().await? {
            errors += 1;
        }
        if started >= measure_from {
            latencies.push(u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX));
        }
    }
    Ok((latencies, errors, sent))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), BoxError> {
    let host = std::env::var("URL").unwrap_or_else(|_| "127.0.0.1:7071".into());
    let connections = env("CONNECTIONS", 32);
    let raw = match std::env::var("CLIENT").as_deref() {
        Ok("hyper") => false,
        Ok("raw") | Err(_) => true,
        Ok(other) => return Err(format!("CLIENT must be raw or hyper, not {other}").into()),
    };
    let (warmup, seconds) = (env("WARMUP", 2), env("SECONDS", 10));
    let start = Instant::now();
    let measure_from = start + Duration::from_secs(warmup);
    let until = measure_from + Duration::from_secs(seconds);
    let total = std::env::var("REQUESTS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok());
    let measure_from = if total.is_some() { start } else { measure_from };
    let tasks: Vec<_> = (0..connections)
        .map(|i| {
            // Shares of `total` that add up to it exactly.
            let share = total.map(|t| t / connections + u64::from(i < t % connections));
            tokio::spawn(connection(host.clone(), raw, until, measure_from, share))
        })
        .collect();
    let mut latencies = Vec::new();
    let (mut errors, mut sent) = (0, 0);
    for task in tasks {
        let (l, e, s) = task.await??;
        latencies.extend(l);
        errors += e;
        sent += s;
    }
    let measured = match total {
        Some(_) => start.elapsed().as_secs_f64(),
        None => seconds as f64,
    };
    latencies.sort_unstable();
    let pick = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0)
    };
    #[allow(clippy::print_stdout)]
    {
        println!(
            "{{\"rps\":{:.0},\"p50_us\":{},\"p99_us\":{},\"requests\":{},\"sent\":{sent},\"errors\":{errors}}}",
            latencies.len() as f64 / measured,
            pick(0.50),
            pick(0.99),
            latencies.len()
        );
    }
    Ok(())
}
