//! The merge rules: how an update (from gossip, a probe's piggyback or push-pull) changes
//! the member table. States are ordered by (incarnation, alive < suspect < dead < left);
//! only a member itself raises its incarnation (refutation); bad news older than what we
//! hold makes us re-announce the newer state; nobody is convicted on hearsay alone.

use std::net::SocketAddr;

use super::{Event, MAX_INCARNATION, MAX_INCARNATION_STEP, Swim};
use crate::Millis;
use crate::member::{Member, State, valid_name};
use crate::suspicion::Suspicion;
use crate::wire::Update;

impl Swim {
    fn set_state(&mut self, now: Millis, node: &str, state: State, incarnation: u64) {
        let Some(m) = self.table.get_mut(node) else {
            return;
        };
        let changed = m.state != state;
        let liveness_changed = m.state.is_live() != state.is_live();
        m.incarnation = incarnation;
        m.state = state;
        if changed {
            m.state_changed = now;
            // Alive <-> suspect keeps a member in the probe ring.
            if liveness_changed {
                self.table.ring_changed();
            }
            if state == State::Dead {
                self.gossip.noted_dead(node);
            }
            self.sync.churned(now);
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

    pub(super) fn set_self_alive(&mut self, incarnation: u64, addrs: Vec<SocketAddr>) {
        if let Some(me) = self.table.get_mut(&self.me) {
            me.incarnation = incarnation;
            me.addrs = addrs.clone();
            if !me.state.is_live() {
                me.state = State::Alive;
                self.table.ring_changed();
            }
        }
        self.gossip.push(Update::Alive {
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
            .table
            .get(&self.me)
            .map(|m| m.addrs.clone())
            .unwrap_or_default();
        self.set_self_alive(inc, addrs);
        self.gossip.mark_urgent();
        // Being suspected is a hint that we are the slow one (Lifeguard).
        self.prober.bump_awareness(&self.cfg, 1);
    }

    /// Someone spread bad news older than the good news we hold about `node`: spread ours
    /// again, so a member that missed a refutation catches up before convicting anyone.
    fn reannounce(&mut self, node: &str) {
        if self.gossip.has_member_update(node) {
            return;
        }
        if let Some(m) = self.table.get(node) {
            let update = Update::Alive {
                node: m.name.clone(),
                incarnation: m.incarnation,
                addrs: m.addrs.clone(),
            };
            self.gossip.push(update);
        }
    }

    /// Applies one update (from gossip or push-pull); returns whether it taught us anything.
    pub(crate) fn apply_update(&mut self, now: Millis, u: Update) -> bool {
        // Incarnations and versions only ever step by one; a value near the top of the range
        // is an attempt to make a member unrefutable.
        let held = |node: &str| self.table.get(node).map(|m| m.incarnation);
        let absurd = match &u {
            Update::Alive {
                node, incarnation, ..
            }
            | Update::Suspect {
                node, incarnation, ..
            }
            | Update::Dead {
                node, incarnation, ..
            }
            | Update::Left { node, incarnation } => {
                *incarnation > MAX_INCARNATION
                    || held(node)
                        .is_some_and(|h| *incarnation > h.saturating_add(MAX_INCARNATION_STEP))
            }
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
                .table
                .get(&self.me)
                .map(|m| m.addrs.clone())
                .unwrap_or_default();
            // An older claim about us, or a stale address list at our own incarnation.
            if inc > mine || (inc == mine && addrs != my_addrs) {
                self.refute(inc);
            }
            return false;
        }
        match self.table.get_mut(&node) {
            None => {
                if self.table.len() >= self.cfg.max_members || !valid_name(&node) {
                    return false;
                }
                self.table
                    .insert(Member::new(node.clone(), inc, addrs.clone(), now));
                self.sync.churned(now);
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
        self.gossip.push(Update::Alive {
            node,
            incarnation: inc,
            addrs,
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
                self.gossip.push(Update::Left {
                    node,
                    incarnation: inc,
                });
                return true;
            }
            return false;
        }
        let Some(m) = self.table.get(&node) else {
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
        self.gossip.push(if left {
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

    /// Removes dead and left members past their retention.
    pub(crate) fn reap(&mut self, now: Millis) {
        let (dead_after, left_after) = (self.cfg.dead_reap_after, self.cfg.left_reap_after);
        let gone: Vec<String> = self
            .table
            .values()
            .filter(|m| {
                let age = now.saturating_sub(m.state_changed);
                (m.state == State::Dead && age > dead_after)
                    || (m.state == State::Left && age > left_after)
            })
            .map(|m| m.name.clone())
            .collect();
        for name in gone {
            self.table.remove(&name);
            self.events.push_back(Event::Removed { node: name });
        }
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
        let Some(m) = self.table.get(&node) else {
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
                self.gossip.push(Update::Suspect {
                    node,
                    incarnation: inc,
                    from,
                });
            }
            return confirmed;
        }
        self.set_state(now, &node, State::Suspect, inc);
        let n = self.table.len() as f64;
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
        self.gossip.push(Update::Suspect {
            node,
            incarnation: inc,
            from,
        });
        true
    }

    /// Probe a member we just heard is suspect, with a probability that makes about
    /// `confirm_probes` members do it: quick confirmation for a real crash, quick
    /// refutation (the ping carries the suspicion) for a false one.
    fn maybe_confirm(&mut self, now: Millis, node: &str) {
        let live = self.live_peers().max(1) as f64;
        let p = (self.cfg.confirm_probes / live).min(1.0);
        if rand::Rng::gen_bool(&mut self.rng, p) {
            self.prober.confirm_soon(now, node);
        }
    }

    /// Our own failed probe: start (or confirm) a suspicion.
    pub(crate) fn suspect(&mut self, now: Millis, node: &str) {
        let Some(m) = self.table.get(node) else {
            return;
        };
        if !m.state.is_live() {
            return;
        }
        let inc = m.incarnation;
        let me = self.me.clone();
        self.on_suspect(now, node.to_string(), inc, me);
    }

    pub(super) fn expire_suspicions(&mut self, now: Millis) {
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
                self.prober.last_chance(now, node);
                continue;
            }
            if self.on_dead(now, node, inc, me, false) {
                self.gossip.mark_urgent();
            }
        }
    }
}
