//! Request budgets: a token bucket (GCRA, governor) per caller and route class, and a cap
//! on concurrent streams per caller. A caller is who the request proves to be (a user, a
//! node) or, without proof, its source address; never what a header claims.
//!
//! Memory is bounded: a sweep forgets callers whose bucket is full again, and past
//! `max_tracked` callers in a class, new source addresses share one bucket, so a flood from
//! many addresses costs a bounded map, not one entry per address.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

pub use crate::config::limits::{Class, Rate};
use crate::limits::admission::source_key;

/// Who a budget belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Caller {
    User(String),
    Node(String),
    /// No verified identity: the source address (IPv6 by /64).
    Addr(IpAddr),
    /// A join token, by id (enrolment is limited per token as well as per source).
    Token(String),
    /// An ACME account (by id): its requests, whatever address they come from.
    AcmeAccount(String),
    /// Every new source address once a class tracks `max_tracked` callers.
    Crowd,
}

impl Caller {
    pub fn addr(ip: IpAddr) -> Caller {
        Caller::Addr(source_key(ip))
    }

    /// Callers whose number a stranger controls.
    fn unbounded(&self) -> bool {
        matches!(self, Caller::Addr(_) | Caller::Token(_))
    }
}

impl std::fmt::Display for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Caller::User(u) => write!(f, "user {u}"),
            Caller::Node(n) => write!(f, "node {n}"),
            Caller::Addr(a) => write!(f, "{a}"),
            Caller::Token(t) => write!(f, "token {t}"),
            Caller::AcmeAccount(a) => write!(f, "ACME account {a}"),
            Caller::Crowd => f.write_str("new addresses"),
        }
    }
}

/// A refused request: which budget, and when to come back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limited {
    pub class: &'static str,
    pub retry_after: Duration,
    /// Requests per minute and burst of the budget; `None` for a concurrency cap.
    pub rate: Option<Rate>,
    pub reason: String,
}

type Keyed<C> =
    RateLimiter<Caller, DefaultKeyedStateStore<Caller>, C, NoOpMiddleware<<C as Clock>::Instant>>;

struct Bucket<C: Clock> {
    class: Class,
    rate: Rate,
    limiter: Keyed<C>,
    allowed: AtomicU64,
    limited: AtomicU64,
}

/// Counters of one class, for operators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassStats {
    pub class: &'static str,
    pub allowed: u64,
    pub limited: u64,
    pub tracked: usize,
}

pub struct Budgets<C: Clock = DefaultClock> {
    buckets: Vec<Bucket<C>>,
    clock: C,
    max_tracked: usize,
}

