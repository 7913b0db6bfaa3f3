//! The load generator: `CONNECTIONS` keep-alive HTTP/1.1 connections (hyper client) sending the signed
//! request to `URL` for `SECONDS` after `WARMUP` seconds, checking every reply's status and body.
//! Prints one JSON line: requests per second, p50 and p99 latency (µs), errors.
//!
//! With `REQUESTS` set, each connection sends its share of that many requests instead (no warm-up, no
//! time limit): the instruction counts of `benches/instructions.sh` need a known number of requests.

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use std::time::{Duration, Instant};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn connection(
    host: String,
    until: Instant,
    measure_from: Instant,
    count: Option<u64>,
) -> Result<(Vec<u32>, u64), Box<dyn std::error::Error + Send + Sync>> {
    let stream = tokio::net::TcpStream::connect(&host).await?;
    stream.set_nodelay(true)?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let mut latencies = Vec::with_capacity(1 << 16);
    let mut errors = 0;
    let body = Bytes::from_static(webhook_bench::BODY.as_bytes());
    let mut sent = 0u64;
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
        let request = webhook_bench::request(&host, Full::new(body.clone()));
        let response = sender.send_request(request).await?;
        let ok = response.status() == 200;
        let bytes = response.into_body().collect().await?.to_bytes();
        if !ok || bytes != webhook_bench::REPLY.as_bytes() {
            errors += 1;
        }
        if started >= measure_from {
            latencies.push(u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX));
        }
    }
    Ok((latencies, errors))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let host = std::env::var("URL").unwrap_or_else(|_| "127.0.0.1:7071".into());
    let connections = env("CONNECTIONS", 32);
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
            tokio::spawn(connection(host.clone(), until, measure_from, share))
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (l, e) = task.await??;
        latencies.extend(l);
        errors += e;
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
            "{{\"rps\":{:.0},\"p50_us\":{},\"p99_us\":{},\"requests\":{},\"errors\":{errors}}}",
            latencies.len() as f64 / measured,
            pick(0.50),
            pick(0.99),
            latencies.len()
        );
    }
    Ok(())
}
