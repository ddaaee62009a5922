//! A short-lived cache of costly answers whose concurrent builds coalesce.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use p2p_shared::api::CacheStats;

use super::Counters;

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
    use std::sync::atomic::AtomicU64;

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
