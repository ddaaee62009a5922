//! The one retry schedule: exponential backoff with ±50 % jitter (1 s, 2 s, 4 s … capped),
//! for every loop that retries a peer (enrolment, renewal, the followers, log shipping).
//! [`backoff_delay`] is the pure schedule; [`Backoff`] keeps the attempt count.

use std::time::Duration;

/// The delay before retry number `attempt` (0 = the first retry). `jitter` in [0, 1) picks
/// the point in the ±50 % band, so the schedule is a pure function.
pub fn backoff_delay(attempt: u32, jitter: f64, max: Duration) -> Duration {
    let base = Duration::from_secs(1)
        .saturating_mul(1u32 << attempt.min(16))
        .min(max);
    base.mul_f64(0.5 + jitter.clamp(0.0, 1.0))
}

/// Consecutive failures of one loop, and the delay the next retry waits.
#[derive(Debug, Clone)]
pub struct Backoff {
    attempt: u32,
    max: Duration,
}

impl Backoff {
    pub fn new(max: Duration) -> Self {
        Self { attempt: 0, max }
    }

    /// The delay before the next attempt (randomly jittered); counts a failure.
    pub fn next_delay(&mut self) -> Duration {
        let d = backoff_delay(self.attempt, rand::random::<f64>(), self.max);
        self.attempt = self.attempt.saturating_add(1);
        d
    }

    /// After a success: the next failure waits the shortest delay again.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// Failures since the last success.
    pub fn failures(&self) -> u32 {
        self.attempt
    }

    /// Waits out the next delay, or returns false at once if `shutdown` fires first.
    pub async fn wait(&mut self, shutdown: &mut tokio::sync::watch::Receiver<bool>) -> bool {
        let delay = self.next_delay();
        tokio::select! {
            _ = shutdown.changed() => false,
            _ = tokio::time::sleep(delay) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_caps_and_jitters() {
        let max = Duration::from_secs(60);
        assert_eq!(backoff_delay(0, 0.5, max), Duration::from_secs(1));
        assert_eq!(backoff_delay(3, 0.5, max), Duration::from_secs(8));
        assert_eq!(backoff_delay(30, 0.5, max), max);
        assert_eq!(backoff_delay(3, 0.0, max), Duration::from_secs(4));
        assert_eq!(backoff_delay(3, 0.999, max).as_secs(), 11);
    }

    #[test]
    fn counts_failures_and_resets() {
        let mut b = Backoff::new(Duration::from_secs(4));
        for _ in 0..5 {
            assert!(b.next_delay() <= Duration::from_secs(6));
        }
        assert_eq!(b.failures(), 5);
        b.reset();
        assert_eq!(b.failures(), 0);
        assert!(b.next_delay() <= Duration::from_millis(1500));
    }
}
