//! One push-pull exchange from the initiator's side, as a small state machine the caller
//! drives: [`Exchange::next_request`] gives the message to send, [`Swim::continue_exchange`]
//! takes the answer. Large views travel in pages of about [`PAGE_BYTES`], so a join into a
//! cluster of a thousand nodes with dozens of services each never needs one huge message.
//!
//! A periodic exchange starts with the view hash; only if the views differ does it push
//! what the peer lacks (page by page) and pull what we lack (page by page). A join starts
//! pushing at once (the seed learns us in the first message) and pulls everything.

use std::collections::VecDeque;

use crate::Millis;
use crate::swim::Swim;
use crate::sync::{DigestEntry, SyncRequest, SyncResponse};
use crate::wire::Update;

/// Rough size of one page of updates, encoded (LZ4 shrinks it further on the wire).
pub const PAGE_BYTES: usize = 512 * 1024;
/// Most messages one exchange sends: a view of a hundred times the largest tested cluster.
pub const MAX_ROUNDS: usize = 1024;

/// Where an exchange stands.
#[derive(Debug)]
pub struct Exchange {
    /// Our digest, sent with every page.
    digest: Vec<DigestEntry>,
    /// The first message, until it is sent.
    first: Option<SyncRequest>,
    /// Pages of what the peer lacks, still to push.
    push: VecDeque<Vec<Update>>,
    /// Where the next page of what we lack starts, while there is more to pull.
    pull: Option<String>,
    rounds: usize,
}

impl Exchange {
    /// The next message to send, or `None` when the exchange is over.
    pub fn next_request(&mut self) -> Option<SyncRequest> {
        if self.rounds >= MAX_ROUNDS {
            return None;
        }
        self.rounds += 1;
        if let Some(first) = self.first.take() {
            return Some(first);
        }
        if self.push.is_empty() && self.pull.is_none() {
            return None;
        }
        Some(SyncRequest::Page {
            digest: self.digest.clone(),
            updates: self.push.pop_front().unwrap_or_default(),
            pull_after: self.pull.take(),
        })
    }
}

/// Cuts `updates` into pages of about `budget` encoded bytes.
fn pages(updates: Vec<Update>, budget: usize) -> VecDeque<Vec<Update>> {
    let mut out = VecDeque::new();
    let mut page = Vec::new();
    let mut size = 0;
    for u in updates {
        let len = crate::wire::encoded_len(&u);
        if !page.is_empty() && size + len > budget {
            out.push_back(std::mem::take(&mut page));
            size = 0;
        }
        size += len;
        page.push(u);
    }
    if !page.is_empty() {
        out.push_back(page);
    }
    out
}

impl Swim {
    /// Starts an exchange with a peer: periodic (view hash first) or a join (push first).
    pub fn start_exchange(&self, join: bool) -> Exchange {
        let digest = self.digest();
        if !join {
            return Exchange {
                first: Some(self.sync_start()),
                digest,
                push: VecDeque::new(),
                pull: None,
                rounds: 0,
            };
        }
        let mut push = pages(self.deltas(&[]), PAGE_BYTES);
        let first = SyncRequest::Page {
            digest: digest.clone(),
            updates: push.pop_front().unwrap_or_default(),
            pull_after: Some(String::new()),
        };
        Exchange {
            first: Some(first),
            digest,
            push,
            pull: None,
            rounds: 0,
        }
    }

    /// Takes the peer's answer to the last request of `ex`.
    pub fn continue_exchange(&mut self, now: Millis, ex: &mut Exchange, resp: SyncResponse) {
        match resp {
            SyncResponse::InSync => {}
            SyncResponse::Digest { digest } => {
                ex.push = pages(self.deltas(&digest), PAGE_BYTES);
                ex.pull = Some(String::new());
            }
            SyncResponse::Updates { updates } => self.apply_sync(now, updates),
            SyncResponse::Page { updates, next } => {
                self.apply_sync(now, updates);
                ex.pull = next;
            }
        }
    }
}
