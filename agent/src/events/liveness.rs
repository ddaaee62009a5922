//! When a live-event socket pings its client, and when it gives up on one (pure: the
//! times come in). A client that answers nothing (no pong, no message) for
//! [`DEAD_AFTER`] is gone; a quiet socket is pinged every [`PING_EVERY`], which also keeps
//! proxies and NAT from dropping it.

use std::time::Duration;

pub const PING_EVERY: Duration = Duration::from_secs(20);
pub const DEAD_AFTER: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Nothing to do until this much later.
    Wait(Duration),
    Ping,
    /// Close: the client stopped answering.
    Close,
}

/// Times are milliseconds on any monotonic clock.
#[derive(Debug, Clone, Copy)]
pub struct Liveness {
    heard_ms: u64,
    pinged_ms: u64,
}

impl Liveness {
    pub fn new(now_ms: u64) -> Self {
        Self {
            heard_ms: now_ms,
            pinged_ms: now_ms,
        }
    }

    /// The client sent something (a pong counts).
    pub fn heard(&mut self, now_ms: u64) {
        self.heard_ms = self.heard_ms.max(now_ms);
    }

    pub fn pinged(&mut self, now_ms: u64) {
        self.pinged_ms = self.pinged_ms.max(now_ms);
    }

    pub fn step(&self, now_ms: u64) -> Step {
        let dead_at = self.heard_ms + DEAD_AFTER.as_millis() as u64;
        if now_ms >= dead_at {
            return Step::Close;
        }
        let ping_at = self.heard_ms.max(self.pinged_ms) + PING_EVERY.as_millis() as u64;
        if now_ms >= ping_at {
            return Step::Ping;
        }
        Step::Wait(Duration::from_millis(ping_at.min(dead_at) - now_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quiet_client_is_pinged_and_an_unanswering_one_closed() {
        let mut l = Liveness::new(0);
        assert_eq!(l.step(0), Step::Wait(PING_EVERY));
        assert_eq!(l.step(20_000), Step::Ping);
        l.pinged(20_000);
        assert_eq!(l.step(20_001), Step::Wait(Duration::from_millis(19_999)));
        l.heard(25_000); // the pong
        assert_eq!(l.step(40_000), Step::Wait(Duration::from_millis(5_000)));
        assert_eq!(l.step(45_000), Step::Ping);
        l.pinged(45_000);
        l.pinged(65_000);
        assert_eq!(l.step(84_999), Step::Wait(Duration::from_millis(1)));
        assert_eq!(l.step(85_000), Step::Close, "60 s since the last pong");
    }
}
