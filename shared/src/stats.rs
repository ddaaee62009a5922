//! Counters a node reports about itself: request budgets and connection pools
//! (`GET /v1/limits`), membership and gossip (`GET /v1/gossip/stats`), caches
//! (`GET /v1/cache`). Snake_case and stable, like every API body.

use serde::{Deserialize, Serialize};

/// `GET /v1/limits`: one node's overload counters since it started.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LimitStats {
    pub node_id: String,
    /// False when the node runs with `rate_limiting: false` (budgets off; connection caps stay).
    pub rate_limiting: bool,
    /// Request budgets per route class (`login`, `read`, `write`, `node`, `enroll`).
    pub classes: Vec<LimitClassStats>,
    /// Connection pools (`handshake`, `public`, `node`).
    pub pools: Vec<ConnectionPoolStats>,
    pub streams_open: u64,
    /// Follows refused because the caller (or the node) had the most open.
    pub streams_refused: u64,
    /// Log queries refused because the caller (or the node) had the most running.
    pub queries_refused: u64,
    /// Wrong passwords.
    pub logins_failed: u64,
    /// Logins refused before any check (account backoff, or every hashing slot busy).
    pub logins_refused: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LimitClassStats {
    pub class: String,
    pub allowed: u64,
    pub limited: u64,
    /// Callers with a budget in use now.
    pub tracked: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ConnectionPoolStats {
    pub pool: String,
    pub open: u64,
    pub admitted: u64,
    /// Idle connections closed to make room for a new one.
    pub evicted: u64,
    /// Connections turned away (the pool or the source full of busy connections).
    pub refused: u64,
}

/// `GET /v1/gossip/stats`: one node's membership and gossip transport counters (since start).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GossipStats {
    pub node_id: String,
    pub incarnation: u64,
    /// Lifeguard's local-health multiplier: 0 is healthy; higher means this node slowed its
    /// own probing because its messages were not getting through.
    pub local_health: u32,
    pub keyring_version: u64,
    pub members_alive: u64,
    pub members_suspect: u64,
    pub members_dead: u64,
    pub members_left: u64,
    pub probes: u64,
    pub probes_failed: u64,
    pub refutations: u64,
    pub stalls: u64,
    pub datagrams_sent: u64,
    pub datagrams_received: u64,
    pub datagrams_compressed: u64,
    pub compression_bytes_saved: u64,
    pub dropped_oversized: u64,
    pub dropped_malformed: u64,
    pub dropped_unauthenticated: u64,
    pub dropped_replayed: u64,
    /// Decrypted but not a valid gossip message.
    pub dropped_undecodable: u64,
}

/// `GET /v1/cache`: one node's in-memory caches since it started.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CacheStatsList {
    pub node_id: String,
    pub caches: Vec<CacheStats>,
}

/// One cache's counters.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CacheStats {
    /// `credentials` (verified tokens), ...
    pub name: String,
    pub entries: u64,
    /// What the entries weigh (the bound is on this).
    pub bytes: u64,
    pub capacity_bytes: u64,
    pub hits: u64,
    pub misses: u64,
    /// Dropped to stay within `capacity_bytes`.
    pub evictions: u64,
    /// Dropped because they outlived their time (a token's expiry).
    pub expirations: u64,
    /// Dropped or refused because an event changed what they held.
    pub invalidations: u64,
    /// Calls to the shared cache (Redis) that failed or timed out (shared caches only).
    #[serde(default)]
    pub redis_errors: u64,
    /// Shared values refused: malformed, of another cluster, or not sealed by one of
    /// this cluster's coordinators.
    #[serde(default)]
    pub rejected: u64,
}
