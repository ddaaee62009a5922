//! The member table with its cached probe ring, and the borrows a sub-state (the prober,
//! dissemination) gets of a node while it acts.

use std::collections::HashMap;
use std::net::SocketAddr;

use rand::rngs::SmallRng;

use super::Stats;
use crate::config::Config;
use crate::dissemination::Dissemination;
use crate::member::Member;
use crate::wire::{Msg, Update};

/// The member table, and the probe ring cached from it: the sorted names of live members
/// (this node included).
#[derive(Debug, Default)]
pub(crate) struct Table {
    members: HashMap<String, Member>,
    ring: Vec<String>,
    ring_dirty: bool,
}

impl Table {
    pub fn get(&self, name: &str) -> Option<&Member> {
        self.members.get(name)
    }

    pub fn get_mut(&mut self, name: &str) -> Option<&mut Member> {
        self.members.get_mut(name)
    }

    pub fn values(&self) -> impl Iterator<Item = &Member> {
        self.members.values()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Member)> {
        self.members.iter()
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub(super) fn insert(&mut self, m: Member) {
        self.members.insert(m.name.clone(), m);
        self.ring_dirty = true;
    }

    pub(super) fn remove(&mut self, name: &str) {
        self.members.remove(name);
        self.ring_dirty = true;
    }

    /// A member's liveness changed: rebuild the ring before its next use.
    pub(super) fn ring_changed(&mut self) {
        self.ring_dirty = true;
    }

    pub fn refresh_ring(&mut self) {
        if self.ring_dirty {
            let mut ring: Vec<String> = self
                .members
                .values()
                .filter(|m| m.state.is_live())
                .map(|m| m.name.clone())
                .collect();
            ring.sort();
            self.ring = ring;
            self.ring_dirty = false;
        }
    }

    /// The ring as last refreshed.
    pub fn live_ring(&self) -> &[String] {
        &self.ring
    }

    pub fn ring(&mut self) -> &[String] {
        self.refresh_ring();
        &self.ring
    }
}

/// What a sub-state may use while it acts: disjoint borrows of the node's fields.
pub(crate) struct Parts<'a> {
    pub cfg: &'a Config,
    pub me: &'a str,
    pub table: &'a mut Table,
    pub rng: &'a mut SmallRng,
    pub stats: &'a mut Stats,
    pub gossip: &'a mut Dissemination,
    /// Attach our view hash to the pings we start: no ack has shown an equal view since the
    /// last push-pull was due (see `sync.rs`).
    pub view_wanted: bool,
    /// The packet being handled carried the sender's view hash: answer with ours.
    pub view_asked: bool,
}

impl Parts<'_> {
    /// Sends `msg` with `first` and as much queued news as fits.
    pub fn send(&mut self, to: SocketAddr, msg: Msg, first: Vec<Update>) {
        let members = self.table.len();
        self.gossip
            .send(self.cfg, members, self.stats, to, msg, first, None);
    }

    /// Like [`Parts::send`], with this node's short view hash after the packet if `view`.
    pub fn send_viewed(&mut self, to: SocketAddr, msg: Msg, first: Vec<Update>, view: bool) {
        let members = self.table.len();
        let view = view.then(|| crate::sync::short_view_hash(self.table));
        self.gossip
            .send(self.cfg, members, self.stats, to, msg, first, view);
    }
}
