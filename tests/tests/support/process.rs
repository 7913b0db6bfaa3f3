//! Ports and child processes for tests that start programs, with nothing but std: included (through
//! `#[path]`) by the end-to-end harness and by tests of packages that cannot depend on the facade
//! (the emulator's) or do not need it (the tool's).
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::process::Child;

/// A loopback port that was free a moment ago, for a program a test starts (it binds the port
/// itself).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process, killed (and reaped) when dropped, so that a failing test leaves nothing running.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
