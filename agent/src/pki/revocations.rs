//! Keeping every node's revocation list current. Coordinators read it from their store;
//! workers follow a coordinator's (`GET /v1/cluster/revocations?after=V`, see `follow.rs`),
//! which answers as soon as the version moves, so a revocation reaches every worker within
//! one round trip.

use std::collections::HashSet;
use std::sync::Arc;

use p2p_shared::tls::RevocationList;
use time::OffsetDateTime;
use tokio::sync::watch;

use p2p_shared::api::RevocationSnapshot;

use super::NodePki;
use super::follow::{self, Follow};
use crate::store::{Store, StoreError};

/// Loads the store's current revocations into `list`.
pub fn refresh_from_store(store: &Store, list: &RevocationList) -> Result<(), StoreError> {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let serials: HashSet<String> = store.revoked_serials(now)?.into_iter().collect();
    list.replace(serials);
    Ok(())
}

/// A worker's follower: every new revocation list replaces the one it enforces.
pub fn spawn_follower(
    pki: Arc<NodePki>,
    configured: Vec<String>,
    shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let list = pki.revoked.clone();
    let follow = Follow {
        what: "revocations",
        path: "/v1/cluster/revocations",
        known: None,
        apply: Box::new(move |snapshot: RevocationSnapshot| {
            tracing::debug!(
                version = snapshot.version,
                revoked = snapshot.serials.len(),
                "revocation list updated"
            );
            list.replace(snapshot.serials.into_iter().collect());
        }),
    };
    follow::spawn(pki, configured, follow, shutdown)
}
