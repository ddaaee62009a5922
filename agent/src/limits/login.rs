//! Password guessing: at most a few Argon2 checks run at once (each costs tens of MiB and
//! milliseconds of a core), and an account that keeps failing must wait longer before each
//! next try, whoever tries. The wait is per account name, not per source, so spreading a
//! guess over many addresses gains nothing; it grows with consecutive failures but stops
//! at a minute, so the real user is delayed, never locked out, and a success resets it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::time::Instant;

/// Failures in a row that cost nothing.
const FREE_FAILURES: u32 = 3;
const MAX_WAIT: Duration = Duration::from_secs(60);
/// A name with no failure for this long is forgotten.
const FORGET_AFTER: Duration = Duration::from_secs(15 * 60);
/// Names remembered at most; past it the stalest go first.
const MAX_NAMES: usize = 10_000;
/// How long a login waits for a hashing slot before it is refused.
const QUEUE_WAIT: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

/// The wait after `count` failures in a row: none for the first few, then 1 s doubling up
/// to [`MAX_WAIT`].
pub fn backoff(count: u32) -> Duration {
    if count < FREE_FAILURES {
        return Duration::ZERO;
    }
    let doublings = (count - FREE_FAILURES).min(16);
    Duration::from_secs(1u64 << doublings).min(MAX_WAIT)
}

pub struct LoginGuard {
    hashing: Semaphore,
    failures: Mutex<HashMap<String, Failures>>,
    failed: AtomicU64,
    refused: AtomicU64,
}

/// Why a login was not even tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotNow {
    /// This account failed too often lately; try again after this long.
    Backoff(Duration),
    /// Every hashing slot stayed busy.
    Busy,
}

impl LoginGuard {
    /// `concurrent` hashing slots (0: one per core).
    pub fn new(concurrent: usize) -> LoginGuard {
        let slots = if concurrent == 0 {
            std::thread::available_parallelism().map_or(2, |n| n.get())
        } else {
            concurrent
        };
        LoginGuard {
            hashing: Semaphore::new(slots),
            failures: Mutex::new(HashMap::new()),
            failed: AtomicU64::new(0),
            refused: AtomicU64::new(0),
        }
    }

    /// May `user` try now? If so, a hashing slot to hold while the password is checked.
    pub async fn admit(&self, user: &str) -> Result<SemaphorePermit<'_>, NotNow> {
        if let Some(wait) = self.wait_for(user, Instant::now()) {
            self.refused.fetch_add(1, Ordering::Relaxed);
            return Err(NotNow::Backoff(wait));
        }
        match tokio::time::timeout(QUEUE_WAIT, self.hashing.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => {
                self.refused.fetch_add(1, Ordering::Relaxed);
                Err(NotNow::Busy)
            }
        }
    }

    /// How long `user` must still wait, if at all.
    pub fn wait_for(&self, user: &str, now: Instant) -> Option<Duration> {
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let f = failures.get(user)?;
        let until = f.last + backoff(f.count);
        (until > now).then(|| until - now)
    }

    pub fn failed(&self, user: &str, now: Instant) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if failures.len() >= MAX_NAMES && !failures.contains_key(user) {
            failures.retain(|_, f| now.duration_since(f.last) < FORGET_AFTER);
            if failures.len() >= MAX_NAMES
                && let Some(stalest) = failures
                    .iter()
                    .min_by_key(|(_, f)| f.last)
                    .map(|(k, _)| k.clone())
            {
                failures.remove(&stalest);
            }
        }
        let f = failures.entry(user.to_string()).or_insert(Failures {
            count: 0,
            last: now,
        });
        if now.duration_since(f.last) >= FORGET_AFTER {
            f.count = 0;
        }
        f.count += 1;
        f.last = now;
    }

    pub fn succeeded(&self, user: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(user);
    }

    /// Failed password checks so far.
    pub fn failed_total(&self) -> u64 {
        self.failed.load(Ordering::Relaxed)
    }

    /// Logins refused before any check (backoff or no free slot).
    pub fn refused_total(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_grows_with_failures_and_stops_at_a_minute() {
        assert_eq!(backoff(0), Duration::ZERO);
        assert_eq!(backoff(FREE_FAILURES - 1), Duration::ZERO);
        assert_eq!(backoff(FREE_FAILURES), Duration::from_secs(1));
        assert_eq!(backoff(FREE_FAILURES + 3), Duration::from_secs(8));
        assert_eq!(backoff(FREE_FAILURES + 10), MAX_WAIT);
        assert_eq!(backoff(u32::MAX), MAX_WAIT);
    }

    #[tokio::test(start_paused = true)]
    async fn failures_delay_only_that_account_and_success_resets() {
        let g = LoginGuard::new(1);
        let t0 = Instant::now();
        for _ in 0..FREE_FAILURES + 2 {
            g.failed("admin", t0);
        }
        assert_eq!(g.wait_for("admin", t0), Some(Duration::from_secs(4)));
        assert_eq!(
            g.wait_for("alice", t0),
            None,
            "another account is unaffected"
        );
        assert!(matches!(g.admit("admin").await, Err(NotNow::Backoff(_))));
        assert!(g.admit("alice").await.is_ok());
        tokio::time::advance(Duration::from_secs(4)).await;
        assert!(g.admit("admin").await.is_ok(), "the wait ends");
        g.succeeded("admin");
        assert_eq!(g.wait_for("admin", Instant::now()), None);
        assert_eq!(g.failed_total(), u64::from(FREE_FAILURES) + 2);
    }

    #[tokio::test(start_paused = true)]
    async fn hashing_slots_are_bounded_and_a_queue_times_out() {
        let g = LoginGuard::new(1);
        let held = g.admit("a").await.unwrap();
        let started = Instant::now();
        assert_eq!(g.admit("b").await.err(), Some(NotNow::Busy));
        assert_eq!(started.elapsed(), QUEUE_WAIT);
        drop(held);
        assert!(g.admit("b").await.is_ok());
        assert_eq!(g.refused_total(), 1);
    }

    #[test]
    fn remembered_names_are_bounded() {
        let g = LoginGuard::new(1);
        let t0 = Instant::now();
        for i in 0..MAX_NAMES + 50 {
            g.failed(&format!("user{i}"), t0 + Duration::from_millis(i as u64));
        }
        let failures = g.failures.lock().unwrap();
        assert!(failures.len() <= MAX_NAMES, "{}", failures.len());
        assert!(!failures.contains_key("user0"), "the stalest went first");
        assert!(failures.contains_key(&format!("user{}", MAX_NAMES + 49)));
    }
}
