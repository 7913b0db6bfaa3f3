//! `cargo socketio-fn`: start a socketio-fn app (`new`), package it as an Azure Functions custom
//! handler (`functions`), run the local emulator of Azure Web PubSub for Socket.IO (`emulator`), write
//! the app's contract for clients (`types`, `asyncapi`).

mod bindings;
mod contract;
mod dev;
mod functions;
mod new;
mod package;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Cargo runs `cargo-socketio-fn socketio-fn <args>` for `cargo socketio-fn <args>`.
#[derive(Parser)]
#[command(name = "cargo", bin_name = "cargo")]
enum Cargo {
    /// Serverless Socket.IO apps on Azure Web PubSub for Socket.IO, with socketio-fn.
    #[command(name = "socketio-fn", version, about)]
    SocketioFn {
        #[command(subcommand)]
        command: Command,
    },
}

#[derive(Subcommand)]
enum Command {
    /// Write a new app: negotiation, connect, an acked event with an output action, a test.
    New(new::Args),
    /// Build the app in release and write an Azure Functions custom-handler folder (and zip).
    Functions(functions::Args),
    /// Run the app with the emulator, rebuild it on every change and swap the new build in while the
    /// clients stay connected.
    Dev(dev::Args),
    /// Write the app's events as TypeScript for socket.io-client (`Socket<ServerToClientEvents,
    /// ClientToServerEvents>`), from the app itself.
    Types(contract::Args),
    /// Write the app's events as an AsyncAPI 3.0 document (JSON), from the app itself.
    Asyncapi(contract::Args),
    /// Run the standalone emulator of the service (the flags of `socketio-fn-emulator`).
    Emulator {
        #[command(flatten)]
        args: socketio_fn_emulator::cli::Args,
    },
}

fn main() -> ExitCode {
    let Cargo::SocketioFn { command } = Cargo::parse();
    let result = match command {
        Command::New(args) => new::run(&args),
        Command::Functions(args) => functions::run(&args),
        Command::Dev(args) => dev::run(&args),
        Command::Types(args) => contract::run(&args, contract::Format::TypeScript),
        Command::Asyncapi(args) => contract::run(&args, contract::Format::AsyncApi),
        Command::Emulator { args } => emulator(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn emulator(args: socketio_fn_emulator::cli::Args) -> Result<(), String> {
    socketio_fn_emulator::cli::init_logging();
    let runtime = tokio::runtime::Runtime::new().map_err(|e| format!("cannot start tokio: {e}"))?;
    runtime
        .block_on(socketio_fn_emulator::cli::run(args))
        .map_err(|e| e.to_string())
}
