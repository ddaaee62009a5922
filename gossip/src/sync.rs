//! Push-pull anti-entropy, run over the authenticated stream channel. The initiator sends a
//! hash of its view; only when the views differ do digests travel, and then each side sends
//! only the deltas the other lacks. The same exchange bootstraps a joining node.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::Millis;
use crate::exchange::PAGE_BYTES;
use crate::member::{Member, State};
use rand::rngs::SmallRng;

use crate::config::Config;
use crate::swim::{Output, Stats, Swim, Table};
use crate::wire::Update;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestEntry {
    pub node: String,
    pub incarnation: u64,
    pub state: State,
    pub meta_version: u64,
    /// Hash of the member's (key, version) pairs: tells a peer that missed a key even when
    /// its highest version matches.
    pub meta_hash: u64,
}

fn meta_hash(m: &Member) -> u64 {
    // FNV-1a over the sorted (key, version) pairs.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (k, e) in &m.meta {
        for b in k
            .as_bytes()
            .iter()
            .chain(&[0])
            .chain(&e.version.to_be_bytes())
        {
            h ^= *b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SyncRequest {
    /// Step 1: "is your view the same as mine?"
    Hash { hash: [u8; 16], members: u32 },
    /// Step 2 (or a join) in one message: my digest and what you lack according to yours.
    /// Answered with `Updates` (all of it); kept for peers that do not page yet.
    Push {
        digest: Vec<DigestEntry>,
        updates: Vec<Update>,
    },
    /// One page of an exchange (see `exchange.rs`): my digest, a page of what you lack, and,
    /// with `pull_after`, a request for a page of what I lack among your members whose names
    /// sort after it (`""` for the first).
    Page {
        digest: Vec<DigestEntry>,
        updates: Vec<Update>,
        pull_after: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SyncResponse {
    InSync,
    Digest {
        digest: Vec<DigestEntry>,
    },
    Updates {
        updates: Vec<Update>,
    },
    /// A page of what the initiator lacks; `next` is where the following page starts.
    Page {
        updates: Vec<Update>,
        next: Option<String>,
    },
}

impl SyncRequest {
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).unwrap_or_default()
    }
    pub fn decode(bytes: &[u8]) -> Result<Self, crate::DecodeError> {
        Ok(postcard::from_bytes(bytes)?)
    }
}

impl SyncResponse {
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).unwrap_or_default()
    }
    pub fn decode(bytes: &[u8]) -> Result<Self, crate::DecodeError> {
        Ok(postcard::from_bytes(bytes)?)
    }
}

/// The digest of a member table, sorted by name.
fn digest_of(table: &Table) -> Vec<DigestEntry> {
    let mut d: Vec<DigestEntry> = table
        .values()
        .map(|m| DigestEntry {
            node: m.name.clone(),
            incarnation: m.incarnation,
            state: m.state,
            meta_version: m.meta_version,
            meta_hash: meta_hash(m),
        })
        .collect();
    d.sort_by(|a, b| a.node.cmp(&b.node));
    d
}

/// A hash of the whole view; equal views give equal hashes on every node.
fn view_hash_of(table: &Table) -> [u8; 16] {
    let mut h = Sha256::new();
    for e in digest_of(table) {
        h.update(e.node.as_bytes());
        h.update([0, e.state.rank()]);
        h.update(e.incarnation.to_be_bytes());
        h.update(e.meta_version.to_be_bytes());
        h.update(e.meta_hash.to_be_bytes());
    }
    let full = h.finalize();
    let mut out = [0u8; 16];
    out.copy_from_slice(&full[..16]);
    out
}

/// The first 4 bytes of the view hash, which acks carry. A rare collision only makes a
/// node skip one push-pull it would have needed; the next interval compares again.
pub(crate) fn short_view_hash(table: &Table) -> u32 {
    let h = view_hash_of(table);
    u32::from_be_bytes([h[0], h[1], h[2], h[3]])
}

impl Swim {
    pub fn digest(&self) -> Vec<DigestEntry> {
        digest_of(self.table())
    }

    /// A hash of the whole view; equal views give equal hashes on every node.
    pub fn view_hash(&self) -> [u8; 16] {
        view_hash_of(self.table())
    }

    /// The first message of a periodic exchange.
    pub fn sync_start(&self) -> SyncRequest {
        SyncRequest::Hash {
            hash: self.view_hash(),
            members: self.table().len() as u32,
        }
    }

    /// The first message of a join: everything we know, so the seed learns us at once.
    pub fn join_request(&self) -> SyncRequest {
        SyncRequest::Push {
            digest: self.digest(),
            updates: self.deltas(&[]),
        }
    }

