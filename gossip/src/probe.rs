//! Failure detection: one probe per interval, direct then indirect, with Lifeguard's nacks.
//!
//! Target choice: the live members sorted by name form a ring, and in probe round `r`
//! (time / probe_interval) every node probes the member `offset(r)` places after itself.
//! With agreeing views that map is a permutation, so every member is probed exactly once per
//! round, by a different member each round. SWIM's random choice leaves a crashed member
//! unprobed for 4.6 rounds at p99; the ring bounds it to one round. Rounds are aligned on
//! the caller's clock; skewed clocks only make the choice look random again.

use std::net::SocketAddr;

use crate::Millis;
use crate::member::State;
use crate::swim::Swim;
use crate::wire::{Msg, Update};

#[derive(Debug, Clone)]
pub(crate) struct Probe {
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
pub(crate) struct Relay {
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

impl Swim {
    fn ring_target(&mut self, now: Millis) -> Option<String> {
        let round = now / self.cfg.probe_interval.max(1);
        let me = self.me.clone();
        let ring = self.ring();
        let n = ring.len();
        if n < 2 {
            return None;
        }
        let idx = ring.binary_search(&me).ok()?;
        let offset = 1 + (mix(round) % (n as u64 - 1)) as usize;
        ring.get((idx + offset) % n).cloned()
    }

    pub(crate) fn advance_probe(&mut self, now: Millis) {
        if let Some(p) = self.probe.clone() {
            if p.indirect_seq.is_none() && now >= p.direct_deadline {
                self.send_indirect(now, &p.target);
            } else if now >= p.end {
                self.finish_probe(now);
            }
        }
        if self.probe.is_none() && now >= self.next_probe {
            self.next_probe = now + self.probe_interval();
            self.start_probe(now);
        }
    }

    fn start_probe(&mut self, now: Millis) {
        let mut target = None;
        while let Some(c) = self.confirm_queue.pop_front() {
            if self
                .members
                .get(&c)
                .is_some_and(|m| m.state == State::Suspect)
            {
                target = Some(c);
                break;
            }
        }
        let Some(target) = target.or_else(|| self.ring_target(now)) else {
            return;
        };
        let Some(m) = self.members.get(&target) else {
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
                from: self.me.clone(),
            }]
        } else {
            Vec::new()
        };
        self.stats.probes += 1;
        let timeout = self.cfg.probe_timeout * (1 + self.awareness as Millis);
        let mut direct = Vec::new();
        for addr in addrs {
            let seq = self.next_seq();
            direct.push((seq, addr));
            self.send(
                addr,
                Msg::Ping {
                    seq,
                    target: target.clone(),
                },
                buddy.clone(),
            );
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

    fn send_indirect(&mut self, now: Millis, target: &str) {
        let seq = self.next_seq();
        let addrs = self
            .members
            .get(target)
            .map(|m| m.addrs.clone())
            .unwrap_or_default();
        let mut helpers: Vec<(String, Vec<SocketAddr>)> = self
            .members
            .values()
            .filter(|m| m.state == State::Alive && m.name != self.me && m.name != target)
            .map(|m| (m.name.clone(), m.probe_addrs()))
            .collect();
        helpers.sort();
        let k = self.cfg.indirect_checks;
        let picks: Vec<Vec<SocketAddr>> =
            rand::seq::SliceRandom::choose_multiple(helpers.as_slice(), &mut self.rng, k)
                .map(|(_, a)| a.clone())
                .collect();
        // The helpers get a full probe timeout from now, even if this tick came late.
        let window = self.cfg.probe_timeout * (1 + self.awareness as Millis);
        if let Some(p) = self.probe.as_mut() {
            p.indirect_seq = Some(seq);
            p.expected_nacks = picks.len() as u32;
            p.end = p.end.max(now + window);
        }
        // A helper that has not answered us yet gets the request at each advertised address.
        for helper in picks.into_iter().flatten() {
            self.send(
                helper,
                Msg::PingReq {
                    seq,
                    target: target.to_string(),
                    addrs: addrs.clone(),
                },
                Vec::new(),
            );
        }
    }

    fn finish_probe(&mut self, now: Millis) {
        let Some(p) = self.probe.take() else { return };
        self.stats.probes_failed += 1;
        // Missing nacks mean our own messages are not getting through: we may be the problem.
        self.bump_awareness((p.expected_nacks as i64 - p.nacks as i64).max(0));
        if let Some(m) = self.members.get_mut(&p.target) {
            m.preferred = None;
        }
        self.suspect(now, &p.target);
    }

    pub(crate) fn expire_relays(&mut self, now: Millis) {
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
                self.send(r.requester, Msg::Nack { seq: r.seq }, Vec::new());
            }
        }
    }

    pub(crate) fn handle_msg(&mut self, now: Millis, from: SocketAddr, msg: Msg) {
        match msg {
            Msg::Ping { seq, target } => {
                if target != self.me {
                    self.stats.misdirected += 1;
                    return;
                }
                self.send(from, Msg::Ack { seq }, Vec::new());
            }
            Msg::PingReq { seq, target, addrs } => {
                // The same request reached us at several of our addresses: answer it once.
                if self
                    .relays
                    .values()
                    .any(|r| r.requester == from && r.seq == seq)
                {
                    return;
                }
                let known = self.members.get(&target).and_then(|m| m.preferred);
                let tries: Vec<SocketAddr> = match known {
                    Some(a) => vec![a],
                    None => addrs.into_iter().take(8).collect(),
                };
                // Nack before the requester's indirect window (one probe timeout) closes.
                let timeout = self.cfg.probe_timeout * 4 / 5;
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
                    self.send(
                        addr,
                        Msg::Ping {
                            seq: mine,
                            target: target.clone(),
                        },
                        Vec::new(),
                    );
                }
            }
            Msg::Ack { seq } => self.on_ack(seq),
            Msg::Nack { seq } => {
                if let Some(p) = self.probe.as_mut()
                    && p.indirect_seq == Some(seq)
                {
                    p.nacks += 1;
                }
            }
            Msg::Gossip => {}
        }
    }

    fn on_ack(&mut self, seq: u32) {
        if let Some(r) = self.relays.remove(&seq) {
            // Drop sibling relays for the same request (other addresses of the target).
            self.relays
                .retain(|_, o| !(o.requester == r.requester && o.seq == r.seq));
            self.send(r.requester, Msg::Ack { seq: r.seq }, Vec::new());
            return;
        }
        let Some(p) = self.probe.as_ref() else { return };
        if let Some((_, addr)) = p.direct.iter().find(|(s, _)| *s == seq) {
            let (target, addr) = (p.target.clone(), *addr);
            if let Some(m) = self.members.get_mut(&target) {
                m.preferred = Some(addr);
            }
            self.probe = None;
            self.bump_awareness(-1);
        } else if p.indirect_seq == Some(seq) {
            self.probe = None;
        }
    }
}
