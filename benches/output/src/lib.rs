#![allow(clippy::print_stdout, clippy::print_stderr)] // a benchmark reports on its standard output
//! Shared pieces of the output-path benchmark: the sink's reply, the measured loop and the CPU clock.
//! Method and figures: benches/README.md ("`output`").

use std::future::Future;
use std::time::{Duration, Instant};

/// The access key every sender signs with (the sink does not check tokens).
pub const ACCESS_KEY: &str = "7aab239577fd4f24bc919802fb629f5f7aab239577fd";
/// The hub sent to.
pub const HUB: &str = "hub";
/// The event every send carries.
pub const EVENT: &str = "news";
/// The event's one argument.
pub const TEXT: &str = "hello";

/// The connection string of a sink on `port`.
pub fn connection_string(port: u16) -> String {
    format!("Endpoint=http://127.0.0.1;Port={port};AccessKey={ACCESS_KEY};Version=1.0;")
}

/// A setting read from the environment, or its default.
pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// User + system CPU time of this process, from `/proc/self/stat` (fields 14 and 15, in clock ticks
/// of 10 ms).
pub fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(") ").map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split(' ').collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // After the name, field 14 (utime) is index 11 and field 15 (stime) index 12.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// Runs `concurrency` loops of `send` for `warmup` and then `measured`, and prints one JSON line:
/// sends per second and CPU time per send over the measured part. With `COUNT` set, each loop sends
/// `COUNT / concurrency` times instead, untimed (for counting instructions under callgrind). A failed
/// send ends the run with an error (exit code 1).
pub async fn measure<F, Fut>(
    label: &str,
    concurrency: usize,
    warmup: Duration,
    measured: Duration,
    send: F,
) where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    let count: u64 = env_or("COUNT", 0);
    if count > 0 {
        return counted(label, concurrency, count, send).await;
    }
    let start = Instant::now();
    let measure_from = start + warmup;
    let end = measure_from + measured;
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let send = send.clone();
        tasks.push(tokio::spawn(async move {
            let mut counted = 0u64;
            loop {
                let now = Instant::now();
                if now >= end {
                    return Ok::<u64, String>(counted);
                }
                send().await?;
                if now >= measure_from {
                    counted += 1;
                }
            }
        }));
    }
    tokio::time::sleep_until(measure_from.into()).await;
    let cpu_before = cpu_time();
    let mut sends = 0;
    for task in tasks {
        match task.await {
            Ok(Ok(n)) => sends += n,
            Ok(Err(e)) => {
                eprintln!("{label}: a send failed: {e}");
                std::process::exit(1);
            }
            Err(e) => {
                eprintln!("{label}: a sender panicked: {e}");
                std::process::exit(1);
            }
        }
    }
    let cpu = cpu_time().saturating_sub(cpu_before);
    let seconds = measured.as_secs_f64();
    println!(
        "{{\"sender\":\"{label}\",\"concurrency\":{concurrency},\"sends\":{sends},\"sends_per_s\":{:.0},\"cpu_us_per_send\":{:.2}}}",
        sends as f64 / seconds,
        cpu.as_secs_f64() * 1e6 / sends.max(1) as f64
    );
}

async fn counted<F, Fut>(label: &str, concurrency: usize, count: u64, send: F)
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    let per_loop = count / concurrency as u64;
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let send = send.clone();
            tokio::spawn(async move {
                for _ in 0..per_loop {
                    send().await?;
                }
                Ok::<(), String>(())
            })
        })
        .collect();
    for task in tasks {
        if !matches!(task.await, Ok(Ok(()))) {
            eprintln!("{label}: a send failed");
            std::process::exit(1);
        }
    }
    println!(
        "{{\"sender\":\"{label}\",\"concurrency\":{concurrency},\"sends\":{}}}",
        per_loop * concurrency as u64
    );
}
