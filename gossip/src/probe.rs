//! Failure detection: one probe per interval, direct then indirect, with Lifeguard's nacks.
//!
//! Target choice: the live members sorted by name form a ring, and in probe round `r`
//! (time / probe_interval) every node probes the member `offset(r)` places after itself.
//! With agreeing views that map is a permutation, so every member is probed exactly once per
//! round, by a different member each round. SWIM's random choice leaves a crashed member
//! unprobed for 4.6 rounds at p99; the ring bounds it to one round. Rounds are aligned on
//! the caller's clock; skewed clocks only make the choice look random again.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;

use crate::Millis;
use crate::member::State;
use crate::swim::Parts;
use crate::wire::{Msg, Update};

#[derive(Debug, Clone)]
struct Probe {
    pub target: String,
    /// One sequence number per address tried, so the ack tells which address answered.
    pub direct: Vec<(u32, SocketAddr)>,
    pub indirect_seq: Option<u32>,
    pub direct_deadline: Millis,
    pub end: Millis,
    pub expected_nacks: u32,
    pub nacks: u32,
}

impl Probe {
    pub fn next_deadline(&self) -> Millis {
        if self.indirect_seq.is_none() {
            self.direct_deadline
        } else {
            self.end
        }
    }
}

#[derive(Debug, Clone)]
struct Relay {
    pub requester: SocketAddr,
    pub seq: u32,
    pub deadline: Millis,
}

