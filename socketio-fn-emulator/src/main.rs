//! `socketio-fn-emulator`: the local Web PubSub for Socket.IO emulator as a program, for apps in any
//! language (see `docs/emulator.md`).

use clap::Parser;

/// A local emulator of Azure Web PubSub for Socket.IO (serverless mode).
#[derive(Parser)]
#[command(version, about)]
struct Program {
    #[command(flatten)]
    args: socketio_fn_emulator::cli::Args,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    socketio_fn_emulator::cli::init_logging();
    socketio_fn_emulator::cli::run(Program::parse().args).await
}
