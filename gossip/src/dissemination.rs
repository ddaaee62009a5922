//! Dissemination: the outgoing datagrams, the piggyback queue that rides on them, and the
//! periodic gossip round that carries queued news to a few random members (plus members
//! recently declared dead, so they can learn of it and refute).

use std::collections::VecDeque;
use std::net::SocketAddr;

use rand::rngs::SmallRng;

use crate::Millis;
use crate::broadcast::BroadcastQueue;
use crate::config::Config;
use crate::member::State;
use crate::swim::{Output, Stats, Table};
use crate::wire::{Msg, Packet, Update, VIEW_EXT_LEN, encoded_len};

#[derive(Debug)]
pub(crate) struct Dissemination {
    broadcasts: BroadcastQueue,
    out: VecDeque<Output>,
    next_gossip: Millis,
    /// Members declared dead within `gossip_to_dead` (still sent gossip).
    recent_dead: Vec<String>,
    /// A conviction or refutation waits to go out before the next regular round.
    urgent: bool,
}

impl Dissemination {
    pub fn new(next_gossip: Millis) -> Self {
        Self {
            broadcasts: BroadcastQueue::default(),
            out: VecDeque::new(),
            next_gossip,
            recent_dead: Vec::new(),
            urgent: false,
        }
    }

    pub fn forget_news(&mut self) {
        self.broadcasts = BroadcastQueue::default();
    }

    pub fn push(&mut self, update: Update) {
        self.broadcasts.push(update);
    }

    /// Whether news about `node`'s state is still queued.
    pub fn has_member_update(&self, node: &str) -> bool {
        self.broadcasts.has_member_update(node)
    }

    pub fn next_gossip(&self) -> Millis {
        self.next_gossip
    }

    pub fn poll(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    pub fn output(&mut self, o: Output) {
        self.out.push_back(o);
    }

    pub fn mark_urgent(&mut self) {
        self.urgent = true;
    }

    fn take_urgent(&mut self) -> bool {
        std::mem::take(&mut self.urgent)
    }

    pub fn noted_dead(&mut self, node: &str) {
        self.recent_dead.push(node.to_string());
    }

    /// Encodes `msg` with as many queued updates as fit, `first` ahead of them, and the
    /// short view hash `view` if given.
    #[allow(clippy::too_many_arguments)]
    pub fn send(
        &mut self,
        cfg: &Config,
        members: usize,
        stats: &mut Stats,
        to: SocketAddr,
        msg: Msg,
        first: Vec<Update>,
        view: Option<u32>,
    ) {
        let ext = if view.is_some() { VIEW_EXT_LEN } else { 0 };
        let base = encoded_len(&msg) + 3 + ext + first.iter().map(encoded_len).sum::<usize>();
        let budget = cfg.max_packet.saturating_sub(base);
        let limit = retransmit_limit(cfg, members);
        let mut updates = first;
        updates.extend(self.broadcasts.take(budget, limit));
        let payload = Packet { msg, updates }.encode_with_view(view);
        stats.packets_out += 1;
        stats.bytes_out += payload.len() as u64;
        self.out.push_back(Output::Send { to, payload });
    }

    /// Runs gossip rounds as `when` says: the urgent one and the scheduled one on a tick
    /// (then schedules the next), only an urgent one after a packet, or one right now.
    #[allow(clippy::too_many_arguments)]
    pub fn run(
        &mut self,
        when: Round,
        now: Millis,
        cfg: &Config,
        me: &str,
        table: &mut Table,
        rng: &mut SmallRng,
        stats: &mut Stats,
    ) {
        let (first, scheduled) = match when {
            Round::Now => (true, false),
            Round::IfUrgent => (self.take_urgent(), false),
            Round::Scheduled => (self.take_urgent(), now >= self.next_gossip),
        };
        if first {
            self.round(now, cfg, me, table, rng, stats);
        }
        if scheduled {
            self.round(now, cfg, me, table, rng, stats);
            self.next_gossip = now + cfg.gossip_interval;
        }
    }

    /// Sends queued news to `gossip_fanout` random members of the live ring and of the
    /// recently dead.
    fn round(
        &mut self,
        now: Millis,
        cfg: &Config,
        me: &str,
        table: &mut Table,
        rng: &mut SmallRng,
        stats: &mut Stats,
    ) {
        if self.broadcasts.is_empty() {
            return;
        }
        let gossip_to_dead = cfg.gossip_to_dead;
        self.recent_dead.retain(|n| {
            table.get(n).is_some_and(|m| {
                m.state == State::Dead && now.saturating_sub(m.state_changed) < gossip_to_dead
            })
        });
        table.refresh_ring();
        let ring_len = table.live_ring().len();
        let pool = ring_len + self.recent_dead.len();
        if pool <= 1 {
            return;
        }
        let picks = rand::seq::index::sample(rng, pool, cfg.gossip_fanout.min(pool));
        let mut addrs = Vec::new();
        for i in picks.iter() {
            let name = if i < ring_len {
                &table.live_ring()[i]
            } else {
                &self.recent_dead[i - ring_len]
            };
            if name == me {
                continue;
            }
            // Until an address has answered, every advertised one (only one may be routable).
            if let Some(m) = table.get(name) {
                addrs.extend(m.probe_addrs());
            }
        }
        let members = table.len();
        for addr in addrs {
            if self.broadcasts.is_empty() {
                break;
            }
            self.send(cfg, members, stats, addr, Msg::Gossip, Vec::new(), None);
        }
    }
}

/// When [`Dissemination::run`] gossips.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Round {
    /// A timer tick: a pending urgent round, and the periodic one when due.
    Scheduled,
    /// After a packet: only if something urgent (a conviction, a refutation) is queued.
    IfUrgent,
    /// Now, whatever is pending (a graceful leave).
    Now,
}

/// How many times each update is sent: `retransmit_mult · ceil(log10(N+1))`.
pub(crate) fn retransmit_limit(cfg: &Config, members: usize) -> u32 {
    let n = members as f64;
    cfg.retransmit_mult * ((n + 1.0).log10().ceil().max(1.0) as u32)
}
