//! Overload protection: which connections the listener keeps (`admission`), how many
//! requests each caller may make per route class (`rate`), and how much password hashing
//! runs at once and how fast one account may be guessed at (`login`). Bookkeeping only:
//! the API decides who the caller is and answers 429.

pub mod admission;
pub mod login;
pub mod rate;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use crate::config::limits::LimitsConfig;

/// Refusals of one class are logged at most this often, with their count.
const REPORT_EVERY: Duration = Duration::from_secs(60);

/// Streams a node serves at most, whoever asks.
const MAX_STREAMS: usize = 512;
/// Push-pull exchanges served at once (each decompresses and merges a view).
const MAX_SYNCS: usize = 4;
/// Expensive queries (log searches, fan-outs) at once, per caller and in all.
const QUERIES_PER_CALLER: usize = 4;
const MAX_QUERIES: usize = 32;

/// One node's limits, shared by the listener and the API.
pub struct Limits {
    pub config: LimitsConfig,
    pub connections: Mutex<admission::Table>,
    pub budgets: rate::Budgets,
    pub streams: Arc<rate::Streams>,
    pub queries: Arc<rate::Streams>,
    pub syncs: tokio::sync::Semaphore,
    pub logins: login::LoginGuard,
    reported: Mutex<HashMap<&'static str, (Option<Instant>, u64)>>,
}

impl Limits {
    pub fn new(config: &LimitsConfig) -> Arc<Limits> {
        let pools = admission::PoolLimits {
            handshakes: admission::MAX_HANDSHAKES,
            handshakes_per_source: admission::MAX_HANDSHAKES_PER_SOURCE
                .min(config.max_connections_per_source.max(1) * 2),
            public: config.max_connections,
            public_per_source: config.max_connections_per_source,
            node: config.max_node_connections,
        };
        Arc::new(Limits {
            connections: Mutex::new(admission::Table::new(pools)),
            budgets: rate::Budgets::new(|c| config.rate(c), config.max_tracked_callers),
            streams: rate::Streams::new("stream", config.streams_per_caller as usize, MAX_STREAMS),
            queries: rate::Streams::new("query", QUERIES_PER_CALLER, MAX_QUERIES),
            syncs: tokio::sync::Semaphore::new(MAX_SYNCS),
            logins: login::LoginGuard::new(config.max_concurrent_logins),
            config: config.clone(),
            reported: Mutex::new(HashMap::new()),
        })
    }

    /// Logs a refused request, once per class and minute: a flood is one line, not one
    /// per request.
    pub fn report_refusal(&self, limited: &rate::Limited) {
        let now = Instant::now();
        let mut reported = self.reported.lock().unwrap_or_else(|p| p.into_inner());
        let (last, count) = reported.entry(limited.class).or_insert((None, 0));
        *count += 1;
        if last.is_none_or(|t| now.duration_since(t) >= REPORT_EVERY) {
            tracing::warn!(
                class = limited.class,
                refused = *count,
                last = %limited.reason,
                "requests refused by a rate limit (logged once a minute)"
            );
            *last = Some(now);
            *count = 0;
        }
    }

    pub fn connections(&self) -> std::sync::MutexGuard<'_, admission::Table> {
        self.connections.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl std::fmt::Debug for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limits").finish_non_exhaustive()
    }
}

impl Limits {
    pub fn stats(&self, node_id: &str) -> p2p_shared::api::LimitStats {
        use p2p_shared::api::{ConnectionPoolStats, LimitClassStats, LimitStats};
        let pools = self
            .connections()
            .all_stats()
            .into_iter()
            .map(|(pool, s)| ConnectionPoolStats {
                pool: pool.name().to_string(),
                open: s.open as u64,
                admitted: s.admitted,
                evicted: s.evicted,
                refused: s.refused,
            })
            .collect();
        LimitStats {
            node_id: node_id.to_string(),
            rate_limiting: self.config.rate_limiting,
            classes: self
                .budgets
                .stats()
                .into_iter()
                .map(|c| LimitClassStats {
                    class: c.class.to_string(),
                    allowed: c.allowed,
                    limited: c.limited,
                    tracked: c.tracked as u64,
                })
                .collect(),
            pools,
            streams_open: self.streams.open_count() as u64,
            streams_refused: self.streams.refused(),
            queries_refused: self.queries.refused(),
            logins_failed: self.logins.failed_total(),
            logins_refused: self.logins.refused_total(),
        }
    }
}
