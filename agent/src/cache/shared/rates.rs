//! Cluster-wide request budgets in Redis: a GCRA bucket per class and caller on the
//! server's clock, leased to each coordinator a tenth of the burst at a time so that most
//! requests cost no round trip.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::Shared;

/// Callers with a lease at most; a lease may be spent this long after it was taken, and
/// a caller's is forgotten after as long without a request.
const LEASED_BUCKETS: u64 = 100_000;
const LEASE_KEPT_MS: u64 = 1_000;
const LEASE_IDLE: Duration = Duration::from_secs(10);

/// Token bucket (GCRA) on the server's clock, so coordinators share one timeline: spends
/// up to ARGV[3] requests at once (a lease the coordinator then spends locally). Answers
/// how many were spent, or minus the milliseconds until one may go.
pub(super) const GCRA: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local room = math.floor((now + interval * burst - tat) / interval)
if room < 1 then return -math.ceil(tat - interval * (burst - 1) - now) end
local n = math.min(want, room)
local next = tat + interval * n
redis.call('SET', KEYS[1], tostring(next), 'PX', math.ceil(next - now) + 1000)
return n
";

/// Requests of one cluster-wide budget this coordinator took from Redis in advance, to
/// spend until `until` (milliseconds on `Shared::started`).
#[derive(Debug, Default)]
pub(super) struct Lease {
    left: AtomicU32,
    until: AtomicU64,
    refill: tokio::sync::Mutex<()>,
}

impl Lease {
    fn take_one(&self, now: u64) -> bool {
        now < self.until.load(Ordering::Acquire)
            && self
                .left
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                .is_ok()
    }

    fn refilled(&self, left: u32, until: u64) {
        self.left.store(left, Ordering::Relaxed);
        self.until.store(until, Ordering::Release);
    }
}

pub(super) fn leases() -> moka::sync::Cache<String, Arc<Lease>> {
    moka::sync::Cache::builder()
        .max_capacity(LEASED_BUCKETS)
        .time_to_idle(LEASE_IDLE)
        .build()
}

impl Shared {
    /// Spends one request of a cluster-wide budget (`bucket` names the class and caller):
    /// `Some(Ok)` allowed, `Some(Err(wait))` over budget, `None`: Redis did not answer (the
    /// caller's own limiter is the floor). Budgets with a burst of 20 or more are leased a
    /// tenth of the burst at a time, spent here within a second, so most requests cost no
    /// round trip; a caller may so exceed the cluster's budget by one lease per coordinator.
    pub async fn take(
        &self,
        bucket: &str,
        per_minute: u32,
        burst: u32,
    ) -> Option<Result<(), Duration>> {
        let size = (burst / 10).max(1);
        if size == 1 {
            return self
                .spend(bucket, per_minute, burst, 1)
                .await
                .map(|r| r.map(|_| ()));
        }
        let lease = self
            .leases
            .get_with_by_ref(bucket, || Arc::new(Lease::default()));
        let now = || u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        if lease.take_one(now()) {
            self.rates.hit();
            return Some(Ok(()));
        }
        // One refill at a time per bucket: the others wait for it instead of each
        // leasing (and wasting) a share of the budget.
        let _refilling = lease.refill.lock().await;
        if lease.take_one(now()) {
            self.rates.hit();
            return Some(Ok(()));
        }
        let spent = self.spend(bucket, per_minute, burst, size).await?;
        let until = now().saturating_add(LEASE_KEPT_MS);
        Some(spent.map(|n| lease.refilled(n.saturating_sub(1), until)))
    }

    /// Spends up to `want` requests of a cluster-wide budget in Redis: how many, or how
    /// long until one may go.
    async fn spend(
        &self,
        bucket: &str,
        per_minute: u32,
        burst: u32,
        want: u32,
    ) -> Option<Result<u32, Duration>> {
        let Some(mut conn) = self.usable() else {
            self.rates.miss();
            return None;
        };
        let digest = Sha256::digest(bucket.as_bytes());
        let key = format!("{}rl:{}", self.prefix, hex::encode(&digest[..12]));
        let interval_ms = 60_000.0 / f64::from(per_minute.max(1));
        let mut invocation = self.gcra.key(key);
        invocation.arg(interval_ms).arg(burst.max(1)).arg(want);
        let spent: Option<i64> = self
            .call(&self.rates, invocation.invoke_async(&mut conn))
            .await;
        let Some(spent) = spent else {
            self.rates.miss();
            return None;
        };
        self.rates.hit();
        if spent <= 0 {
            return Some(Err(Duration::from_millis(spent.unsigned_abs().max(1))));
        }
        Some(Ok(u32::try_from(spent).unwrap_or(want)))
    }
}
