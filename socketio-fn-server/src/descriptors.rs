//! The server's descriptor budget. Every connection holds a file descriptor, so a connection cap above
//! what the process may open is no cap: accepts fail first ("too many open files"), and the shedding of
//! silent connections, which waits for the cap, never starts. So at start the soft `RLIMIT_NOFILE` is
//! raised to the hard limit where the system allows, the cap is lowered to what the limit leaves after
//! [`RESERVED_DESCRIPTORS`], and an accept that still fails for lack of descriptors counts as being at
//! the cap (silent connections are shed, the loop backs off).

use std::io;

/// Descriptors kept for everything but accepted connections: the listener, outbound calls (REST calls,
/// key fetches, an embedded emulator's webhook calls), files, logs, and another server in the process.
pub const RESERVED_DESCRIPTORS: usize = 64;

/// The connections a server may hold at once, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionCap {
    /// The effective cap: `max_connections`, or less when the descriptor limit leaves less.
    pub connections: usize,
    /// The cap asked for (`ServerConfig::max_connections`).
    pub asked: usize,
    /// The soft descriptor limit after raising it (`None` where the platform has none).
    pub descriptors: Option<u64>,
}

impl ConnectionCap {
    /// Whether the descriptor limit lowered the cap.
    pub fn lowered(&self) -> bool {
        self.connections < self.asked
    }
}

/// Raises the soft descriptor limit to the hard limit where allowed, and derives the cap from it.
pub fn connection_cap(max_connections: usize) -> ConnectionCap {
    let descriptors = raised_limit();
    let connections = match descriptors {
        Some(limit) => {
            let usable = usize::try_from(limit)
                .unwrap_or(usize::MAX)
                .saturating_sub(RESERVED_DESCRIPTORS);
            max_connections.min(usable).max(1)
        }
        None => max_connections.max(1),
    };
    ConnectionCap {
        connections,
        asked: max_connections,
        descriptors,
    }
}

/// The cap of a server starting with `config`, logged: a warning when the descriptor limit lowers it,
/// else at debug.
pub(crate) fn logged_cap(config: &crate::ServerConfig) -> usize {
    let cap = connection_cap(config.max_connections);
    if cap.lowered() {
        tracing::warn!(
            server = config.name,
            max_connections = cap.connections,
            asked = cap.asked,
            descriptors = cap.descriptors,
            "the descriptor limit allows {} connections at once, not {} ({} kept for other uses)",
            cap.connections,
            cap.asked,
            RESERVED_DESCRIPTORS
        );
    } else {
        tracing::debug!(
            server = config.name,
            max_connections = cap.connections,
            descriptors = cap.descriptors,
            "connection cap"
        );
    }
    cap.connections
}

#[cfg(unix)]
fn raised_limit() -> Option<u64> {
    let (soft, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE).ok()?;
    // Raising to an unlimited hard limit is refused by Linux (above `nr_open`): keep the soft one.
    Some(rlimit::increase_nofile_limit(hard).unwrap_or(soft))
}

#[cfg(not(unix))]
fn raised_limit() -> Option<u64> {
    None
}

/// Whether an accept failed because the process or the system is out of descriptors.
pub(crate) fn exhausted(error: &io::Error) -> bool {
    #[cfg(unix)]
    {
        matches!(error.raw_os_error(), Some(libc::EMFILE | libc::ENFILE))
    }
    #[cfg(not(unix))]
    {
        let _ = error;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_leaves_the_reserve() {
        let cap = connection_cap(usize::MAX);
        if let Some(limit) = cap.descriptors {
            let limit = usize::try_from(limit).unwrap_or(usize::MAX);
            assert_eq!(
                cap.connections,
                limit.saturating_sub(RESERVED_DESCRIPTORS).max(1)
            );
            assert!(cap.lowered());
        }
        let small = connection_cap(10);
        assert_eq!(small.connections, 10);
        assert!(!small.lowered());
    }

    #[test]
    fn out_of_descriptors_is_told_apart() {
        #[cfg(unix)]
        {
            assert!(exhausted(&io::Error::from_raw_os_error(libc::EMFILE)));
            assert!(exhausted(&io::Error::from_raw_os_error(libc::ENFILE)));
            assert!(!exhausted(&io::Error::from_raw_os_error(
                libc::ECONNABORTED
            )));
        }
        assert!(!exhausted(&io::Error::other("reset")));
    }
}
