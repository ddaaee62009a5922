//! The membership state machine: the member table and its merge rules (incarnations,
//! per-origin metadata versions), refutation, and Lifeguard suspicion. Probing lives in
//! `probe.rs`, dissemination in `dissemination.rs`, anti-entropy in `sync.rs`.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;

use rand::SeedableRng;
use rand::rngs::SmallRng;

use crate::Millis;
use crate::config::Config;
use crate::dissemination::{Dissemination, Round};
mod merge;
mod metadata;
mod table;

pub(crate) use table::{Parts, Table};

use crate::member::{Member, State};
use crate::probe::Prober;
use crate::suspicion::Suspicion;
use crate::sync::SyncSchedule;
use crate::wire::{Packet, Update};

/// Largest incarnation or metadata version accepted (far beyond any real count of restarts
/// and refutations, far below overflow).
pub const MAX_INCARNATION: u64 = 1 << 48;
/// Largest step an update may take above the incarnation we hold of a member. Honest
/// incarnations step by one per refutation or restart; a jump to near the top of the range
/// would leave the member no room to refute, so it is refused, and walking there takes an
/// attacker 2^28 forged (and each refuted) updates.
pub const MAX_INCARNATION_STEP: u64 = 1 << 20;
/// Most metadata keys one member may carry, and their total size in bytes (keys and values).
pub const MAX_META_KEYS: usize = 128;
pub const MAX_META_BYTES: usize = 32 * 1024;

/// What the caller must do.
/// Why [`Swim::force_leave`] refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForceLeaveError {
    #[error("a node cannot force itself out; stop it, and it leaves")]
    Own,
    #[error("no member named `{0}`")]
    Unknown(String),
    #[error("`{0}` is alive: stop it, and it leaves by itself")]
    Alive(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Send this (plaintext) payload as one datagram.
    Send { to: SocketAddr, payload: Vec<u8> },
    /// Run a push-pull exchange with `node` over the stream channel, then hand the result to
    /// [`Swim::apply_sync`].
    Sync {
        node: String,
        addrs: Vec<SocketAddr>,
    },
}

/// What changed, for logs, persistence and the API.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    StateChanged {
        node: String,
        state: State,
        incarnation: u64,
    },
    MetaChanged {
        node: String,
    },
    Removed {
        node: String,
    },
}

/// Counters, exported as metrics and used by the benchmarks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    pub packets_in: u64,
    pub packets_out: u64,
    pub bytes_out: u64,
    pub undecodable: u64,
    pub misdirected: u64,
    pub probes: u64,
    pub probes_failed: u64,
    pub refutations: u64,
    pub stalls: u64,
    /// Metadata updates refused for exceeding the per-member caps.
    pub meta_refused: u64,
    /// Push-pull exchanges with a live member begun, and skipped because an ack since the
    /// previous one showed a peer with the same view.
    pub syncs_started: u64,
    pub syncs_skipped: u64,
}

/// One node's membership core. The member table and the merge rules live here; the failure
/// detector (`probe.rs`), dissemination (`dissemination.rs`) and the push-pull schedule
/// (`sync.rs`) own their state and get the table lent to them when they act.
pub struct Swim {
    cfg: Config,
    me: String,
    table: Table,
    suspicions: HashMap<String, Suspicion>,
    rng: SmallRng,
    events: VecDeque<Event>,
    stats: Stats,
    prober: Prober,
    gossip: Dissemination,
    sync: SyncSchedule,
    last_tick: Option<Millis>,
    leaving: bool,
}

