//! Keeps a node's list of coordinators current, so it reaches coordinators added after it
//! enrolled: a worker adds every coordinator gossip shows it; a coordinator lists the other
//! members of the Raft group. Renewal, the revocation and keyring followers and the log
//! shipper read the list each time they pick a coordinator. A worker also saves it in its
//! vault, so a restart starts from what it last knew.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use p2p_shared::api::{CoordinatorInfo, NodeInfo, NodeRole, NodeState};
use tokio::sync::watch;

use crate::membership::Membership;
use crate::pki::NodePki;
use crate::raft::replicator::Replicator;
use crate::secrets::{Vault, entries};

/// How often the list is brought up to date (gossip itself converges in seconds).
const EVERY: Duration = Duration::from_secs(3);

/// Where a node learns of coordinators.
pub enum Source {
    /// A worker: coordinators in the gossip view.
    Gossip(Arc<Membership>),
    /// A coordinator: the Raft group (this node excluded).
    Group { raft: Arc<Replicator>, me: String },
}

pub fn spawn(
    pki: Arc<NodePki>,
    source: Source,
    vault: Arc<Mutex<Vault>>,
    mut shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = shutdown.changed() => return,
            }
            let known = pki.coordinators();
            let next = match &source {
                Source::Gossip(m) => with_gossip(&known, &m.nodes()),
                Source::Group { raft, me } => raft
                    .coordinators()
                    .coordinators
                    .into_iter()
                    .filter(|c| c.node_id != *me && !c.api_address.is_empty())
                    .map(|c| CoordinatorInfo {
                        node_id: c.node_id,
                        api_address: c.api_address,
                    })
                    .collect(),
            };
            if next == known {
                continue;
            }
            pki.set_coordinators(next.clone());
            // Alone in its group (a single coordinator) is nothing worth a line.
            if !next.is_empty() {
                tracing::info!(
                    target: "p2pd::discover",
                    coordinators = %next.iter().map(|c| c.node_id.as_str()).collect::<Vec<_>>().join(","),
                    "the coordinators this node talks to changed"
                );
            }
            if matches!(source, Source::Gossip(_)) {
                save(&vault, &next);
            }
        }
    })
}

/// The known coordinators, each at the address gossip shows for it now, followed by any
/// coordinator gossip shows that was not known. One that left (stopped on purpose, or
/// removed) is forgotten until gossip shows it alive again; one that is down (dead, or
/// not in the view) is still a coordinator of the cluster.
pub fn with_gossip(known: &[CoordinatorInfo], nodes: &[NodeInfo]) -> Vec<CoordinatorInfo> {
    let left = |id: &str| {
        nodes
            .iter()
            .any(|n| n.node_id == id && n.state == NodeState::Left)
    };
    let seen: Vec<&NodeInfo> = nodes
        .iter()
        .filter(|n| {
            n.role == NodeRole::Coordinator
                && !n.api_address.is_empty()
                && matches!(n.state, NodeState::Alive | NodeState::Suspect)
        })
        .collect();
    let mut out: Vec<CoordinatorInfo> = known
        .iter()
        .filter(|k| !left(&k.node_id))
        .map(|k| match seen.iter().find(|n| n.node_id == k.node_id) {
            Some(n) => CoordinatorInfo {
                node_id: k.node_id.clone(),
                api_address: n.api_address.clone(),
            },
            None => k.clone(),
        })
        .collect();
    for n in seen {
        if !out.iter().any(|c| c.node_id == n.node_id) {
            out.push(CoordinatorInfo {
                node_id: n.node_id.clone(),
                api_address: n.api_address.clone(),
            });
        }
    }
    out
}

fn save(vault: &Mutex<Vault>, list: &[CoordinatorInfo]) {
    let Ok(json) = serde_json::to_vec(list) else {
        return;
    };
    let mut v = vault.lock().unwrap_or_else(|p| p.into_inner());
    v.put(entries::COORDINATORS, json);
    if let Err(e) = v.save() {
        tracing::warn!(target: "p2pd::discover", error = %e, "cannot save the coordinator list in the vault (it is learnt again after a restart)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, role: NodeRole, state: NodeState, api: &str) -> NodeInfo {
        NodeInfo {
            node_id: id.into(),
            role,
            state,
            addresses: vec![],
            api_address: api.into(),
            version: String::new(),
            cert_serial: None,
            cert_not_after: None,
            last_state_change: time::OffsetDateTime::UNIX_EPOCH,
        }
    }

    fn info(id: &str, api: &str) -> CoordinatorInfo {
        CoordinatorInfo {
            node_id: id.into(),
            api_address: api.into(),
        }
    }

    #[test]
    fn gossip_adds_new_coordinators_and_moves_known_ones_but_forgets_none() {
        let known = vec![info("c1", "192.0.2.1:8801"), info("c2", "192.0.2.2:8801")];
        let nodes = vec![
            node(
                "c1",
                NodeRole::Coordinator,
                NodeState::Alive,
                "192.0.2.1:8801",
            ),
            node(
                "c2",
                NodeRole::Coordinator,
                NodeState::Alive,
                "192.0.2.20:8801",
            ),
            node(
                "c3",
                NodeRole::Coordinator,
                NodeState::Suspect,
                "192.0.2.3:8801",
            ),
            node(
                "c4",
                NodeRole::Coordinator,
                NodeState::Dead,
                "192.0.2.4:8801",
            ),
            node("w1", NodeRole::Worker, NodeState::Alive, "192.0.2.9:8801"),
        ];
        assert_eq!(
            with_gossip(&known, &nodes),
            vec![
                info("c1", "192.0.2.1:8801"),
                info("c2", "192.0.2.20:8801"),
                info("c3", "192.0.2.3:8801"),
            ],
            "c2 moved, c3 is new; a dead one is not added and a worker never is"
        );
        // A known coordinator gossip no longer shows (down) stays on the list; one that
        // left is dropped.
        assert_eq!(with_gossip(&known, &[]), known);
        let gone = [node(
            "c2",
            NodeRole::Coordinator,
            NodeState::Left,
            "192.0.2.2:8801",
        )];
        assert_eq!(
            with_gossip(&known, &gone),
            vec![info("c1", "192.0.2.1:8801")]
        );
    }
}
