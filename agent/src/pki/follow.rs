//! The one way a node keeps a copy of something coordinators version (the revocation list,
//! the gossip keyring): long-poll `GET path?after=V&wait=S`, which a coordinator answers as
//! soon as its version differs from `V` (or when the wait ends), then apply what came back.
//! Coordinators are tried in turn; failures back off with jitter.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use tokio::sync::watch;

use super::NodePki;
use super::renew::targets;
use crate::retry::Backoff;

/// How long a coordinator holds a long-poll open. Changes are answered at once, so this
/// only sets how often an idle follower asks again (Consul's blocking queries wait 5
/// minutes too); a vanished coordinator is noticed sooner, by the HTTP/2 pings of the
/// shared connection the long-poll rides on.
pub const LONG_POLL: Duration = Duration::from_secs(300);
/// The client timeout of everything but the long poll itself (which sets its own).
const PEER_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// A resource a coordinator serves with a version that grows with every change.
pub trait Versioned: DeserializeOwned + Send + 'static {
    fn version(&self) -> u64;
}

impl Versioned for p2p_shared::api::RevocationSnapshot {
    fn version(&self) -> u64 {
        self.version
    }
}

impl Versioned for p2p_shared::api::GossipKeyring {
    fn version(&self) -> u64 {
        self.version
    }
}

/// What [`Follow::apply`] returns: the work of taking a new version (it may write to disk,
/// so it runs as a future the follower awaits).
pub type Applying = Pin<Box<dyn Future<Output = ()> + Send>>;

/// What to follow and what to do with each new version.
pub struct Follow<T> {
    /// For log lines: "revocations", "the gossip keyring".
    pub what: &'static str,
    /// The long-poll route on coordinators.
    pub path: &'static str,
    /// The version this node already holds, if any.
    pub known: Option<u64>,
    /// Takes every version newer than the one held. An older one (a coordinator restored
    /// from a backup, or one that lies) is refused: a follower never goes back.
    pub apply: Box<dyn FnMut(T) -> Applying + Send>,
}

/// Follows until shutdown, through the configured coordinators and those learned since.
pub fn spawn<T: Versioned>(
    pki: Arc<NodePki>,
    configured: Vec<String>,
    mut follow: Follow<T>,
    mut shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut backoff = Backoff::new(MAX_BACKOFF);
        let mut index = 0usize;
        loop {
            let all = targets(&configured, &pki);
            let Some(target) = all.get(index % all.len().max(1)) else {
                tracing::warn!(what = follow.what, "no coordinator known; cannot follow");
                return;
            };
            let poll = async {
                let client = pki.coordinator_client(
                    target.address.clone(),
                    target.node_id.clone(),
                    PEER_TIMEOUT,
                )?;
                client
                    .long_poll::<T>(follow.path, follow.known, LONG_POLL)
                    .await
            };
            let result = tokio::select! {
                _ = shutdown.changed() => return,
                r = poll => r,
            };
            match result {
                Ok(value) => {
                    backoff.reset();
                    let version = value.version();
                    match follow.known {
                        Some(known) if version < known => {
                            tracing::warn!(what = follow.what, coordinator = %target.address, offered = version, held = known, "refusing an older version than the one held");
                            index += 1;
                            if !backoff.wait(&mut shutdown).await {
                                return;
                            }
                        }
                        Some(known) if version == known => {}
                        _ => {
                            tracing::debug!(what = follow.what, version, "followed a new version");
                            (follow.apply)(value).await;
                            follow.known = Some(version);
                        }
                    }
                }
                Err(e) => {
                    index += 1;
                    if backoff.failures().is_multiple_of(10) {
                        tracing::warn!(what = follow.what, coordinator = %target.address, error = %e, "cannot follow from this coordinator; trying the next");
                    }
                    if !backoff.wait(&mut shutdown).await {
                        return;
                    }
                }
            }
        }
    })
}
