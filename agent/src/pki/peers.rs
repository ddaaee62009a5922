//! Clients to other nodes, kept and shared: every exchange with the same peer (push-pull,
//! long-polls, log shipping, Raft, fan-out queries) multiplexes over one HTTP/2 connection
//! instead of paying a full mTLS handshake each time. Session resumption stays off, so a
//! new connection always re-checks the peer's certificate against the revocation list; to
//! keep that true of kept connections too, the whole pool is dropped when the revocation
//! list or this node's own certificate changes (the server side closes connections whose
//! client certificate is revoked, see `api::server`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most peers kept at once; the least recently used goes first. A coordinator talks to
/// every node, but only a few at any moment (push-pull partners, Raft peers, fan-outs).
const MAX_PEERS: usize = 256;
/// A peer unused this long is forgotten: its connection has closed by then anyway (the
/// client's pool closes idle connections after 50 s).
const FORGET_AFTER: Duration = Duration::from_secs(120);

/// Which client: the same server with a different identity check is a different client,
/// because the check runs inside its TLS configuration.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct PeerKey {
    server: String,
    expected: Option<String>,
    coordinator: bool,
}

struct Entry<C> {
    client: C,
    used: Instant,
}

struct State<C> {
    /// What the kept clients were built under; when it moves, they are all dropped.
    epoch: (u64, u64),
    entries: HashMap<PeerKey, Entry<C>>,
    built: u64,
}

/// The pool of clients `C` (an `ApiClient` outside tests); `NodePki` owns one.
pub struct PeerPool<C> {
    state: Mutex<State<C>>,
}

impl<C> std::fmt::Debug for PeerPool<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        f.debug_struct("PeerPool")
            .field("kept", &s.entries.len())
            .field("built", &s.built)
            .finish()
    }
}

impl<C> Default for PeerPool<C> {
    fn default() -> Self {
        Self {
            state: Mutex::new(State {
                epoch: (0, 0),
                entries: HashMap::new(),
                built: 0,
            }),
        }
    }
}

/// Counters for tests and diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    pub kept: usize,
    /// Clients built since start: each costs a new connection (and handshake) on first use.
    pub built: u64,
}

impl<C: Clone> PeerPool<C> {
    /// The kept client for (`server`, `expected`, `coordinator`), or a new one from `build`;
    /// `epoch` identifies the revocation list and own certificate it may be used under.
    pub(crate) fn get<E>(
        &self,
        server: String,
        expected: Option<String>,
        coordinator: bool,
        epoch: (u64, u64),
        build: impl FnOnce(String, Option<String>) -> Result<C, E>,
    ) -> Result<C, E> {
        let now = Instant::now();
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if s.epoch != epoch {
            s.entries.clear();
            s.epoch = epoch;
        }
        let key = PeerKey {
            server,
            expected,
            coordinator,
        };
        if let Some(e) = s.entries.get_mut(&key) {
            e.used = now;
            return Ok(e.client.clone());
        }
        s.entries
            .retain(|_, e| now.duration_since(e.used) < FORGET_AFTER);
        if s.entries.len() >= MAX_PEERS
            && let Some(oldest) = s
                .entries
                .iter()
                .min_by_key(|(_, e)| e.used)
                .map(|(k, _)| k.clone())
        {
            s.entries.remove(&oldest);
        }
        let client = build(key.server.clone(), key.expected.clone())?;
        s.built += 1;
        s.entries.insert(
            key,
            Entry {
                client: client.clone(),
                used: now,
            },
        );
        Ok(client)
    }

    pub fn stats(&self) -> PoolStats {
        let s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        PoolStats {
            kept: s.entries.len(),
            built: s.built,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(server: String, expected: Option<String>) -> Result<String, ()> {
        Ok(format!("{server} {expected:?}"))
    }

    #[test]
    fn one_client_per_peer_and_identity_check() {
        let pool = PeerPool::<String>::default();
        let a = "https://127.0.0.1:1".to_string();
        pool.get(a.clone(), Some("n1".into()), false, (0, 0), build)
            .unwrap();
        pool.get(a.clone(), Some("n1".into()), false, (0, 0), build)
            .unwrap();
        assert_eq!(pool.stats().built, 1, "the same peer reuses its client");
        pool.get(a.clone(), Some("n1".into()), true, (0, 0), build)
            .unwrap();
        pool.get(a.clone(), None, false, (0, 0), build).unwrap();
        assert_eq!(
            pool.stats().built,
            3,
            "another identity check is another client"
        );
        assert_eq!(pool.stats().kept, 3);
    }

    #[test]
    fn a_new_revocation_list_or_certificate_drops_every_kept_client() {
        let pool = PeerPool::<String>::default();
        let a = "https://127.0.0.1:1".to_string();
        pool.get(a.clone(), None, false, (0, 0), build).unwrap();
        pool.get(a.clone(), None, false, (1, 0), build).unwrap();
        assert_eq!(pool.stats(), PoolStats { kept: 1, built: 2 });
        pool.get(a.clone(), None, false, (1, 1), build).unwrap();
        assert_eq!(pool.stats(), PoolStats { kept: 1, built: 3 });
    }

    #[test]
    fn the_pool_is_bounded() {
        let pool = PeerPool::<String>::default();
        for i in 0..MAX_PEERS + 10 {
            pool.get(
                format!("https://127.0.0.1:{}", i + 1),
                None,
                false,
                (0, 0),
                build,
            )
            .unwrap();
        }
        assert_eq!(pool.stats().kept, MAX_PEERS);
    }
}
