//! In-memory caches (L1): each bounded by the bytes its entries weigh, with counters an
//! operator can read (`GET /v1/cache`, `/metrics`, `p2pctl cluster cache-stats`). What
//! invalidates each cache is listed in ARCHITECTURE.md ("Caches").

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

/// Answers that are costly to build (a fan-out to many nodes), kept for a short time and
/// built once however many callers ask at the same moment. The key carries the versions
/// of what the answer depends on, so an event that changes it makes the next ask a miss.
pub struct Coalesced<K, V> {
    name: &'static str,
    cache: moka::future::Cache<K, V>,
    counters: Arc<Counters>,
    capacity_bytes: u64,
}

impl<K, V> std::fmt::Debug for Coalesced<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Coalesced")
            .field("name", &self.name)
            .finish()
    }
}

impl<K, V> Coalesced<K, V>
where
    K: std::hash::Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    pub fn new(
        name: &'static str,
        capacity_bytes: u64,
        ttl: std::time::Duration,
        weigh: fn(&K, &V) -> u32,
    ) -> Self {
        let counters = Arc::new(Counters::default());
        let listener = counters.clone();
        let cache = moka::future::Cache::builder()
            .max_capacity(capacity_bytes)
            .weigher(weigh)
            .time_to_live(ttl)
            .eviction_listener(move |_, _, cause| listener.removed(cause))
            .build();
        Self {
            name,
            cache,
            counters,
            capacity_bytes,
        }
    }

    /// The kept answer for `key`, else `build`'s (run once for all who ask meanwhile; an
    /// error is not kept).
    pub async fn get_or_build<E, F>(&self, key: K, build: F) -> Result<V, Arc<E>>
    where
        E: Send + Sync + 'static,
        F: std::future::Future<Output = Result<V, E>>,
    {
        let built = std::sync::atomic::AtomicBool::new(false);
        let answer = self
            .cache
            .try_get_with(key, async {
                built.store(true, Ordering::Relaxed);
                build.await
            })
            .await;
        if built.load(Ordering::Relaxed) {
            self.counters.miss();
        } else {
            self.counters.hit();
        }
        answer
    }

    pub fn stats(&self) -> CacheStats {
        self.counters.stats(
            self.name,
            self.cache.entry_count(),
            self.cache.weighted_size(),
            self.capacity_bytes,
        )
    }
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

    // Paused time: the build's sleep keeps it in flight while the others join, instantly.
    #[tokio::test(start_paused = true)]
    async fn fifty_callers_at_once_build_one_answer_and_a_new_version_builds_again() {
        let cache: Coalesced<(String, u64), u64> =
            Coalesced::new("t", 1 << 20, std::time::Duration::from_secs(60), |_, _| 64);
        let builds = Arc::new(AtomicU64::new(0));
        let ask = |version: u64| {
            let (cache, builds) = (&cache, builds.clone());
            async move {
                cache
                    .get_or_build::<(), _>(("svc".to_string(), version), async move {
                        builds.fetch_add(1, Ordering::Relaxed);
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        Ok(7)
                    })
                    .await
            }
        };
        let answers = futures_util::future::join_all((0..50).map(|_| ask(1))).await;
        assert!(answers.iter().all(|a| matches!(a, Ok(7))));
        assert_eq!(
            builds.load(Ordering::Relaxed),
            1,
            "one fan-out for fifty callers"
        );
        let s = cache.stats();
        assert_eq!((s.misses, s.hits), (1, 49), "{s:?}");
        // What the answer depends on changed: the next ask builds again.
        assert!(ask(2).await.is_ok());
        assert_eq!(builds.load(Ordering::Relaxed), 2);
        // An error is not kept.
        let failed = cache
            .get_or_build::<&str, _>(("svc".to_string(), 3), async { Err("down") })
            .await;
        assert!(failed.is_err());
        assert!(ask(3).await.is_ok());
        assert_eq!(builds.load(Ordering::Relaxed), 3);
    }
}
