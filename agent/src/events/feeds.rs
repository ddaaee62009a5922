//! Connects a node's sources to its hub, one task each: samples, membership changes, the
//! local services, log records, and on coordinators certificate changes and the leader.
//! A feed that falls behind its source skips ahead (its subscribers are told by their own
//! lag), and every feed ends at shutdown.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use p2p_gossip::Event as Gossip;
use p2p_shared::api::NodeState;
use p2p_shared::events::{CoordinatorChange, EventBody, NodeChange};
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use super::{Hub, now_ms};
use crate::logs::Logs;
use crate::membership::Membership;
use crate::metrics::Metrics;
use crate::raft::replicator::Replicator;
use crate::services::Services;
use crate::store::Store;

pub struct Sources {
    pub node_id: String,
    pub metrics: Arc<Metrics>,
    pub membership: Arc<Membership>,
    pub services: Services,
    pub logs: Logs,
    /// Coordinators only.
    pub store: Option<Arc<Store>>,
    pub raft: Option<Arc<Replicator>>,
}

/// Runs `body` until it returns or the node shuts down.
fn until_shutdown(
    mut shutdown: watch::Receiver<bool>,
    body: impl Future<Output = ()> + Send + 'static,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        tokio::select! {
            _ = shutdown.changed() => {}
            () = body => {}
        }
    })
}

/// Forwards each item of a broadcast `rx` through `f` until the channel closes.
async fn forward<T: Clone>(mut rx: broadcast::Receiver<T>, mut f: impl FnMut(T)) {
    loop {
        match rx.recv().await {
            Ok(item) => f(item),
            Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => return,
        }
    }
}

/// [`forward`], but subscribed to the source only while the hub has a listener: a
/// source's channel keeps what it sent until overwritten, and samples and log records
/// are too bulky to keep for nobody.
async fn forward_while_listened<T: Clone>(
    hub: Arc<Hub>,
    subscribe: impl Fn() -> broadcast::Receiver<T>,
    mut f: impl FnMut(&Hub, T),
) {
    let mut listeners = hub.listeners();
    loop {
        if listeners.wait_for(|n| *n > 0).await.is_err() {
            return;
        }
        let mut rx = subscribe();
        loop {
            tokio::select! {
                got = rx.recv() => match got {
                    Ok(item) => f(&hub, item),
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                changed = listeners.changed() => {
                    if changed.is_err() {
                        return;
                    }
                    if *listeners.borrow() == 0 {
                        break;
                    }
                }
            }
        }
    }
}

pub fn spawn(hub: Arc<Hub>, src: Sources, shutdown: watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
    let mut tasks = Vec::new();
    let metrics = src.metrics.clone();
    tasks.push(until_shutdown(
        shutdown.clone(),
        forward_while_listened(
            hub.clone(),
            move || metrics.samples(),
            |h, s| h.publish(s.time, EventBody::Metrics(s)),
        ),
    ));
    let logs = src.logs.clone();
    tasks.push(until_shutdown(
        shutdown.clone(),
        forward_while_listened(
            hub.clone(),
            move || logs.subscribe(),
            |h, r| h.publish(r.timestamp, EventBody::Logs((*r).clone())),
        ),
    ));
    tasks.push(until_shutdown(
        shutdown.clone(),
        members(hub.clone(), src.membership.clone()),
    ));
    tasks.push(until_shutdown(
        shutdown.clone(),
        local_services(hub.clone(), src.node_id.clone(), src.services.clone()),
    ));
    if let Some(store) = &src.store {
        let h = hub.clone();
        tasks.push(until_shutdown(
            shutdown.clone(),
            forward(store.cert_changes(), move |c| {
                h.publish(now_ms(), EventBody::Certs(c))
            }),
        ));
    }
    if let Some(raft) = src.raft {
        tasks.push(until_shutdown(shutdown, leader(hub, raft)));
    }
    tasks
}

/// Publishes each member's state change (a join has no previous state) and forgets what
/// is held of a member the core forgot.
async fn members(hub: Arc<Hub>, membership: Arc<Membership>) {
    let mut rx = membership.changes();
    let mut states: HashMap<String, NodeState> = membership
        .nodes()
        .into_iter()
        .map(|n| (n.node_id, n.state))
        .collect();
    let publish = |states: &mut HashMap<String, NodeState>, node: &str| {
        let Some(info) = membership.node(node) else {
            return;
        };
        let previous = states.insert(info.node_id.clone(), info.state);
        if previous == Some(info.state) {
            return;
        }
        hub.publish(
            now_ms(),
            EventBody::Nodes(NodeChange {
                node_id: info.node_id,
                role: info.role,
                state: info.state,
                previous,
                api_address: info.api_address,
            }),
        );
    };
    loop {
        match rx.recv().await {
            Ok(Gossip::StateChanged { node, .. }) => publish(&mut states, &node),
            Ok(Gossip::Removed { node }) => {
                states.remove(&node);
                hub.forget_node(&node);
            }
            Ok(Gossip::MetaChanged { .. }) => {}
            // Missed some: compare every member with what was last published.
            Err(broadcast::error::RecvError::Lagged(_)) => {
                for n in membership.nodes() {
                    publish(&mut states, &n.node_id);
                }
            }
            Err(broadcast::error::RecvError::Closed) => return,
        }
    }
}

async fn local_services(hub: Arc<Hub>, node_id: String, services: Services) {
    let mut changes = services.changes();
    loop {
        hub.services_of(&node_id, services.instances());
        if changes.changed().await.is_err() {
            return;
        }
    }
}

async fn leader(hub: Arc<Hub>, raft: Arc<Replicator>) {
    let mut metrics = raft.raft().metrics();
    loop {
        let (leader, term) = raft.leader();
        hub.publish_leader(CoordinatorChange { leader, term });
        if metrics.changed().await.is_err() {
            return;
        }
    }
}
