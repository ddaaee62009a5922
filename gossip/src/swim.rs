//! The membership state machine: merge rules, refutation, suspicion and dissemination.
//! Probing lives in `probe.rs`, anti-entropy in `sync.rs`.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;

use rand::SeedableRng;
use rand::rngs::SmallRng;

use crate::Millis;
use crate::broadcast::BroadcastQueue;
use crate::config::Config;
use crate::member::{Member, MetaEntry, State};
use crate::probe::{Probe, Relay};
use crate::suspicion::Suspicion;
use crate::wire::{Msg, Packet, Update, encoded_len};

/// Largest incarnation or metadata version accepted (far beyond any real count of restarts
/// and refutations, far below overflow).
pub const MAX_INCARNATION: u64 = 1 << 48;

/// What the caller must do.
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
}

pub struct Swim {
    pub(crate) cfg: Config,
    pub(crate) me: String,
    pub(crate) members: HashMap<String, Member>,
    pub(crate) suspicions: HashMap<String, Suspicion>,
    pub(crate) broadcasts: BroadcastQueue,
    pub(crate) rng: SmallRng,
    pub(crate) out: VecDeque<Output>,
    events: VecDeque<Event>,
    pub(crate) stats: Stats,
    /// Sorted names of live members (self included): the probe ring.
    pub(crate) ring: Vec<String>,
    ring_dirty: bool,
    /// Members declared dead within `gossip_to_dead` (still sent gossip).
    recent_dead: Vec<String>,
    pub(crate) probe: Option<Probe>,
    pub(crate) relays: HashMap<u32, Relay>,
    pub(crate) confirm_queue: VecDeque<String>,
    pub(crate) seq: u32,
    pub(crate) awareness: u32,
    pub(crate) next_probe: Millis,
    next_gossip: Millis,
    pub(crate) next_sync: Millis,
    /// Last time a member changed state; push-pull runs at the fast end of its range while
    /// the cluster churns.
    pub(crate) last_churn: Millis,
    last_tick: Option<Millis>,
    leaving: bool,
    urgent: bool,
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
        let mut members = HashMap::new();
        members.insert(
            me.to_string(),
            Member::new(me.to_string(), incarnation, addrs.clone(), now),
        );
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
            members,
            suspicions: HashMap::new(),
            broadcasts: BroadcastQueue::default(),
            rng,
            out: VecDeque::new(),
            events: VecDeque::new(),
            stats: Stats::default(),
            ring: Vec::new(),
            ring_dirty: true,
            recent_dead: Vec::new(),
            probe: None,
            relays: HashMap::new(),
            confirm_queue: VecDeque::new(),
            seq: first_seq,
            awareness: 0,
            next_probe,
            next_gossip,
            next_sync,
            last_churn: now,
            last_tick: None,
            leaving: false,
            urgent: false,
        };
        swim.broadcasts.push(Update::Alive {
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
        self.members
            .get(&self.me)
            .map(|m| m.incarnation)
            .unwrap_or(0)
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    pub fn members(&self) -> impl Iterator<Item = &Member> {
        self.members.values()
    }

    pub fn member(&self, name: &str) -> Option<&Member> {
        self.members.get(name)
    }

    /// Live members other than this node.
    pub fn live_peers(&self) -> usize {
        self.members
            .values()
            .filter(|m| m.state.is_live() && m.name != self.me)
            .count()
    }

    pub fn awareness(&self) -> u32 {
        self.awareness
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Sets (or with `None` deletes) one of this node's metadata keys and disseminates it.
    pub fn set_meta(&mut self, key: &str, value: Option<String>) {
        let Some(me) = self.members.get_mut(&self.me) else {
            return;
        };
        if me.meta.get(key).map(|e| &e.value) == Some(&value) {
            return;
        }
        me.meta_version += 1;
        let version = me.meta_version;
        me.meta.insert(
            key.to_string(),
            MetaEntry {
                value: value.clone(),
                version,
            },
        );
        self.broadcasts.push(Update::Meta {
            node: self.me.clone(),
            key: key.to_string(),
            value,
            version,
        });
        self.events.push_back(Event::MetaChanged {
            node: self.me.clone(),
        });
    }

    /// Replaces the advertised addresses (a new interface, a renumbered host).
    pub fn set_addrs(&mut self, addrs: Vec<SocketAddr>) {
        let Some(me) = self.members.get(&self.me) else {
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
        self.gossip_round(now);
    }

    pub fn leave_sent(&self) -> bool {
        !self.broadcasts.has_member_update(&self.me)
    }

    /// The earliest time [`Swim::tick`] has work to do.
    pub fn next_wakeup(&self) -> Millis {
        let mut t = self.next_gossip.min(self.next_sync);
        match &self.probe {
            Some(p) => t = t.min(p.next_deadline()),
            None => t = t.min(self.next_probe),
        }
        for r in self.relays.values() {
            t = t.min(r.deadline);
        }
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
        self.expire_relays(now);
        self.advance_probe(now);
        self.expire_suspicions(now);
        if std::mem::take(&mut self.urgent) {
            // A conviction or a refutation goes out now, not at the next gossip tick.
            self.gossip_round(now);
        }
        if now >= self.next_gossip {
            self.gossip_round(now);
            self.next_gossip = now + self.cfg.gossip_interval;
        }
        if now >= self.next_sync {
            self.schedule_sync(now);
        }
    }

    /// We were not running for `gap` ms: nothing we failed to hear in that time is evidence
    /// against others. Drop the pending probe without penalty, push suspicion deadlines back
    /// by the gap so refutations waiting in our socket buffer are read first, and slow down.
    fn on_stall(&mut self, now: Millis, gap: Millis) {
        self.stats.stalls += 1;
        self.probe = None;
        self.relays.clear();
        for s in self.suspicions.values_mut() {
            s.start += gap;
        }
        self.bump_awareness(1);
        self.next_probe = now + self.probe_interval();
    }

    pub(crate) fn probe_interval(&self) -> Millis {
        self.cfg.probe_interval * (1 + self.awareness as Millis)
    }

    pub(crate) fn bump_awareness(&mut self, delta: i64) {
        let max = self.cfg.awareness_max.saturating_sub(1) as i64;
        self.awareness = (self.awareness as i64 + delta).clamp(0, max) as u32;
    }

    /// Handles one decrypted datagram from `from`.
    pub fn handle_packet(&mut self, now: Millis, from: SocketAddr, payload: &[u8]) {
        self.stats.packets_in += 1;
        let packet = match Packet::decode(payload) {
            Ok(p) => p,
            Err(_) => {
                self.stats.undecodable += 1;
                return;
            }
        };
        for u in packet.updates {
            self.apply_update(now, u);
        }
        self.handle_msg(now, from, packet.msg);
        if std::mem::take(&mut self.urgent) {
            self.gossip_round(now);
        }
    }

    pub(crate) fn retransmit_limit(&self) -> u32 {
        let n = self.members.len() as f64;
        self.cfg.retransmit_mult * ((n + 1.0).log10().ceil().max(1.0) as u32)
    }

    /// Encodes `msg` with as many queued updates as fit, `first` ahead of them.
    pub(crate) fn send(&mut self, to: SocketAddr, msg: Msg, first: Vec<Update>) {
        let base = encoded_len(&msg) + 3 + first.iter().map(encoded_len).sum::<usize>();
        let budget = self.cfg.max_packet.saturating_sub(base);
        let limit = self.retransmit_limit();
        let mut updates = first;
        updates.extend(self.broadcasts.take(budget, limit));
        let payload = Packet { msg, updates }.encode();
        self.stats.packets_out += 1;
        self.stats.bytes_out += payload.len() as u64;
        self.out.push_back(Output::Send { to, payload });
    }

    fn gossip_round(&mut self, now: Millis) {
        if self.broadcasts.is_empty() {
            return;
        }
        // Candidates: the live ring (cached, sorted) plus members dead for less than
        // `gossip_to_dead`, so they can learn of their death and refute.
        let gossip_to_dead = self.cfg.gossip_to_dead;
        let members = &self.members;
        self.recent_dead.retain(|n| {
            members.get(n).is_some_and(|m| {
                m.state == State::Dead && now.saturating_sub(m.state_changed) < gossip_to_dead
            })
        });
        let me = self.me.clone();
        let ring_len = self.ring().len();
        let pool = ring_len + self.recent_dead.len();
        if pool <= 1 {
            return;
        }
        let picks = rand::seq::index::sample(&mut self.rng, pool, self.cfg.gossip_fanout.min(pool));
        let mut addrs = Vec::new();
        for i in picks.iter() {
            let name = if i < ring_len {
                &self.ring[i]
            } else {
                &self.recent_dead[i - ring_len]
            };
            if *name == me {
                continue;
            }
            // Until an address has answered, every advertised one (only one may be routable).
            if let Some(m) = self.members.get(name) {
                addrs.extend(m.probe_addrs());
            }
        }
        for addr in addrs {
            if self.broadcasts.is_empty() {
                break;
            }
            self.send(addr, Msg::Gossip, Vec::new());
        }
    }

    pub(crate) fn ring(&mut self) -> &[String] {
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
        &self.ring
    }

    fn set_state(&mut self, now: Millis, node: &str, state: State, incarnation: u64) {
        let Some(m) = self.members.get_mut(node) else {
            return;
        };
        let changed = m.state != state;
        let liveness_changed = m.state.is_live() != state.is_live();
        m.incarnation = incarnation;
        m.state = state;
        if changed {
            m.state_changed = now;
            // Alive <-> suspect keeps a member in the probe ring.
            self.ring_dirty |= liveness_changed;
            if state == State::Dead {
                self.recent_dead.push(node.to_string());
            }
            self.last_churn = now;
            self.events.push_back(Event::StateChanged {
                node: node.to_string(),
                state,
                incarnation,
            });
        }
        if state != State::Suspect {
            self.suspicions.remove(node);
        }
    }

    fn set_self_alive(&mut self, incarnation: u64, addrs: Vec<SocketAddr>) {
        if let Some(me) = self.members.get_mut(&self.me) {
            me.incarnation = incarnation;
            me.addrs = addrs.clone();
            if !me.state.is_live() {
                me.state = State::Alive;
                self.ring_dirty = true;
            }
        }
        self.broadcasts.push(Update::Alive {
            node: self.me.clone(),
            incarnation,
            addrs,
        });
    }

    /// Someone believes we are suspect, dead or gone at `seen`: out-bid it.
    fn refute(&mut self, seen: u64) {
        if self.leaving {
            return;
        }
        self.stats.refutations += 1;
        let inc = self.incarnation().max(seen).saturating_add(1);
        let addrs = self
            .members
            .get(&self.me)
            .map(|m| m.addrs.clone())
            .unwrap_or_default();
        self.set_self_alive(inc, addrs);
        self.urgent = true;
        // Being suspected is a hint that we are the slow one (Lifeguard).
        self.bump_awareness(1);
    }

    /// Someone spread bad news older than the good news we hold about `node`: spread ours
    /// again, so a member that missed a refutation catches up before convicting anyone.
    fn reannounce(&mut self, node: &str) {
        if self.broadcasts.has_member_update(node) {
            return;
        }
        if let Some(m) = self.members.get(node) {
            let update = Update::Alive {
                node: m.name.clone(),
                incarnation: m.incarnation,
                addrs: m.addrs.clone(),
            };
            self.broadcasts.push(update);
        }
    }

    /// Applies one update (from gossip or push-pull); returns whether it taught us anything.
    pub(crate) fn apply_update(&mut self, now: Millis, u: Update) -> bool {
        // Incarnations and versions only ever step by one; a value near the top of the range
        // is an attempt to make a member unrefutable.
        let absurd = match &u {
            Update::Alive { incarnation, .. }
            | Update::Suspect { incarnation, .. }
            | Update::Dead { incarnation, .. }
            | Update::Left { incarnation, .. } => *incarnation > MAX_INCARNATION,
            Update::Meta { version, .. } => *version > MAX_INCARNATION,
        };
        if absurd {
            self.stats.undecodable += 1;
            return false;
        }
        match u {
            Update::Alive {
                node,
                incarnation,
                addrs,
            } => self.on_alive(now, node, incarnation, addrs),
            Update::Suspect {
                node,
                incarnation,
                from,
            } => self.on_suspect(now, node, incarnation, from),
            Update::Dead {
                node,
                incarnation,
                from,
            } => self.on_dead(now, node, incarnation, from, false),
            Update::Left { node, incarnation } => {
                self.on_dead(now, node, incarnation, String::new(), true)
            }
            Update::Meta {
                node,
                key,
                value,
                version,
            } => self.on_meta(node, key, value, version),
        }
    }

    fn on_alive(&mut self, now: Millis, node: String, inc: u64, addrs: Vec<SocketAddr>) -> bool {
        if node == self.me {
            let mine = self.incarnation();
            let my_addrs = self
                .members
                .get(&self.me)
                .map(|m| m.addrs.clone())
                .unwrap_or_default();
            // An older claim about us, or a stale address list at our own incarnation.
            if inc > mine || (inc == mine && addrs != my_addrs) {
                self.refute(inc);
            }
            return false;
        }
        match self.members.get_mut(&node) {
            None => {
                if self.members.len() >= self.cfg.max_members {
                    return false;
                }
                self.members.insert(
                    node.clone(),
                    Member::new(node.clone(), inc, addrs.clone(), now),
                );
                self.ring_dirty = true;
                self.last_churn = now;
                self.events.push_back(Event::StateChanged {
                    node: node.clone(),
                    state: State::Alive,
                    incarnation: inc,
                });
            }
            Some(m) => {
                let newer = inc > m.incarnation;
                if !newer {
                    return false;
                }
                if m.preferred.is_some_and(|p| !addrs.contains(&p)) {
                    m.preferred = None;
                }
                m.addrs = addrs.clone();
                self.set_state(now, &node, State::Alive, inc);
            }
        }
        self.broadcasts.push(Update::Alive {
            node,
            incarnation: inc,
            addrs,
        });
        true
    }

    fn on_suspect(&mut self, now: Millis, node: String, inc: u64, from: String) -> bool {
        if node == self.me {
            if inc >= self.incarnation() {
                self.refute(inc);
            } else {
                self.reannounce(&node);
            }
            return false;
        }
        let Some(m) = self.members.get(&node) else {
            return false;
        };
        if inc < m.incarnation {
            if m.state == State::Alive {
                self.reannounce(&node);
            }
            return false;
        }
        if !m.state.is_live() {
            return false;
        }
        if m.state == State::Suspect && inc == m.incarnation {
            let confirmed = self
                .suspicions
                .get_mut(&node)
                .is_some_and(|s| s.confirm(&from));
            if confirmed {
                // Pass the confirmation on so others can count it too.
                self.broadcasts.push(Update::Suspect {
                    node,
                    incarnation: inc,
                    from,
                });
            }
            return confirmed;
        }
        self.set_state(now, &node, State::Suspect, inc);
        let n = self.members.len() as f64;
        let min = ((self.cfg.suspicion_min_mult * n.log10() * self.cfg.probe_interval as f64)
            as Millis)
            .max(self.cfg.suspicion_floor);
        let max = (self.cfg.suspicion_max_mult * min as f64) as Millis;
        let learned_from_others = from != self.me;
        self.suspicions.insert(
            node.clone(),
            Suspicion::new(
                inc,
                from.clone(),
                now,
                min,
                max,
                self.cfg.suspicion_confirmations,
            ),
        );
        if learned_from_others {
            self.maybe_confirm(now, &node);
        }
        self.broadcasts.push(Update::Suspect {
            node,
            incarnation: inc,
            from,
        });
        true
    }

    fn on_dead(&mut self, now: Millis, node: String, inc: u64, from: String, left: bool) -> bool {
        if node == self.me {
            if !self.leaving && inc >= self.incarnation() {
                self.refute(inc);
                return false;
            }
            if !self.leaving {
                self.reannounce(&node);
                return false;
            }
            if left {
                self.set_state(now, &node, State::Left, inc);
                self.broadcasts.push(Update::Left {
                    node,
                    incarnation: inc,
                });
                return true;
            }
            return false;
        }
        let Some(m) = self.members.get(&node) else {
            return false;
        };
        if inc < m.incarnation && m.state == State::Alive {
            self.reannounce(&node);
            return false;
        }
        let new_state = if left { State::Left } else { State::Dead };
        if inc < m.incarnation || (inc == m.incarnation && m.state.rank() >= new_state.rank()) {
            return false;
        }
        self.set_state(now, &node, new_state, inc);
        self.broadcasts.push(if left {
            Update::Left {
                node,
                incarnation: inc,
            }
        } else {
            Update::Dead {
                node,
                incarnation: inc,
                from,
            }
        });
        true
    }

    fn on_meta(&mut self, node: String, key: String, value: Option<String>, version: u64) -> bool {
        if node == self.me {
            // A version we no longer remember (we restarted without state): re-publish our
            // current value above it.
            let Some(me) = self.members.get_mut(&self.me) else {
                return false;
            };
            let ours = me.meta.get(&key);
            let newer_than_ours = ours
                .is_none_or(|e| version > e.version || (version == e.version && e.value != value));
            // Our own update echoed back (same key, version and value) is not news.
            if newer_than_ours {
                me.meta_version = me.meta_version.max(version);
                let current = me.meta.get(&key).and_then(|e| e.value.clone());
                me.meta.remove(&key);
                self.set_meta(&key, current.clone());
                if current.is_none() {
                    // set_meta skips an unchanged None; publish the deletion explicitly.
                    if let Some(me) = self.members.get_mut(&self.me) {
                        me.meta_version += 1;
                        let v = me.meta_version;
                        me.meta.insert(
                            key.clone(),
                            MetaEntry {
                                value: None,
                                version: v,
                            },
                        );
                        self.broadcasts.push(Update::Meta {
                            node: self.me.clone(),
                            key,
                            value: None,
                            version: v,
                        });
                    }
                }
            }
            return false;
        }
        let Some(m) = self.members.get_mut(&node) else {
            return false;
        };
        if m.meta.get(&key).is_some_and(|e| e.version >= version) {
            return false;
        }
        m.meta.insert(
            key.clone(),
            MetaEntry {
                value: value.clone(),
                version,
            },
        );
        m.meta_version = m.meta_version.max(version);
        self.events
            .push_back(Event::MetaChanged { node: node.clone() });
        self.broadcasts.push(Update::Meta {
            node,
            key,
            value,
            version,
        });
        true
    }

    /// Probe a member we just heard is suspect, with a probability that makes about
    /// `confirm_probes` members do it: quick confirmation for a real crash, quick
    /// refutation (the ping carries the suspicion) for a false one.
    fn maybe_confirm(&mut self, now: Millis, node: &str) {
        let live = self.live_peers().max(1) as f64;
        let p = (self.cfg.confirm_probes / live).min(1.0);
        if rand::Rng::gen_bool(&mut self.rng, p) && !self.confirm_queue.iter().any(|n| n == node) {
            self.confirm_queue.push_back(node.to_string());
            // An extra probe right away; the regular schedule resumes after it.
            self.next_probe = self.next_probe.min(now);
        }
    }

    /// Our own failed probe: start (or confirm) a suspicion.
    pub(crate) fn suspect(&mut self, now: Millis, node: &str) {
        let Some(m) = self.members.get(node) else {
            return;
        };
        if !m.state.is_live() {
            return;
        }
        let inc = m.incarnation;
        let me = self.me.clone();
        self.on_suspect(now, node.to_string(), inc, me);
    }

    fn expire_suspicions(&mut self, now: Millis) {
        let due: Vec<(String, u64)> = self
            .suspicions
            .iter()
            .filter(|(_, s)| s.deadline() <= now)
            .map(|(n, s)| (n.clone(), s.incarnation))
            .collect();
        for (node, inc) in due {
            // Never convict on hearsay alone: if we did not see the member fail ourselves,
            // probe it once (the ping carries the suspicion, the ack any refutation we missed).
            let me = self.me.clone();
            let extension = self.cfg.probe_interval * 2;
            if let Some(s) = self.suspicions.get_mut(&node)
                && !s.suspectors.contains(&me)
                && !s.last_chance
            {
                s.last_chance = true;
                s.start += extension;
                self.confirm_queue.retain(|n| *n != node);
                self.confirm_queue.push_front(node);
                self.next_probe = self.next_probe.min(now);
                continue;
            }
            if self.on_dead(now, node, inc, me, false) {
                self.urgent = true;
            }
        }
    }

    /// Removes dead and left members past their retention.
    pub(crate) fn reap(&mut self, now: Millis) {
        let (dead_after, left_after) = (self.cfg.dead_reap_after, self.cfg.left_reap_after);
        let gone: Vec<String> = self
            .members
            .values()
            .filter(|m| {
                let age = now.saturating_sub(m.state_changed);
                (m.state == State::Dead && age > dead_after)
                    || (m.state == State::Left && age > left_after)
            })
            .map(|m| m.name.clone())
            .collect();
        for name in gone {
            self.members.remove(&name);
            self.ring_dirty = true;
            self.events.push_back(Event::Removed { node: name });
        }
    }

    pub(crate) fn next_seq(&mut self) -> u32 {
        self.seq = self.seq.wrapping_add(1);
        self.seq
    }
}
