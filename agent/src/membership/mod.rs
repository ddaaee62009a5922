//! Cluster membership: the sans-IO SWIM core (`p2p-gossip`) driven over sealed UDP on the
//! HTTPS port number, push-pull anti-entropy over mTLS, persistence of the view, and the
//! discovery data the API serves.

pub mod revocations;
pub mod rotation;
mod runner;
pub mod seal;
pub mod sync;

use std::sync::{Arc, Mutex, MutexGuard};

use p2p_gossip::{Member, Millis, State, Swim};

pub use crate::clock::Clock;
use p2p_shared::api::{NodeInfo, NodeRole, NodeState};
use time::OffsetDateTime;
use tokio::sync::Notify;

pub use runner::{MembershipOptions, Running, build, spawn};
pub use seal::{Keys, Sealer};
pub use sync::{MAX_SYNC_BODY, SYNC_CONTENT_TYPE, SyncError};

/// Metadata keys every node publishes.
pub const META_ROLE: &str = "role";
pub const META_VERSION: &str = "version";
pub const META_CERT_SERIAL: &str = "cert_serial";
pub const META_CERT_NOT_AFTER: &str = "cert_not_after";
pub const META_KEYRING: &str = "gossip_keyring";

/// Changes kept for receivers that fall behind (the event feed compares every member
/// again when it missed some).
const CHANGES_KEPT: usize = 64;

/// Shared between the runner, the sync tasks and the API.
pub struct Membership {
    swim: Mutex<Swim>,
    pub clock: Clock,
    pub sealer: Arc<Sealer>,
    /// Wakes the runner when something outside it queued work in the core.
    pub(crate) wake: Notify,
    pub node_id: String,
    /// What the core reported changed (live events; a receiver that falls behind misses
    /// some, the runner never waits).
    changes: tokio::sync::broadcast::Sender<p2p_gossip::Event>,
}

impl std::fmt::Debug for Membership {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Membership")
            .field("node_id", &self.node_id)
            .finish_non_exhaustive()
    }
}

fn state_of(s: State) -> NodeState {
    match s {
        State::Alive => NodeState::Alive,
        State::Suspect => NodeState::Suspect,
        State::Dead => NodeState::Dead,
        State::Left => NodeState::Left,
    }
}

fn ms_to_time(ms: Millis) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

impl Membership {
    pub fn new(swim: Swim, clock: Clock, sealer: Arc<Sealer>) -> Membership {
        let node_id = swim.name().to_string();
        Membership {
            swim: Mutex::new(swim),
            clock,
            sealer,
            wake: Notify::new(),
            node_id,
            changes: tokio::sync::broadcast::Sender::new(CHANGES_KEPT),
        }
    }

    pub(crate) fn core(&self) -> MutexGuard<'_, Swim> {
        // The core is plain data; a panic elsewhere cannot leave it half-updated in a way
        // later protocol steps would not repair.
        self.swim.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Members' state and metadata changes from now on.
    pub fn changes(&self) -> tokio::sync::broadcast::Receiver<p2p_gossip::Event> {
        self.changes.subscribe()
    }

    pub(crate) fn publish_change(&self, e: &p2p_gossip::Event) {
        if self.changes.receiver_count() > 0 {
            let _ = self.changes.send(e.clone());
        }
    }

    /// One metadata value of a member.
    pub fn meta(&self, node: &str, key: &str) -> Option<String> {
        self.core()
            .member(node)
            .and_then(|m| m.meta_value(key))
            .map(str::to_string)
    }

    /// Sets one of this node's metadata keys; the runner sends it out.
    pub fn set_meta(&self, key: &str, value: Option<String>) {
        self.core().set_meta(key, value);
        self.wake.notify_one();
    }

    /// Every member, this node included, sorted by name.
    pub fn nodes(&self) -> Vec<NodeInfo> {
        let core = self.core();
        let mut nodes: Vec<NodeInfo> = core.members().map(node_info).collect();
        nodes.sort_by(|a, b| a.node_id.cmp(&b.node_id));
        nodes
    }

    /// An operator's word that the dead member `name` is gone for good (see
    /// [`p2p_gossip::Swim::force_leave`]); the runner sends the news out at once.
    pub fn force_leave(&self, name: &str) -> Result<(), p2p_gossip::ForceLeaveError> {
        let now = self.clock.now();
        self.core().force_leave(now, name)?;
        self.wake.notify_one();
        Ok(())
    }

    pub fn node(&self, name: &str) -> Option<NodeInfo> {
        self.core().member(name).map(node_info)
    }

    /// Every member's incarnation (a refutation bumps it: a flap leaves a trace here).
    pub fn incarnations(&self) -> std::collections::BTreeMap<String, u64> {
        self.core()
            .members()
            .map(|m| (m.name.clone(), m.incarnation))
            .collect()
    }

    pub fn stats(&self) -> p2p_shared::api::GossipStats {
        use std::sync::atomic::Ordering::Relaxed;
        let core = self.core();
        let count = |s: State| core.members().filter(|m| m.state == s).count() as u64;
        let c = core.stats();
        let t = &self.sealer.stats;
        p2p_shared::api::GossipStats {
            node_id: self.node_id.clone(),
            incarnation: core.incarnation(),
            local_health: core.awareness(),
            keyring_version: self.sealer.key_version(),
            members_alive: count(State::Alive),
            members_suspect: count(State::Suspect),
            members_dead: count(State::Dead),
            members_left: count(State::Left),
            probes: c.probes,
            probes_failed: c.probes_failed,
            refutations: c.refutations,
            stalls: c.stalls,
            datagrams_sent: t.sealed.load(Relaxed),
            datagrams_received: t.opened.load(Relaxed),
            datagrams_compressed: t.compressed.load(Relaxed),
            compression_bytes_saved: t.bytes_saved.load(Relaxed),
            dropped_oversized: t.oversized.load(Relaxed),
            dropped_malformed: t.malformed.load(Relaxed),
            dropped_unauthenticated: t.unauthenticated.load(Relaxed),
            dropped_replayed: t.replayed.load(Relaxed),
            dropped_undecodable: c.undecodable,
        }
    }

    /// Live members, this node excluded.
    pub fn live_peers(&self) -> usize {
        self.core().live_peers()
    }
}

fn node_info(m: &Member) -> NodeInfo {
    let role = match m.meta_value(META_ROLE) {
        Some("coordinator") => NodeRole::Coordinator,
        _ => NodeRole::Worker,
    };
    let api = m.preferred.or_else(|| m.addrs.first().copied());
    NodeInfo {
        node_id: m.name.clone(),
        role,
        state: state_of(m.state),
        addresses: m.addrs.iter().map(|a| a.ip().to_string()).collect(),
        api_address: api.map(|a| a.to_string()).unwrap_or_default(),
        version: m.meta_value(META_VERSION).unwrap_or_default().to_string(),
        cert_serial: m.meta_value(META_CERT_SERIAL).map(str::to_string),
        cert_not_after: m
            .meta_value(META_CERT_NOT_AFTER)
            .and_then(|s| s.parse::<i64>().ok())
            .and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok()),
        last_state_change: ms_to_time(m.state_changed),
    }
}