    /// Responder side of both steps.
    pub fn handle_sync(&mut self, now: Millis, req: SyncRequest) -> SyncResponse {
        match req {
            SyncRequest::Hash { hash, .. } => {
                if hash == self.view_hash() {
                    SyncResponse::InSync
                } else {
                    SyncResponse::Digest {
                        digest: self.digest(),
                    }
                }
            }
            SyncRequest::Push { digest, updates } => {
                self.apply_sync(now, updates);
                SyncResponse::Updates {
                    updates: self.deltas(&digest),
                }
            }
            SyncRequest::Page {
                digest,
                updates,
                pull_after,
            } => {
                self.apply_sync(now, updates);
                match pull_after {
                    Some(after) => {
                        let (updates, next) = self.deltas_page(&digest, &after, PAGE_BYTES);
                        SyncResponse::Page { updates, next }
                    }
                    None => SyncResponse::Page {
                        updates: Vec::new(),
                        next: None,
                    },
                }
            }
        }
    }

    /// Initiator side: what to send after the responder's answer, if anything.
    pub fn sync_continue(&mut self, now: Millis, resp: SyncResponse) -> Option<SyncRequest> {
        match resp {
            SyncResponse::InSync => None,
            SyncResponse::Digest { digest } => Some(SyncRequest::Push {
                digest: self.digest(),
                updates: self.deltas(&digest),
            }),
            SyncResponse::Updates { updates } | SyncResponse::Page { updates, .. } => {
                self.apply_sync(now, updates);
                None
            }
        }
    }

    pub fn apply_sync(&mut self, now: Millis, updates: Vec<Update>) {
        for u in updates {
            self.apply_update(now, u);
        }
    }

    fn membership_update(&self, m: &Member) -> Update {
        match m.state {
            State::Alive => Update::Alive {
                node: m.name.clone(),
                incarnation: m.incarnation,
                addrs: m.addrs.clone(),
            },
            State::Suspect => {
                let from = self
                    .suspicion(&m.name)
                    .and_then(|s| s.suspectors.iter().min().cloned())
                    .unwrap_or_else(|| self.name().to_string());
                Update::Suspect {
                    node: m.name.clone(),
                    incarnation: m.incarnation,
                    from,
                }
            }
            State::Dead => Update::Dead {
                node: m.name.clone(),
                incarnation: m.incarnation,
                from: self.name().to_string(),
            },
            State::Left => Update::Left {
                node: m.name.clone(),
                incarnation: m.incarnation,
            },
        }
    }

    /// What a peer with digest `theirs` lacks.
    pub fn deltas(&self, theirs: &[DigestEntry]) -> Vec<Update> {
        self.deltas_page(theirs, "", usize::MAX).0
    }

    /// What a peer with digest `theirs` lacks of the members whose names sort after `after`,
    /// whole members at a time, up to about `budget` encoded bytes (at least one member's
    /// worth); with the name to continue after, if more remain.
    pub fn deltas_page(
        &self,
        theirs: &[DigestEntry],
        after: &str,
        budget: usize,
    ) -> (Vec<Update>, Option<String>) {
        let theirs: HashMap<&str, &DigestEntry> =
            theirs.iter().map(|e| (e.node.as_str(), e)).collect();
        let mut out = Vec::new();
        let mut size = 0usize;
        let mut members: Vec<(&String, &Member)> = self
            .table()
            .iter()
            .filter(|(name, _)| name.as_str() > after)
            .collect();
        members.sort_by(|a, b| a.0.cmp(b.0));
        let mut last: Option<&String> = None;
        for (name, m) in members {
            let mut mine = Vec::new();
            self.member_deltas(m, theirs.get(name.as_str()).copied(), &mut mine);
            let bytes: usize = mine.iter().map(crate::wire::encoded_len).sum();
            if size > 0 && size + bytes > budget {
                return (out, last.cloned());
            }
            size += bytes;
            out.extend(mine);
            last = Some(name);
        }
        (out, None)
    }

    /// What a peer that knows `theirs` of member `m` lacks of it.
    fn member_deltas(&self, m: &Member, theirs: Option<&DigestEntry>, out: &mut Vec<Update>) {
        {
            let known_meta = match theirs {
                // A member they never heard of or already forgot: introduce it only if it is
                // live; reviving the dead would undo every node's reaping.
                None if !m.state.is_live() => return,
                None => {
                    // Unknown to them: introduce the member before any bad news about it.
                    out.push(Update::Alive {
                        node: m.name.clone(),
                        incarnation: m.incarnation,
                        addrs: m.addrs.clone(),
                    });
                    if m.state != State::Alive {
                        out.push(self.membership_update(m));
                    }
                    0
                }
                Some(e) => {
                    if (m.incarnation, m.state.rank()) > (e.incarnation, e.state.rank()) {
                        out.push(self.membership_update(m));
                    }
                    if m.meta_version <= e.meta_version && e.meta_hash != meta_hash(m) {
                        // Same highest version but different keys: they missed one. Send all.
                        0
                    } else {
                        e.meta_version
                    }
                }
            };
            if m.meta_version > known_meta || known_meta == 0 {
                for (key, entry) in &m.meta {
                    if entry.version > known_meta {
                        out.push(Update::Meta {
                            node: m.name.clone(),
                            key: key.clone(),
                            value: entry.value.clone(),
                            version: entry.version,
                        });
                    }
                }
            }
        }
    }