fn mix(mut x: u64) -> u64 {
    // splitmix64: every node derives the same offset for a round.
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The failure detector's own state: the probe in flight, the relays this node runs for
/// others' indirect probes, members to probe first, and Lifeguard's local-health multiplier.
#[derive(Debug)]
pub(crate) struct Prober {
    probe: Option<Probe>,
    relays: HashMap<u32, Relay>,
    /// Suspects to probe before the ring's choice (confirmations and last chances).
    confirm_queue: VecDeque<String>,
    seq: u32,
    awareness: u32,
    next_probe: Millis,
}

impl Prober {
    pub fn new(first_seq: u32, next_probe: Millis) -> Self {
        Self {
            probe: None,
            relays: HashMap::new(),
            confirm_queue: VecDeque::new(),
            seq: first_seq,
            awareness: 0,
            next_probe,
        }
    }

    pub fn awareness(&self) -> u32 {
        self.awareness
    }

    /// Lifeguard's local health: a node that misses nacks or is suspected slows down.
    pub fn bump_awareness(&mut self, cfg: &crate::Config, delta: i64) {
        let max = cfg.awareness_max.saturating_sub(1) as i64;
        self.awareness = (self.awareness as i64 + delta).clamp(0, max) as u32;
    }

    pub fn probe_interval(&self, cfg: &crate::Config) -> Millis {
        cfg.probe_interval * (1 + self.awareness as Millis)
    }

    /// The earliest time the prober has work.
    pub fn next_deadline(&self) -> Millis {
        let mut t = match &self.probe {
            Some(p) => p.next_deadline(),
            None => self.next_probe,
        };
        for r in self.relays.values() {
            t = t.min(r.deadline);
        }
        t
    }

    /// We were not running: drop the pending probe and relays without penalty, slow down.
    pub fn stall(&mut self, now: Millis, cfg: &crate::Config) {
        self.probe = None;
        self.relays.clear();
        self.bump_awareness(cfg, 1);
        self.next_probe = now + self.probe_interval(cfg);
    }

    /// Probes `node` next, right away.
    pub fn confirm_soon(&mut self, now: Millis, node: &str) {
        if !self.confirm_queue.iter().any(|n| n == node) {
            self.confirm_queue.push_back(node.to_string());
            // An extra probe right away; the regular schedule resumes after it.
            self.next_probe = self.next_probe.min(now);
        }
    }

    /// Probes `node` before anyone else, right away (its last chance before conviction).
    pub fn last_chance(&mut self, now: Millis, node: String) {
        self.confirm_queue.retain(|n| *n != node);
        self.confirm_queue.push_front(node);
        self.next_probe = self.next_probe.min(now);
    }

    fn next_seq(&mut self) -> u32 {
        self.seq = self.seq.wrapping_add(1);
        self.seq
    }

    fn ring_target(now: Millis, p: &mut Parts<'_>) -> Option<String> {
        let round = now / p.cfg.probe_interval.max(1);
        let ring = p.table.ring();
        let n = ring.len();
        if n < 2 {
            return None;
        }
        let idx = ring.binary_search_by(|x| x.as_str().cmp(p.me)).ok()?;
        let offset = 1 + (mix(round) % (n as u64 - 1)) as usize;
        ring.get((idx + offset) % n).cloned()
    }

    /// Advances the probe in flight: indirect probes after the direct timeout, failure at
    /// the end. Returns the member whose probe failed; the caller suspects it before
    /// [`Prober::start_if_due`], so the next ping already carries the suspicion.
    pub fn advance(&mut self, now: Millis, p: &mut Parts<'_>) -> Option<String> {
        let probe = self.probe.clone()?;
        if probe.indirect_seq.is_none() && now >= probe.direct_deadline {
            self.send_indirect(now, &probe.target, p);
            None
        } else if now >= probe.end {
            self.finish_probe(p)
        } else {
            None
        }
    }

    /// Starts the next probe when none is in flight and one is due.
    pub fn start_if_due(&mut self, now: Millis, p: &mut Parts<'_>) {
        if self.probe.is_none() && now >= self.next_probe {
            self.next_probe = now + self.probe_interval(p.cfg);
            self.start_probe(now, p);
        }
    }

    fn start_probe(&mut self, now: Millis, p: &mut Parts<'_>) {
        let mut target = None;
        while let Some(c) = self.confirm_queue.pop_front() {
            if p.table.get(&c).is_some_and(|m| m.state == State::Suspect) {
                target = Some(c);
                break;
            }
        }
        let Some(target) = target.or_else(|| Self::ring_target(now, p)) else {
            return;
        };
        let Some(m) = p.table.get(&target) else {
            return;
        };
        let addrs = m.probe_addrs();
        if addrs.is_empty() {
            return;
        }
        // Buddy system: a suspect learns of the suspicion from the probe itself.
        let buddy = if m.state == State::Suspect {
            vec![Update::Suspect {
                node: target.clone(),
                incarnation: m.incarnation,
                from: p.me.to_string(),
            }]
        } else {
            Vec::new()
        };
        p.stats.probes += 1;
        let timeout = p.cfg.probe_timeout * (1 + self.awareness as Millis);
        let mut direct = Vec::new();
        for addr in addrs {
            let seq = self.next_seq();
            direct.push((seq, addr));
            let ping = Msg::Ping {
                seq,
                target: target.clone(),
            };
            let wanted = p.view_wanted;
            p.send_viewed(addr, ping, buddy.clone(), wanted);
        }
        self.probe = Some(Probe {
            target,
            direct,
            indirect_seq: None,
            direct_deadline: now + timeout,
            // Direct timeout, then as long again for the helpers' answers.
            end: now + timeout * 2,
            expected_nacks: 0,
            nacks: 0,
        });
    }

    fn send_indirect(&mut self, now: Millis, target: &str, p: &mut Parts<'_>) {
        let seq = self.next_seq();
        let addrs = p
            .table
            .get(target)
            .map(|m| m.addrs.clone())
            .unwrap_or_default();
        let me = p.me;
        let mut helpers: Vec<(String, Vec<SocketAddr>)> = p
            .table
            .values()
            .filter(|m| m.state == State::Alive && m.name != me && m.name != target)
            .map(|m| (m.name.clone(), m.probe_addrs()))
            .collect();
        helpers.sort();
        let k = p.cfg.indirect_checks;
        let picks: Vec<Vec<SocketAddr>> =
            rand::seq::SliceRandom::choose_multiple(helpers.as_slice(), p.rng, k)
                .map(|(_, a)| a.clone())
                .collect();
        // The helpers get a full probe timeout from now, even if this tick came late.
        let window = p.cfg.probe_timeout * (1 + self.awareness as Millis);
        if let Some(probe) = self.probe.as_mut() {
            probe.indirect_seq = Some(seq);
            probe.expected_nacks = picks.len() as u32;
            probe.end = probe.end.max(now + window);
        }
        // A helper that has not answered us yet gets the request at each advertised address.
        for helper in picks.into_iter().flatten() {
            let req = Msg::PingReq {
                seq,
                target: target.to_string(),
                addrs: addrs.clone(),
            };
            p.send(helper, req, Vec::new());
        }
    }

    fn finish_probe(&mut self, p: &mut Parts<'_>) -> Option<String> {
        let probe = self.probe.take()?;
        p.stats.probes_failed += 1;
        // Missing nacks mean our own messages are not getting through: we may be the problem.
        let missing = (probe.expected_nacks as i64 - probe.nacks as i64).max(0);
        self.bump_awareness(p.cfg, missing);
        if let Some(m) = p.table.get_mut(&probe.target) {
            m.preferred = None;
        }
        Some(probe.target)
    }

    /// Relays whose target did not answer in time get their requester a nack.
    pub fn expire_relays(&mut self, now: Millis, p: &mut Parts<'_>) {
        let due: Vec<u32> = self
            .relays
            .iter()
            .filter(|(_, r)| r.deadline <= now)
            .map(|(s, _)| *s)
            .collect();
        for s in due {
            if let Some(r) = self.relays.remove(&s) {
                // One nack per request, however many addresses of the target were tried.
                self.relays
                    .retain(|_, o| !(o.requester == r.requester && o.seq == r.seq));
                p.send(r.requester, Msg::Nack { seq: r.seq }, Vec::new());
            }
        }
    }

    pub fn handle(&mut self, now: Millis, from: SocketAddr, msg: Msg, p: &mut Parts<'_>) {
        match msg {
            Msg::Ping { seq, target } => {
                if target != p.me {
                    p.stats.misdirected += 1;
                    return;
                }
                let asked = p.view_asked;
                p.send_viewed(from, Msg::Ack { seq }, Vec::new(), asked);
            }
            Msg::PingReq { seq, target, addrs } => self.relay(now, from, seq, target, addrs, p),
            Msg::Ack { seq } => self.on_ack(seq, p),
            Msg::Nack { seq } => {
                if let Some(probe) = self.probe.as_mut()
                    && probe.indirect_seq == Some(seq)
                {
                    probe.nacks += 1;
                }
            }
            Msg::Gossip => {}
        }
    }

    /// Probes `target` on behalf of `from`.
    fn relay(
        &mut self,
        now: Millis,
        from: SocketAddr,
        seq: u32,
        target: String,
        addrs: Vec<SocketAddr>,
        p: &mut Parts<'_>,
    ) {
        // The same request reached us at several of our addresses: answer it once.
        if self
            .relays
            .values()
            .any(|r| r.requester == from && r.seq == seq)
        {
            return;
        }
        let known = p.table.get(&target).and_then(|m| m.preferred);
        let tries: Vec<SocketAddr> = match known {
            Some(a) => vec![a],
            None => addrs.into_iter().take(8).collect(),
        };
        // Nack before the requester's indirect window (one probe timeout) closes.
        let timeout = p.cfg.probe_timeout * 4 / 5;
        for addr in tries {
            let mine = self.next_seq();
            self.relays.insert(
                mine,
                Relay {
                    requester: from,
                    seq,
                    deadline: now + timeout,
                },
            );
            let ping = Msg::Ping {
                seq: mine,
                target: target.clone(),
            };
            p.send(addr, ping, Vec::new());
        }
    }

    fn on_ack(&mut self, seq: u32, p: &mut Parts<'_>) {
        if let Some(r) = self.relays.remove(&seq) {
            // Drop sibling relays for the same request (other addresses of the target).
            self.relays
                .retain(|_, o| !(o.requester == r.requester && o.seq == r.seq));
            p.send(r.requester, Msg::Ack { seq: r.seq }, Vec::new());
            return;
        }
        let Some(probe) = self.probe.as_ref() else {
            return;
        };
        if let Some((_, addr)) = probe.direct.iter().find(|(s, _)| *s == seq) {
            let (target, addr) = (probe.target.clone(), *addr);
            if let Some(m) = p.table.get_mut(&target) {
                m.preferred = Some(addr);
            }
            self.probe = None;
            self.bump_awareness(p.cfg, -1);
        } else if probe.indirect_seq == Some(seq) {
            self.probe = None;
        }
    }
}