fn quota(rate: Rate) -> Quota {
    let n = |v: u32| NonZeroU32::new(v.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(n(rate.per_minute)).allow_burst(n(rate.burst))
}

impl Budgets<DefaultClock> {
    pub fn new(rates: impl Fn(Class) -> Rate, max_tracked: usize) -> Self {
        Self::with_clock(rates, max_tracked, DefaultClock::default())
    }
}

impl<C: Clock + Clone> Budgets<C> {
    pub fn with_clock(rates: impl Fn(Class) -> Rate, max_tracked: usize, clock: C) -> Self {
        let buckets = Class::ALL
            .iter()
            .map(|&class| {
                let rate = rates(class);
                Bucket {
                    class,
                    rate,
                    limiter: RateLimiter::new(
                        quota(rate),
                        DefaultKeyedStateStore::default(),
                        clock.clone(),
                    ),
                    allowed: AtomicU64::new(0),
                    limited: AtomicU64::new(0),
                }
            })
            .collect();
        Budgets {
            buckets,
            clock,
            max_tracked,
        }
    }

    fn bucket(&self, class: Class) -> Option<&Bucket<C>> {
        self.buckets.iter().find(|b| b.class == class)
    }

    /// Spends one request of `caller`'s budget in `class`.
    pub fn check(&self, class: Class, caller: &Caller) -> Result<(), Limited> {
        let Some(b) = self.bucket(class) else {
            return Ok(());
        };
        let crowd = caller.unbounded() && b.limiter.len() >= self.max_tracked;
        let key = if crowd { &Caller::Crowd } else { caller };
        match b.limiter.check_key(key) {
            Ok(()) => {
                b.allowed.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }
            Err(not_until) => {
                b.limited.fetch_add(1, Ordering::Relaxed);
                let wait = not_until.wait_time_from(self.clock.now());
                Err(Limited {
                    class: class.name(),
                    retry_after: wait,
                    rate: Some(b.rate),
                    reason: format!(
                        "{} requests of {key} are over their budget ({} per minute, burst {})",
                        class.name(),
                        b.rate.per_minute,
                        b.rate.burst
                    ),
                })
            }
        }
    }

    /// A request this node's budget allowed but the cluster-wide one (shared by the
    /// coordinators) refused: counted as refused, and why.
    pub fn refused_cluster_wide(&self, class: Class, caller: &Caller, wait: Duration) -> Limited {
        let rate = self.bucket(class).map(|b| {
            b.allowed.fetch_sub(1, Ordering::Relaxed);
            b.limited.fetch_add(1, Ordering::Relaxed);
            b.rate
        });
        Limited {
            class: class.name(),
            retry_after: wait,
            rate,
            reason: match rate {
                Some(r) => format!(
                    "{} requests of {caller} are over their budget across the coordinators ({} per minute, burst {})",
                    class.name(),
                    r.per_minute,
                    r.burst
                ),
                None => format!(
                    "{} requests of {caller} are over their budget across the coordinators",
                    class.name()
                ),
            },
        }
    }

    /// Forgets callers whose budget is full again; run it every few seconds.
    pub fn sweep(&self) {
        for b in &self.buckets {
            b.limiter.retain_recent();
            b.limiter.shrink_to_fit();
        }
    }

    pub fn stats(&self) -> Vec<ClassStats> {
        self.buckets
            .iter()
            .map(|b| ClassStats {
                class: b.class.name(),
                allowed: b.allowed.load(Ordering::Relaxed),
                limited: b.limited.load(Ordering::Relaxed),
                tracked: b.limiter.len(),
            })
            .collect()
    }

    /// Refusals so far, over every class.
    pub fn limited_total(&self) -> u64 {
        self.buckets
            .iter()
            .map(|b| b.limited.load(Ordering::Relaxed))
            .sum()
    }
}

/// Concurrent long-lived streams (log follows, later WebSockets) or expensive queries: at
/// most `per_caller` each and `total` in all.
pub struct Streams {
    class: &'static str,
    per_caller: usize,
    total: usize,
    open: Mutex<HashMap<Caller, usize>>,
    refused: AtomicU64,
}

/// One open stream; dropping it frees the slot.
pub struct StreamSlot {
    streams: Arc<Streams>,
    caller: Caller,
}

impl Streams {
    /// `class` names the cap in refusals (`stream`, `query`).
    pub fn new(class: &'static str, per_caller: usize, total: usize) -> Arc<Streams> {
        Arc::new(Streams {
            class,
            per_caller,
            total,
            open: Mutex::new(HashMap::new()),
            refused: AtomicU64::new(0),
        })
    }

    pub fn open(self: &Arc<Self>, caller: &Caller) -> Result<StreamSlot, Limited> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let total: usize = open.values().sum();
        let mine = open.get(caller).copied().unwrap_or(0);
        let reason = if mine >= self.per_caller {
            Some(format!(
                "{caller} has {mine} {}s open, the most one caller may",
                self.class
            ))
        } else if total >= self.total {
            Some(format!(
                "this node serves {total} {}s, its most",
                self.class
            ))
        } else {
            None
        };
        if let Some(reason) = reason {
            self.refused.fetch_add(1, Ordering::Relaxed);
            return Err(Limited {
                class: self.class,
                retry_after: Duration::from_secs(5),
                rate: None,
                reason,
            });
        }
        *open.entry(caller.clone()).or_insert(0) += 1;
        Ok(StreamSlot {
            streams: self.clone(),
            caller: caller.clone(),
        })
    }

    pub fn open_count(&self) -> usize {
        self.open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .sum()
    }

    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.streams.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.caller) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.caller);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;

    fn budgets(clock: &FakeRelativeClock, max_tracked: usize) -> Budgets<FakeRelativeClock> {
        Budgets::with_clock(
            |class| match class {
                Class::Read => Rate {
                    per_minute: 60,
                    burst: 3,
                },
                _ => Rate {
                    per_minute: 600,
                    burst: 100,
                },
            },
            max_tracked,
            clock.clone(),
        )
    }

    fn user(name: &str) -> Caller {
        Caller::User(name.into())
    }

    #[test]
    fn a_burst_then_one_per_refill_interval() {
        let clock = FakeRelativeClock::default();
        let b = budgets(&clock, 100);
        for _ in 0..3 {
            b.check(Class::Read, &user("alice")).unwrap();
        }
        let refused = b.check(Class::Read, &user("alice")).unwrap_err();
        assert_eq!(refused.class, "read");
        assert_eq!(refused.retry_after, Duration::from_secs(1));
        clock.advance(Duration::from_millis(999));
        assert!(b.check(Class::Read, &user("alice")).is_err());
        clock.advance(Duration::from_millis(1));
        assert!(b.check(Class::Read, &user("alice")).is_ok());
    }

    #[test]
    fn callers_and_classes_have_their_own_budgets() {
        let clock = FakeRelativeClock::default();
        let b = budgets(&clock, 100);
        for _ in 0..3 {
            b.check(Class::Read, &user("alice")).unwrap();
        }
        assert!(b.check(Class::Read, &user("alice")).is_err());
        assert!(
            b.check(Class::Read, &user("bob")).is_ok(),
            "bob is not alice"
        );
        assert!(
            b.check(Class::Write, &user("alice")).is_ok(),
            "writes count apart"
        );
        let stats = b.stats();
        let read = stats.iter().find(|s| s.class == "read").unwrap();
        assert_eq!((read.allowed, read.limited, read.tracked), (4, 1, 2));
    }

    #[test]
    fn past_the_cap_new_addresses_share_one_budget() {
        let clock = FakeRelativeClock::default();
        let b = budgets(&clock, 4);
        for i in 0..4u8 {
            b.check(Class::Read, &Caller::addr(IpAddr::from([192, 0, 2, i])))
                .unwrap();
        }
        // The map is full: every further address draws from the crowd's bucket.
        for i in 10..13u8 {
            b.check(Class::Read, &Caller::addr(IpAddr::from([192, 0, 2, i])))
                .unwrap();
        }
        let err = b
            .check(Class::Read, &Caller::addr(IpAddr::from([192, 0, 2, 99])))
            .unwrap_err();
        assert!(err.reason.contains("new addresses"), "{}", err.reason);
        // A signed-in user is never pushed into the crowd.
        assert!(b.check(Class::Read, &user("alice")).is_ok());
        // Once the buckets are full again the sweep forgets them all.
        clock.advance(Duration::from_secs(60));
        b.sweep();
        assert_eq!(b.stats().iter().map(|s| s.tracked).sum::<usize>(), 0);
    }

    #[test]
    fn streams_per_caller_and_in_all() {
        let s = Streams::new("stream", 2, 3);
        let a1 = s.open(&user("alice")).unwrap();
        let _a2 = s.open(&user("alice")).unwrap();
        let err = s.open(&user("alice")).err().unwrap();
        assert_eq!(err.class, "stream");
        let _b1 = s.open(&user("bob")).unwrap();
        assert!(s.open(&user("carol")).is_err(), "three in all");
        drop(a1);
        assert!(s.open(&user("carol")).is_ok());
        assert_eq!(s.refused(), 2);
    }
}
