//! In-memory caches (L1): each bounded by the bytes its entries weigh, with counters an
//! operator can read (`GET /v1/cache`, `/metrics`, `p2pctl cluster cache-stats`). What
//! invalidates each cache is listed in ARCHITECTURE.md ("Caches").

mod breaker;
mod coalesced;
pub mod envelope;
pub mod shared;

pub use coalesced::Coalesced;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use moka::notification::RemovalCause;
use p2p_shared::api::CacheStats;

/// Hits, misses and removals of one cache.
#[derive(Debug, Default)]
pub struct Counters {
    hits: AtomicU64,
    misses: AtomicU64,
    evictions: AtomicU64,
    expirations: AtomicU64,
    invalidations: AtomicU64,
    redis_errors: AtomicU64,
    rejected: AtomicU64,
}

impl Counters {
    pub fn hit(&self) {
        self.hits.fetch_add(1, Ordering::Relaxed);
    }

    pub fn miss(&self) {
        self.misses.fetch_add(1, Ordering::Relaxed);
    }

    /// An entry refused or dropped because an event changed what it held.
    pub fn invalidated(&self) {
        self.invalidations.fetch_add(1, Ordering::Relaxed);
    }

    /// A call to the shared cache failed or timed out.
    pub fn redis_error(&self) {
        self.redis_errors.fetch_add(1, Ordering::Relaxed);
    }

    /// A shared value refused: malformed, of another cluster, or not sealed by ours.
    pub fn rejected(&self) {
        self.rejected.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts what the cache itself removed (explicit removals are counted by the caller,
    /// who knows why).
    pub fn removed(&self, cause: RemovalCause) {
        let counter = match cause {
            RemovalCause::Size => &self.evictions,
            RemovalCause::Expired => &self.expirations,
            RemovalCause::Explicit | RemovalCause::Replaced => return,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn stats(&self, name: &str, entries: u64, bytes: u64, capacity_bytes: u64) -> CacheStats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        CacheStats {
            name: name.to_string(),
            entries,
            bytes,
            capacity_bytes,
            hits: get(&self.hits),
            misses: get(&self.misses),
            evictions: get(&self.evictions),
            expirations: get(&self.expirations),
            invalidations: get(&self.invalidations),
            redis_errors: get(&self.redis_errors),
            rejected: get(&self.rejected),
        }
    }
}

/// A moka cache bounded by `capacity_bytes` of `weigh`ed entries, its removals counted.
pub fn bounded<K, V>(
    capacity_bytes: u64,
    weigh: fn(&K, &V) -> u32,
    counters: &Arc<Counters>,
) -> moka::sync::CacheBuilder<K, V, moka::sync::Cache<K, V>>
where
    K: std::hash::Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    let counters = counters.clone();
    moka::sync::Cache::builder()
        .max_capacity(capacity_bytes)
        .weigher(weigh)
        .eviction_listener(move |_, _, cause| counters.removed(cause))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_bound_evicts_and_is_counted() {
        let counters = Arc::new(Counters::default());
        let cache = bounded::<u32, Vec<u8>>(1000, |_, v| v.len() as u32, &counters).build();
        for i in 0..50 {
            cache.insert(i, vec![0; 100]);
        }
        cache.run_pending_tasks();
        assert!(cache.weighted_size() <= 1000, "{}", cache.weighted_size());
        let s = counters.stats("t", cache.entry_count(), cache.weighted_size(), 1000);
        assert!(s.evictions >= 40, "{s:?}");
        counters.hit();
        counters.miss();
        counters.invalidated();
        let s = counters.stats("t", 0, 0, 1000);
        assert_eq!((s.hits, s.misses, s.invalidations), (1, 1, 1));
    }
}
