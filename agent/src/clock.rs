//! The agent's clock for protocol cores: wall-anchored milliseconds that advance with the
//! monotonic clock, so the value never jumps yet agrees across well-synchronised hosts.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use p2p_gossip::Millis;

/// Milliseconds since the Unix epoch, advanced by the monotonic clock: never jumps, and
/// agrees across well-synchronised hosts (the probe schedule aligns rounds on it).
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    base_ms: u64,
    start: Instant,
}

impl Clock {
    pub fn new() -> Clock {
        let base_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        Clock {
            base_ms,
            start: Instant::now(),
        }
    }

    pub fn now(&self) -> Millis {
        self.base_ms + self.start.elapsed().as_millis() as u64
    }

    pub fn instant_at(&self, at: Millis) -> Instant {
        self.start + std::time::Duration::from_millis(at.saturating_sub(self.base_ms))
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new()
    }
}
