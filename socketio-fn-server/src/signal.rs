//! The signals that stop a server: SIGTERM (container platforms, the Functions host) and SIGINT
//! (Ctrl-C). The app and the emulator stop on the same two.

/// Which signal asked the process to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShutdownSignal {
    /// SIGINT (Ctrl-C).
    Interrupt,
    /// SIGTERM.
    Terminate,
}

/// Completes on SIGTERM or SIGINT (Ctrl-C), saying which. A signal that cannot be listened for is
/// never reported (the other one still is).
pub async fn shutdown_signal() -> ShutdownSignal {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => ShutdownSignal::Interrupt,
        () = terminate => ShutdownSignal::Terminate,
    }
}
