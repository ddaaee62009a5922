//! Tokens whose signature was checked: a token is verified once and kept until it expires,
//! so a request pays a hash and a lookup instead of an Ed25519 verification. Revocation is
//! never cached: every request asks the store's in-memory session state
//! (`api::extract::still_signed_in`), so a logout, a password change or ended sessions
//! refuse the token at its next request. A kept token whose signing key the store no
//! longer holds is verified again, and refused.

use std::sync::Arc;
use std::time::{Duration, Instant};

use p2p_shared::api::CacheStats;
use sha2::{Digest, Sha256};

use super::jwt::Claims;
use crate::cache::{Counters, bounded};

/// What the cache may weigh: about 15 000 tokens.
pub const CAPACITY_BYTES: u64 = 4 * 1024 * 1024;

/// The claims of a token whose signature and issuer were checked.
#[derive(Debug)]
pub struct Verified {
    pub claims: Claims,
    /// The peer coordinator's key id that signed it; `None`: our own key.
    pub peer_kid: Option<String>,
}

pub type Digest32 = [u8; 32];

/// Until the token's own expiry (plus the leeway it is verified with).
struct UntilExpiry(i64);

impl moka::Expiry<Digest32, Arc<Verified>> for UntilExpiry {
    fn expire_after_create(&self, _: &Digest32, v: &Arc<Verified>, _: Instant) -> Option<Duration> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let left = v.claims.exp.saturating_add(self.0).saturating_sub(now);
        Some(Duration::from_secs(u64::try_from(left).unwrap_or(0)))
    }
}

fn weigh(_: &Digest32, v: &Arc<Verified>) -> u32 {
    let c = &v.claims;
    let text = c.sub.len() + c.jti.len() + c.iss.len() + c.aud.len();
    let kid = v.peer_kid.as_ref().map_or(0, String::len);
    u32::try_from(32 + 128 + text + kid).unwrap_or(u32::MAX)
}

pub struct VerifiedTokens {
    cache: moka::sync::Cache<Digest32, Arc<Verified>>,
    counters: Arc<Counters>,
}

impl std::fmt::Debug for VerifiedTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifiedTokens")
            .field("entries", &self.cache.entry_count())
            .finish()
    }
}

impl VerifiedTokens {
    /// A cache whose entries live until their token's `exp` + `leeway` seconds.
    pub fn new(leeway: i64) -> Self {
        let counters = Arc::new(Counters::default());
        let cache = bounded(CAPACITY_BYTES, weigh, &counters)
            .expire_after(UntilExpiry(leeway))
            .build();
        Self { cache, counters }
    }

    pub fn digest(token: &str) -> Digest32 {
        Sha256::digest(token.as_bytes()).into()
    }

    pub fn get(&self, digest: &Digest32) -> Option<Arc<Verified>> {
        let hit = self.cache.get(digest);
        match hit {
            Some(_) => self.counters.hit(),
            None => self.counters.miss(),
        }
        hit
    }

    pub fn insert(&self, digest: Digest32, verified: Verified) {
        self.cache.insert(digest, Arc::new(verified));
    }

    /// Drops an entry that no longer holds (its key is gone).
    pub fn forget(&self, digest: &Digest32) {
        self.cache.invalidate(digest);
        self.counters.invalidated();
    }

    pub fn stats(&self) -> CacheStats {
        self.cache.run_pending_tasks();
        self.counters.stats(
            "credentials",
            self.cache.entry_count(),
            self.cache.weighted_size(),
            CAPACITY_BYTES,
        )
    }
}
