//! What the API handlers and background tasks of one node share: the node's subsystems
//! and, on coordinators, the control plane. Built once by `node::start`.

use std::sync::Arc;

use p2p_shared::api::NodeRole;

use crate::logs::Logs;
use crate::membership::Membership;
use crate::membership::rotation::Keyring;
use crate::operators::{TokenKeys, Users};
use crate::pki::NodePki;
use crate::pki::issuer::Issuer;
use crate::pki::renew::RenewHandle;
use crate::raft::replicator::Replicator;
use crate::services::Services;
use crate::store::{Store, Writer};

#[derive(Debug)]
pub struct NodeContext {
    pub node_id: String,
    pub role: NodeRole,
    pub version: String,
    pub pki: Arc<NodePki>,
    pub renewer: RenewHandle,
    pub membership: Arc<Membership>,
    pub services: Services,
    pub logs: Logs,
    /// This node's resource samples and the API's request counters.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Live events for WebSocket clients.
    pub events: Arc<crate::events::Hub>,
    /// Becomes true when the node shuts down (ends follow streams).
    pub shutdown: tokio::sync::watch::Receiver<bool>,
    /// Connection pools, request budgets and login throttling (the listener shares them).
    pub limits: Arc<crate::limits::Limits>,
    /// Present on coordinators only.
    pub control: Option<ControlPlane>,
    /// `svc status` answers, kept briefly and built once for simultaneous askers.
    pub service_status:
        crate::cache::Coalesced<ServiceStatusKey, p2p_shared::services::ServiceStatusList>,
    /// The coordinators' shared cache (Redis), when `redis_url` is set.
    pub shared: Option<Arc<crate::cache::shared::Shared>>,
}

impl NodeContext {
    /// Every in-memory cache of this node, with its counters (a worker verifies no
    /// tokens: it has no credential cache).
    pub fn cache_stats(&self) -> Vec<p2p_shared::api::CacheStats> {
        let mut stats: Vec<_> = self
            .control
            .iter()
            .flat_map(|c| std::iter::once(c.tokens.cache_stats()).chain(c.store.cache_stats()))
            .collect();
        stats.push(self.service_status.stats());
        stats.extend(self.shared.iter().flat_map(|s| s.stats()));
        stats
    }
}

/// What a kept `svc status` answer depends on: the service, the node asked about, the
/// changes seen of the service's instances, and its instances as gossip shows them.
pub type ServiceStatusKey = (String, Option<String>, u64, String);

/// A coordinator's control plane.
#[derive(Debug)]
pub struct ControlPlane {
    /// The replicated store, for reads; writes go through `writer`.
    pub store: Arc<Store>,
    /// Where control-plane changes go: the Raft log (`raft`), applied on every coordinator.
    pub writer: Arc<dyn Writer>,
    pub raft: Arc<Replicator>,
    pub users: Users,
    pub tokens: Arc<TokenKeys>,
    pub issuer: Arc<Issuer>,
    /// The ACME server's own state (nonces, the `http-01` client).
    pub acme: Arc<crate::acme::Acme>,
    /// The gossip keyring in force (long-pollers wait on it) and its rotation.
    pub keyring: Keyring,
}