    /// Push-pull interval: longer in a big quiet cluster, at the minimum while it churns.
    pub fn sync_interval(&self, now: Millis) -> Millis {
        self.sync_schedule()
            .interval(now, self.config(), self.table().len())
    }
}

/// When the next push-pull runs. A quiet cluster backs off toward `sync_interval_max`; and
/// when a peer's ack showed a view equal to ours since the last exchange was due, the
/// exchange with a live member is skipped: anti-entropy would have found nothing to send.
/// Until one has, our pings carry our short view hash, and a pinged node answers with its
/// own (4 + 1 bytes each way, once per interval in a quiet cluster).
#[derive(Debug)]
pub(crate) struct SyncSchedule {
    next: Millis,
    last_churn: Millis,
    /// Consecutive plans without churn: each doubles the interval, up to the maximum.
    quiet: u32,
    /// When an ack last carried a view hash equal to ours.
    agreed: Option<Millis>,
    /// When the last plan ran.
    planned: Millis,
}

/// Doublings of the interval a quiet cluster backs off by (then the maximum caps it).
const MAX_QUIET_DOUBLINGS: u32 = 4;

impl SyncSchedule {
    pub fn new(next: Millis, now: Millis) -> Self {
        Self {
            next,
            last_churn: now,
            quiet: 0,
            agreed: None,
            planned: now,
        }
    }

    pub fn next(&self) -> Millis {
        self.next
    }

    /// A member changed state: the cluster is churning.
    pub fn churned(&mut self, now: Millis) {
        self.last_churn = now;
        self.quiet = 0;
    }

    /// A peer's view hash equalled ours at `now`.
    pub fn agreed(&mut self, now: Millis) {
        self.agreed = Some(now);
    }

    /// A peer showed the same view since the last exchange was due: the next one can be
    /// skipped, and pings need not ask again.
    pub fn in_sync(&self) -> bool {
        self.agreed.is_some_and(|t| t >= self.planned)
    }

    fn interval(&self, now: Millis, cfg: &Config, members: usize) -> Millis {
        let (min, max) = (
            cfg.sync_interval_min,
            cfg.sync_interval_max.max(cfg.sync_interval_min),
        );
        let n = members.max(1) as f64;
        let scaled = ((min as f64) * (1.0 + n.log2() / 2.0)) as Millis;
        let scaled = scaled.clamp(min, max);
        if now.saturating_sub(self.last_churn) < scaled {
            min
        } else {
            scaled
                .saturating_mul(1 << self.quiet.min(MAX_QUIET_DOUBLINGS))
                .min(max)
        }
    }

    /// Schedules the next exchange and picks peers for this one: a live member, and a dead
    /// one to retry (a partition heals when a retry gets through).
    pub fn plan(
        &mut self,
        now: Millis,
        cfg: &Config,
        me: &str,
        table: &Table,
        rng: &mut SmallRng,
        stats: &mut Stats,
    ) -> Vec<Output> {
        use rand::seq::SliceRandom;
        let interval = self.interval(now, cfg, table.len());
        let jitter = rand::Rng::gen_range(rng, 0..=interval / 10);
        self.next = now + interval - interval / 20 + jitter;
        let in_sync = self.in_sync();
        if self.last_churn < self.planned {
            self.quiet = self.quiet.saturating_add(1);
        }
        self.planned = now;
        let mut live: Vec<(&String, &Member)> = Vec::new();
        let mut dead: Vec<(&String, &Member)> = Vec::new();
        for (name, m) in table.iter() {
            if name == me {
                continue;
            }
            match m.state {
                State::Alive | State::Suspect => live.push((name, m)),
                State::Dead => dead.push((name, m)),
                State::Left => {}
            }
        }
        live.sort_by(|a, b| a.0.cmp(b.0));
        dead.sort_by(|a, b| a.0.cmp(b.0));
        let mut outs = Vec::new();
        if in_sync && !live.is_empty() {
            stats.syncs_skipped += 1;
        } else if let Some((name, m)) = live.choose(rng) {
            stats.syncs_started += 1;
            outs.push(Output::Sync {
                node: (*name).clone(),
                addrs: m.probe_addrs(),
            });
        }
        if let Some((name, m)) = dead.choose(rng) {
            outs.push(Output::Sync {
                node: (*name).clone(),
                addrs: m.addrs.clone(),
            });
        }
        outs
    }
}
