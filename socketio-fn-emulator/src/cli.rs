//! The emulator's command line, shared by the `socketio-fn-emulator` program and
//! `cargo socketio-fn emulator`.

use crate::{ADMIN_NAMESPACE, AdminConfig, Emulator, EmulatorConfig};
use socketio_fn_protocol::setting_names::{
    DEFAULT_EMULATOR_ADDRESS, DEFAULT_EMULATOR_UPSTREAM, EMULATOR_ADDRESS, EMULATOR_ADMIN,
    EMULATOR_ADMIN_PASSWORD, EMULATOR_ADMIN_USER, EMULATOR_ENDPOINT, EMULATOR_KEY,
    EMULATOR_NAMESPACES, EMULATOR_PING_INTERVAL_MS, EMULATOR_PING_TIMEOUT_MS, EMULATOR_UPSTREAM,
    MIN_SECRET_CHARS,
};
use std::net::SocketAddr;
use std::time::Duration;

/// The emulator's flags, each with the environment variable it falls back to.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The function app's webhook URL (the hub's event handler URL). Repeat it (or comma-separate
    /// in the variable) for several instances of the app: calls are spread over them, and a call one
    /// refuses goes to the next.
    #[arg(
        long,
        env = EMULATOR_UPSTREAM,
        default_value = DEFAULT_EMULATOR_UPSTREAM,
        value_delimiter = ','
    )]
    pub upstream: Vec<String>,
    /// Listen address.
    #[arg(long, env = EMULATOR_ADDRESS, default_value = DEFAULT_EMULATOR_ADDRESS)]
    pub address: SocketAddr,
    /// The URL clients and the app reach the emulator at, when it differs from the listen address
    /// (listening on 0.0.0.0 in a container): e.g. http://localhost:7072.
    #[arg(long, env = EMULATOR_ENDPOINT)]
    pub endpoint: Option<String>,
    /// Access key (random when not given).
    #[arg(long, env = EMULATOR_KEY)]
    pub access_key: Option<String>,
    /// Timeout of each webhook call, in seconds.
    #[arg(long, default_value_t = 30)]
    pub upstream_timeout: u64,
    /// Engine.IO ping interval, in milliseconds (Node socket.io's default).
    #[arg(long, env = EMULATOR_PING_INTERVAL_MS, default_value_t = 25_000)]
    pub ping_interval_ms: u64,
    /// Engine.IO ping timeout, in milliseconds (Node socket.io's default).
    #[arg(long, env = EMULATOR_PING_TIMEOUT_MS, default_value_t = 20_000)]
    pub ping_timeout_ms: u64,
    /// A namespace clients may connect to (repeat, or comma-separate in the variable); any when none
    /// is given.
    #[arg(long = "namespace", env = EMULATOR_NAMESPACES, value_delimiter = ',')]
    pub namespaces: Vec<String>,
    /// How long an event waits, in seconds, when no instance of the app takes it (every one refuses
    /// the connection: a restart, a crash), tried again every 200 ms; 0 (the default) fails it at once.
    #[arg(long, default_value_t = 0)]
    pub hold_secs: u64,
    /// Serve the Socket.IO Admin UI on namespace `/admin` of each hub (a development tool; without
    /// credentials only on a loopback address).
    #[arg(
        long,
        env = EMULATOR_ADMIN,
        value_parser = clap::builder::BoolishValueParser::new(),
        num_args = 0..=1,
        default_missing_value = "on",
        default_value = "off"
    )]
    pub admin: bool,
    /// The Admin UI's user name (with `--admin-password`).
    #[arg(long, env = EMULATOR_ADMIN_USER, requires = "admin_password")]
    pub admin_user: Option<String>,
    /// The Admin UI's password (at least 12 characters; with `--admin-user`).
    #[arg(long, env = EMULATOR_ADMIN_PASSWORD, requires = "admin_user", hide_env_values = true)]
    pub admin_password: Option<String>,
}

/// Logs at `info` unless `RUST_LOG` says otherwise: one line per connection and per upstream call.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .try_init();
}

