//! Revocations carried by gossip (records in `pki::gossiped`). A coordinator publishes the
//! latest revocations, signed by the CA, as its metadata whenever the replicated list
//! moves; every worker checks each record it hears of against the CA certificate and
//! enforces and stores what is new, so a worker cut off from every coordinator still
//! refuses a revoked certificate as soon as gossip reaches it through any member.

use std::collections::HashMap;
use std::sync::Arc;

use time::OffsetDateTime;
use tokio::sync::{broadcast, watch};

use super::Membership;
use crate::blocking;
use crate::pki::NodePki;
use crate::pki::gossiped::{self, Learned, MAX_SERIALS, META_KEY, Record};
use crate::pki::issuer::Issuer;
use crate::store::{LocalStore, RevocationCopy, StoreError};

/// A coordinator's task: the record follows the store's revocation version.
pub fn spawn_publisher(
    issuer: Arc<Issuer>,
    membership: Arc<Membership>,
    mut shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let mut moved = issuer.revocation_watch();
    tokio::spawn(async move {
        loop {
            let signer = issuer.clone();
            let built = blocking::run(move || {
                let store = signer.store();
                let now = OffsetDateTime::now_utc().unix_timestamp();
                let record = Record {
                    version: store.revocation_version()?,
                    serials: store.recent_revocations(now, MAX_SERIALS)?,
                };
                gossiped::seal(signer.ca(), &record)
                    .map_err(|e| StoreError::Corrupt(format!("cannot sign revocations: {e}")))
            })
            .await;
            match built {
                Ok(text) => membership.set_meta(META_KEY, Some(text)),
                Err(e) => tracing::warn!(error = %e, "cannot publish revocations by gossip"),
            }
            tokio::select! {
                _ = shutdown.changed() => return,
                changed = moved.changed() => if changed.is_err() { return },
            }
        }
    })
}

/// A worker's task: applies every record that verifies, ignores (and reports once) any
/// that does not.
pub fn spawn_applier(
    pki: Arc<NodePki>,
    local: Arc<LocalStore>,
    learned: Arc<Learned>,
    membership: Arc<Membership>,
    mut shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let mut changes = membership.changes();
    tokio::spawn(async move {
        // Per member, the last record text looked at: an unchanged one is not checked again.
        let mut seen: HashMap<String, String> = HashMap::new();
        loop {
            for node in membership.nodes() {
                let Some(text) = membership.meta(&node.node_id, META_KEY) else {
                    continue;
                };
                if seen.get(&node.node_id) == Some(&text) {
                    continue;
                }
                seen.insert(node.node_id.clone(), text.clone());
                match gossiped::open(&text, &pki.cluster_id, pki.ca_der.as_ref()) {
                    Ok(record) => apply(&pki, &local, &learned, &node.node_id, record).await,
                    Err(e) => tracing::warn!(from = %node.node_id, error = %e,
                        "ignoring a revocation record heard by gossip"),
                }
            }
            // Bounded: the members that are gone are forgotten.
            if seen.len() > 4 * membership.live_peers().max(16) {
                seen.clear();
            }
            loop {
                tokio::select! {
                    _ = shutdown.changed() => return,
                    event = changes.recv() => match event {
                        Ok(p2p_gossip::Event::MetaChanged { .. })
                        | Err(broadcast::error::RecvError::Lagged(_)) => break,
                        Ok(_) => {}
                        Err(broadcast::error::RecvError::Closed) => return,
                    },
                }
            }
        }
    })
}

async fn apply(
    pki: &NodePki,
    local: &Arc<LocalStore>,
    learned: &Learned,
    from: &str,
    record: Record,
) {
    let new = learned.add(&record.serials);
    if !pki.revoked.extend(new.iter().cloned()) {
        return;
    }
    tracing::info!(from, version = record.version, serials = ?new,
        "revocations learned by gossip; enforcing them");
    let local = local.clone();
    let stored = blocking::run(move || {
        let mut copy = local.revocation_copy()?.unwrap_or(RevocationCopy {
            version: 0,
            serials: Vec::new(),
        });
        for s in new {
            if !copy.serials.contains(&s) {
                copy.serials.push(s);
            }
        }
        local.save_revocation_copy(&copy)
    })
    .await;
    if let Err(e) = stored {
        tracing::warn!(error = %e, "cannot store revocations learned by gossip; enforcing them in memory only");
    }
}