impl Swim {
    /// A node named `me`, reachable at `addrs`, starting at `incarnation` (persist the
    /// incarnation and start above it after a restart; refutation corrects it otherwise).
    pub fn new(
        cfg: Config,
        me: &str,
        addrs: Vec<SocketAddr>,
        incarnation: u64,
        seed: u64,
        now: Millis,
    ) -> Swim {
        let mut table = Table::default();
        table.insert(Member::new(me.to_string(), incarnation, addrs.clone(), now));
        let mut rng = SmallRng::seed_from_u64(seed);
        // A random first sequence number: an ack left over from an earlier run of this node
        // does not match a probe of this one.
        let first_seq = rand::Rng::r#gen::<u32>(&mut rng);
        let jitter = |rng: &mut SmallRng, span: Millis| rand::Rng::gen_range(rng, 0..span.max(1));
        let next_probe = now + jitter(&mut rng, cfg.probe_interval);
        let next_gossip = now + jitter(&mut rng, cfg.gossip_interval);
        let next_sync = now + cfg.sync_interval_min + jitter(&mut rng, cfg.sync_interval_min);
        let mut swim = Swim {
            cfg,
            me: me.to_string(),
            table,
            suspicions: HashMap::new(),
            rng,
            events: VecDeque::new(),
            stats: Stats::default(),
            prober: Prober::new(first_seq, next_probe),
            gossip: Dissemination::new(next_gossip),
            sync: SyncSchedule::new(next_sync, now),
            last_tick: None,
            leaving: false,
        };
        swim.gossip.push(Update::Alive {
            node: me.to_string(),
            incarnation,
            addrs,
        });
        swim
    }

    pub fn name(&self) -> &str {
        &self.me
    }

