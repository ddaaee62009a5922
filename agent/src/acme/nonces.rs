//! Replay nonces (RFC 8555 6.5): random, single-use, forgotten after an hour, at most
//! [`MAX_LIVE`] outstanding (the oldest go first). Local to one coordinator: a client that
//! brings a nonce to another gets `badNonce` and a fresh nonce, and retries. Pure: callers
//! pass the time.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use rand::RngCore;

pub const MAX_LIVE: usize = 100_000;
pub const LIFETIME: Duration = Duration::from_secs(3600);

#[derive(Debug, Default)]
pub struct Nonces {
    inner: Mutex<Live>,
}

#[derive(Debug, Default)]
struct Live {
    set: HashSet<[u8; 16]>,
    /// Issue order, for expiry and the bound.
    queue: VecDeque<([u8; 16], Instant)>,
}

impl Live {
    /// Drops stale nonces, and the oldest while the queue is full (used ones stay queued
    /// until their turn, so the queue bounds both).
    fn expire(&mut self, now: Instant) {
        while let Some(&(nonce, at)) = self.queue.front() {
            if now.saturating_duration_since(at) < LIFETIME && self.queue.len() < MAX_LIVE {
                break;
            }
            self.queue.pop_front();
            self.set.remove(&nonce);
        }
    }
}

impl Nonces {
    pub fn issue(&self, now: Instant) -> String {
        let mut raw = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut raw);
        let mut live = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        live.expire(now);
        live.set.insert(raw);
        live.queue.push_back((raw, now));
        B64.encode(raw)
    }

    /// Whether `nonce` was issued here, is not stale and was not used before; uses it.
    pub fn consume(&self, nonce: &str, now: Instant) -> bool {
        let Ok(raw) = B64.decode(nonce) else {
            return false;
        };
        let Ok(raw) = <[u8; 16]>::try_from(raw) else {
            return false;
        };
        let mut live = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        live.expire(now);
        live.set.remove(&raw)
    }

    #[cfg(test)]
    fn live(&self) -> usize {
        self.inner.lock().unwrap().set.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonce_works_once_and_not_after_its_lifetime() {
        let nonces = Nonces::default();
        let t0 = Instant::now();
        let a = nonces.issue(t0);
        assert!(nonces.consume(&a, t0));
        assert!(!nonces.consume(&a, t0), "replayed");
        let b = nonces.issue(t0);
        assert!(!nonces.consume(&b, t0 + LIFETIME), "stale");
        assert!(!nonces.consume("not base64!", t0));
        assert!(!nonces.consume("AAAA", t0));
        assert!(!nonces.consume(&B64.encode([0u8; 16]), t0), "never issued");
    }

    #[test]
    fn outstanding_nonces_are_bounded() {
        let nonces = Nonces::default();
        let t0 = Instant::now();
        let first = nonces.issue(t0);
        for _ in 0..MAX_LIVE + 10 {
            nonces.issue(t0);
        }
        assert!(nonces.live() <= MAX_LIVE);
        assert!(!nonces.consume(&first, t0), "the oldest went first");
        let last = nonces.issue(t0);
        assert!(nonces.consume(&last, t0));
    }
}
