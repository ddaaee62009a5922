//! When to stop asking Redis: after a few failures in a row, requests skip it for a
//! cool-down and are answered from memory and the source of truth; after the cool-down
//! the next requests try again, and one failure reopens it. Sans-IO: the caller passes
//! the time.

use std::time::{Duration, Instant};

/// Failures in a row that open the breaker.
pub const TRIP_AFTER: u32 = 3;
/// How long an open breaker skips Redis.
pub const COOL_DOWN: Duration = Duration::from_secs(1);

#[derive(Debug, Default)]
pub struct Breaker {
    failures: u32,
    open_until: Option<Instant>,
}

/// What a reported outcome changed, for logging once per outage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    None,
    /// Redis has just been given up on.
    Opened,
    /// Redis answered again after having been given up on.
    Closed,
}

impl Breaker {
    /// Whether a request may try Redis now.
    pub fn allows(&self, now: Instant) -> bool {
        self.open_until.is_none_or(|t| now >= t)
    }

    pub fn succeeded(&mut self) -> Turn {
        let was_open = self.open_until.is_some();
        self.failures = 0;
        self.open_until = None;
        if was_open { Turn::Closed } else { Turn::None }
    }

    pub fn failed(&mut self, now: Instant) -> Turn {
        self.failures = self.failures.saturating_add(1);
        if self.failures < TRIP_AFTER {
            return Turn::None;
        }
        let was_open = self.open_until.is_some();
        self.open_until = Some(now + COOL_DOWN);
        if was_open { Turn::None } else { Turn::Opened }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_failures_in_a_row_retries_after_the_cool_down_and_closes_on_success() {
        let t0 = Instant::now();
        let mut b = Breaker::default();
        assert!(b.allows(t0));
        assert_eq!(b.failed(t0), Turn::None);
        assert_eq!(b.succeeded(), Turn::None, "a success resets the count");
        for _ in 1..TRIP_AFTER {
            assert_eq!(b.failed(t0), Turn::None);
        }
        assert_eq!(b.failed(t0), Turn::Opened);
        assert!(!b.allows(t0 + COOL_DOWN / 2), "skipped while cooling down");
        assert!(b.allows(t0 + COOL_DOWN), "tried again after");
        // Still failing: one failure reopens it, and that is no new outage.
        assert_eq!(b.failed(t0 + COOL_DOWN), Turn::None);
        assert!(!b.allows(t0 + COOL_DOWN + COOL_DOWN / 2));
        assert!(b.allows(t0 + 2 * COOL_DOWN));
        assert_eq!(b.succeeded(), Turn::Closed);
        assert!(b.allows(t0 + 2 * COOL_DOWN));
        assert_eq!(b.succeeded(), Turn::None);
    }
}