    pub fn incarnation(&self) -> u64 {
        self.table.get(&self.me).map(|m| m.incarnation).unwrap_or(0)
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    pub fn members(&self) -> impl Iterator<Item = &Member> {
        self.table.values()
    }

    pub fn member(&self, name: &str) -> Option<&Member> {
        self.table.get(name)
    }

    /// Drops queued news (the simulator starts converged clusters quiet).
    pub(crate) fn forget_news(&mut self) {
        self.gossip.forget_news();
    }

    pub(crate) fn table(&self) -> &Table {
        &self.table
    }

    pub(crate) fn suspicion(&self, name: &str) -> Option<&Suspicion> {
        self.suspicions.get(name)
    }

    pub(crate) fn sync_schedule(&self) -> &SyncSchedule {
        &self.sync
    }

    /// Lends the failure detector the parts it acts on.
    fn prober_parts(&mut self) -> (&mut Prober, Parts<'_>) {
        (
            &mut self.prober,
            Parts {
                cfg: &self.cfg,
                me: &self.me,
                table: &mut self.table,
                rng: &mut self.rng,
                stats: &mut self.stats,
                gossip: &mut self.gossip,
                view_wanted: !self.sync.in_sync(),
                view_asked: false,
            },
        )
    }

    /// Live members other than this node.
    pub fn live_peers(&self) -> usize {
        self.table
            .values()
            .filter(|m| m.state.is_live() && m.name != self.me)
            .count()
    }

    pub fn awareness(&self) -> u32 {
        self.prober.awareness()
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    pub fn poll_output(&mut self) -> Option<Output> {
        self.gossip.poll()
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Replaces the advertised addresses (a new interface, a renumbered host).
    pub fn set_addrs(&mut self, addrs: Vec<SocketAddr>) {
        let Some(me) = self.table.get(&self.me) else {
            return;
        };
        if me.addrs == addrs {
            return;
        }
        let inc = me.incarnation + 1;
        self.set_self_alive(inc, addrs);
    }

    /// Graceful leave: announces `left` and stops refuting. Keep ticking until
    /// [`Swim::leave_sent`] (or a short deadline) so the news gets out.
    pub fn leave(&mut self, now: Millis) {
        self.leaving = true;
        let inc = self.incarnation();
        self.apply_update(
            now,
            Update::Left {
                node: self.me.clone(),
                incarnation: inc,
            },
        );
        self.gossip(Round::Now, now);
    }

    /// An operator's word that a dead member is gone for good: marks it left at the
    /// incarnation it died with and tells everyone, so every view lets it go (and stops
    /// counting it). Only a dead (or suspected) member: one that is alive would refute it
    /// at once. If it does come back, it refutes as after any false report.
    pub fn force_leave(&mut self, now: Millis, name: &str) -> Result<(), ForceLeaveError> {
        if name == self.me {
            return Err(ForceLeaveError::Own);
        }
        let m = self
            .table
            .get(name)
            .ok_or_else(|| ForceLeaveError::Unknown(name.to_string()))?;
        let incarnation = m.incarnation;
        match m.state {
            State::Dead | State::Suspect => {}
            State::Left => return Ok(()),
            State::Alive => return Err(ForceLeaveError::Alive(name.to_string())),
        }
        self.apply_update(
            now,
            Update::Left {
                node: name.to_string(),
                incarnation,
            },
        );
        self.gossip(Round::Now, now);
        Ok(())
    }

    pub fn leave_sent(&self) -> bool {
        !self.gossip.has_member_update(&self.me)
    }

    fn gossip(&mut self, when: Round, now: Millis) {
        let (cfg, me) = (&self.cfg, self.me.as_str());
        let (table, rng, stats) = (&mut self.table, &mut self.rng, &mut self.stats);
        self.gossip.run(when, now, cfg, me, table, rng, stats);
    }

    /// The earliest time [`Swim::tick`] has work to do.
    pub fn next_wakeup(&self) -> Millis {
        let mut t = self
            .gossip
            .next_gossip()
            .min(self.sync.next())
            .min(self.prober.next_deadline());
        for s in self.suspicions.values() {
            t = t.min(s.deadline());
        }
        t
    }

    /// Advances timers to `now`.
    pub fn tick(&mut self, now: Millis) {
        if let Some(last) = self.last_tick
            && now.saturating_sub(last) > self.cfg.stall_threshold
        {
            self.on_stall(now, now - last);
        }
        self.last_tick = Some(now);
        let (prober, mut parts) = self.prober_parts();
        prober.expire_relays(now, &mut parts);
        if let Some(failed) = prober.advance(now, &mut parts) {
            self.suspect(now, &failed);
        }
        let (prober, mut parts) = self.prober_parts();
        prober.start_if_due(now, &mut parts);
        self.expire_suspicions(now);
        // A conviction or a refutation goes out now, not at the next gossip tick.
        self.gossip(Round::Scheduled, now);
        if now >= self.sync.next() {
            self.reap(now);
            let (cfg, me) = (&self.cfg, self.me.as_str());
            let outs = self
                .sync
                .plan(now, cfg, me, &self.table, &mut self.rng, &mut self.stats);
            for o in outs {
                self.gossip.output(o);
            }
        }
    }

    /// We were not running for `gap` ms: nothing we failed to hear in that time is evidence
    /// against others. Drop the pending probe without penalty, push suspicion deadlines back
    /// by the gap so refutations waiting in our socket buffer are read first, and slow down.
    fn on_stall(&mut self, now: Millis, gap: Millis) {
        self.stats.stalls += 1;
        for s in self.suspicions.values_mut() {
            s.start += gap;
        }
        self.prober.stall(now, &self.cfg);
    }

    /// Handles one decrypted datagram from `from`.
    pub fn handle_packet(&mut self, now: Millis, from: SocketAddr, payload: &[u8]) {
        self.stats.packets_in += 1;
        let (packet, view) = match Packet::decode_with_view(payload) {
            Ok(p) => p,
            Err(_) => {
                self.stats.undecodable += 1;
                return;
            }
        };
        for u in packet.updates {
            self.apply_update(now, u);
        }
        if view.is_some_and(|v| v == crate::sync::short_view_hash(&self.table)) {
            self.sync.agreed(now);
        }
        let (prober, mut parts) = self.prober_parts();
        parts.view_asked = view.is_some();
        prober.handle(now, from, packet.msg, &mut parts);
        self.gossip(Round::IfUrgent, now);
    }
}