/// Runs the emulator with `args` until Ctrl-C or SIGTERM, printing its endpoint, where events go
/// (without the webhook code) and the connection string for the app.
pub async fn run(args: Args) -> std::io::Result<()> {
    if args
        .access_key
        .as_deref()
        .is_some_and(|k| k.chars().count() < MIN_SECRET_CHARS)
    {
        return Err(std::io::Error::other(format!(
            "`--access-key` ({EMULATOR_KEY}) is shorter than {MIN_SECRET_CHARS} characters: use a long \
             random string (for example the output of `openssl rand -hex 32`)"
        )));
    }
    let emulator = Emulator::start(EmulatorConfig {
        address: args.address,
        public_endpoint: args.endpoint,
        access_key: args.access_key,
        upstream: args.upstream.first().cloned(),
        extra_upstreams: args.upstream.iter().skip(1).cloned().collect(),
        upstream_timeout: Duration::from_secs(args.upstream_timeout),
        ping_interval: Duration::from_millis(args.ping_interval_ms),
        ping_timeout: Duration::from_millis(args.ping_timeout_ms),
        namespaces: (!args.namespaces.is_empty()).then_some(args.namespaces),
        hold: (args.hold_secs > 0).then(|| Duration::from_secs(args.hold_secs)),
        admin: args.admin.then(|| AdminConfig {
            credentials: args.admin_user.zip(args.admin_password),
        }),
        ..EmulatorConfig::default()
    })
    .await?;
    #[allow(clippy::print_stdout)]
    {
        println!(
            "Web PubSub for Socket.IO emulator on {}",
            emulator.endpoint()
        );
        // The upstream's query carries the webhook code: not printed.
        for upstream in &args.upstream {
            println!("events go to {}", crate::redacted_url(upstream));
        }
        if args.admin {
            println!(
                "Socket.IO Admin UI (development only): open https://admin.socket.io or the ui/dist \
                 of npm @socket.io/admin-ui; Server URL {}, Advanced options: Path \
                 /clients/socketio/hubs/<hub>, Namespace {ADMIN_NAMESPACE}",
                emulator.endpoint()
            );
        }
        println!("connection string for the app (local development only):");
        println!(
            "  WebPubSubForSocketIOConnectionString=\"{}\"",
            emulator.connection_string()
        );
    }
    socketio_fn_server::shutdown_signal().await;
    emulator.stop().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Args;
    use clap::Parser;

    #[derive(Parser)]
    struct Program {
        #[command(flatten)]
        args: Args,
    }

    #[test]
    fn upstream_repeats_for_several_instances() {
        let program = Program::try_parse_from([
            "emulator",
            "--upstream",
            "http://127.0.0.1:7071/runtime/webhooks/socketio?code=x",
            "--upstream",
            "http://127.0.0.1:7072/runtime/webhooks/socketio",
        ])
        .unwrap();
        assert_eq!(
            program.args.upstream,
            [
                "http://127.0.0.1:7071/runtime/webhooks/socketio?code=x",
                "http://127.0.0.1:7072/runtime/webhooks/socketio"
            ]
        );
        let one = Program::try_parse_from(["emulator"]).unwrap();
        assert_eq!(
            one.args.upstream,
            [socketio_fn_protocol::setting_names::DEFAULT_EMULATOR_UPSTREAM]
        );
    }

    #[test]
    fn the_admin_ui_is_off_unless_asked_for_and_credentials_go_in_pairs() {
        let off = Program::try_parse_from(["emulator"]).unwrap();
        assert!(!off.args.admin);
        let on = Program::try_parse_from(["emulator", "--admin"]).unwrap();
        assert!(on.args.admin && on.args.admin_user.is_none());
        let named = Program::try_parse_from([
            "emulator",
            "--admin",
            "--admin-user",
            "ada",
            "--admin-password",
            "a long enough password",
        ])
        .unwrap();
        assert_eq!(named.args.admin_user.as_deref(), Some("ada"));
        assert!(Program::try_parse_from(["emulator", "--admin", "--admin-user", "ada"]).is_err());
    }
}
