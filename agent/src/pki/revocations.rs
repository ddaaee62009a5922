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
use super::issuer::Issuer;
use crate::blocking;
use crate::store::{LocalStore, RevocationCopy, Store, StoreError};

/// Loads the store's current revocations into `list`.
pub fn refresh_from_store(store: &Store, list: &RevocationList) -> Result<(), StoreError> {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let serials: HashSet<String> = store.revoked_serials(now)?.into_iter().collect();
    list.replace(serials);
    Ok(())
}

/// A coordinator's task: whenever the replicated revocation list moves (a revocation
/// made through any coordinator), this coordinator's TLS enforces it.
pub fn spawn_enforcer(
    store: Arc<Store>,
    pki: Arc<NodePki>,
    mut shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let mut moved = store.revocation_watch();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = shutdown.changed() => return,
                changed = moved.changed() => if changed.is_err() { return },
            }
            let (store, pki) = (store.clone(), pki.clone());
            let loaded = blocking::run(move || refresh_from_store(&store, &pki.revoked)).await;
            if let Err(e) = loaded {
                tracing::warn!(error = %e, "cannot load the revocation list; keeping the previous one");
            }
        }
    })
}

/// A coordinator's task: revokes the certificates renewals replaced once their grace has
/// passed, and enforces the result itself.
pub fn spawn_superseder(
    issuer: Arc<Issuer>,
    pki: Arc<NodePki>,
    grace: std::time::Duration,
    mut shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let every = (grace / 2).clamp(
        std::time::Duration::from_millis(200),
        std::time::Duration::from_secs(10),
    );
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = shutdown.changed() => return,
                _ = tick.tick() => {}
            }
            let (issuer, pki) = (issuer.clone(), pki.clone());
            let swept = blocking::run(move || {
                let now = OffsetDateTime::now_utc();
                if issuer.revoke_superseded(now, grace)? {
                    refresh_from_store(issuer.store(), &pki.revoked)?;
                }
                Ok::<_, StoreError>(())
            })
            .await;
            if let Err(e) = swept {
                tracing::warn!(error = %e, "cannot revoke superseded certificates");
            }
        }
    })
}

/// A worker's follower: every newer revocation list is stored first, then enforced, with
/// what gossip brought meanwhile (`learned`: an answer may predate it).
pub fn spawn_follower(
    pki: Arc<NodePki>,
    store: Arc<LocalStore>,
    learned: Arc<super::gossiped::Learned>,
    configured: Vec<String>,
    shutdown: watch::Receiver<bool>,
) -> Result<tokio::task::JoinHandle<()>, StoreError> {
    // The copy from the last run is in force before the node serves anything.
    let known = match store.revocation_copy()? {
        Some(copy) => {
            pki.revoked.replace(copy.serials.into_iter().collect());
            Some(copy.version)
        }
        None => None,
    };
    let list = pki.revoked.clone();
    let follow = Follow {
        what: "revocations",
        path: "/v1/cluster/revocations",
        known,
        apply: Box::new(move |snapshot: RevocationSnapshot| {
            let (list, store, learned) = (list.clone(), store.clone(), learned.clone());
            Box::pin(async move {
                tracing::debug!(
                    version = snapshot.version,
                    revoked = snapshot.serials.len(),
                    "revocation list updated"
                );
                let copy = RevocationCopy {
                    version: snapshot.version,
                    serials: snapshot.serials,
                };
                let saved = copy.clone();
                if let Err(e) = blocking::run(move || store.save_revocation_copy(&saved)).await {
                    tracing::warn!(error = %e, "cannot store the revocation list; enforcing it in memory only");
                }
                let mut serials: HashSet<String> = copy.serials.into_iter().collect();
                serials.extend(learned.all());
                list.replace(serials);
            })
        }),
    };
    Ok(follow::spawn(pki, configured, follow, shutdown))
}
