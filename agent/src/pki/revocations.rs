//! Keeping every node's revocation list current. Coordinators read it from their store;
//! workers long-poll a coordinator (`GET /v1/cluster/revocations?after=V`), which answers as
//! soon as the version moves, so a revocation reaches every worker within one round trip.
//! Gossip will carry the same list once membership lands.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use p2p_shared::tls::RevocationList;
use time::OffsetDateTime;
use tokio::sync::watch;

use super::NodePki;
use super::renew::targets;
use crate::retry::backoff_delay;
use crate::store::{Store, StoreError};

/// The default client timeout; the long poll sets its own.
const PEER_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a coordinator holds a long-poll open.
pub const LONG_POLL: Duration = Duration::from_secs(25);

/// Loads the store's current revocations into `list`.
pub fn refresh_from_store(store: &Store, list: &RevocationList) -> Result<(), StoreError> {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let serials: HashSet<String> = store.revoked_serials(now)?.into_iter().collect();
    list.replace(serials);
    Ok(())
}

/// A worker's follower: long-polls the coordinators in turn until shutdown.
pub fn spawn_follower(
    pki: Arc<NodePki>,
    configured: Vec<String>,
    mut shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut version: Option<u64> = None;
        let mut failures = 0u32;
        let mut index = 0usize;
        loop {
            let all = targets(&configured, &pki);
            if all.is_empty() {
                tracing::warn!("no coordinator known; revocations cannot be followed");
                return;
            }
            let target = &all[index % all.len()];
            let poll = async {
                let client =
                    pki.peer_client(target.address.clone(), target.node_id.clone(), PEER_TIMEOUT)?;
                client.revocations(version, LONG_POLL).await
            };
            let result = tokio::select! {
                _ = shutdown.changed() => return,
                r = poll => r,
            };
            match result {
                Ok(snapshot) => {
                    failures = 0;
                    if version != Some(snapshot.version) {
                        tracing::debug!(
                            version = snapshot.version,
                            revoked = snapshot.serials.len(),
                            "revocation list updated"
                        );
                    }
                    pki.revoked.replace(snapshot.serials.into_iter().collect());
                    version = Some(snapshot.version);
                }
                Err(e) => {
                    index += 1;
                    let delay =
                        backoff_delay(failures, rand::random::<f64>(), Duration::from_secs(30));
                    failures = failures.saturating_add(1);
                    tracing::warn!(coordinator = %target.address, error = %e, retry_in = ?delay, "cannot fetch revocations");
                    tokio::select! {
                        _ = shutdown.changed() => return,
                        _ = tokio::time::sleep(delay) => {}
                    }
                }
            }
        }
    })
}
