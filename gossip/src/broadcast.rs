//! The piggyback queue: each update rides on outgoing packets until it has been sent
//! `limit` times. Fewest-sent first, newest first among equals, so fresh news (a refutation,
//! a death) overtakes old news; a newer update about the same subject replaces the old one.

use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap};

use crate::wire::{Update, encoded_len};

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Subject {
    Member(String),
    Meta(String, String),
}

fn subject(u: &Update) -> Subject {
    match u {
        Update::Meta { node, key, .. } => Subject::Meta(node.clone(), key.clone()),
        other => Subject::Member(other.node().to_string()),
    }
}

#[derive(Debug)]
struct Entry {
    update: Update,
    len: usize,
    transmits: u32,
    id: u64,
}

/// Sending order: fewest transmissions first, then newest first.
type Rank = (u32, Reverse<u64>, Subject);

/// The queue: entries by subject (one per subject, so a push replaces in O(log n)) and the
/// same entries in sending order, so taking a packet's worth never sorts everything.
#[derive(Debug, Default)]
pub(crate) struct BroadcastQueue {
    entries: HashMap<Subject, Entry>,
    order: BTreeSet<Rank>,
    next_id: u64,
}

impl BroadcastQueue {
    pub fn push(&mut self, update: Update) {
        let subject = subject(&update);
        if let Some(old) = self.entries.remove(&subject) {
            self.order
                .remove(&(old.transmits, Reverse(old.id), subject.clone()));
        }
        let len = encoded_len(&update);
        self.next_id += 1;
        self.order
            .insert((0, Reverse(self.next_id), subject.clone()));
        self.entries.insert(
            subject,
            Entry {
                update,
                len,
                transmits: 0,
                id: self.next_id,
            },
        );
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Takes updates that fit in `budget` bytes, counting one transmission for each and
    /// dropping those that reached `limit`.
    pub fn take(&mut self, mut budget: usize, limit: u32) -> Vec<Update> {
        let mut picked = Vec::new();
        for rank in &self.order {
            if let Some(e) = self.entries.get(&rank.2)
                && e.len <= budget
            {
                budget -= e.len;
                picked.push(rank.clone());
            }
            if budget < 8 {
                break;
            }
        }
        let mut out = Vec::with_capacity(picked.len());
        for rank in picked {
            self.order.remove(&rank);
            let (_, id, subject) = rank;
            let Some(e) = self.entries.get_mut(&subject) else {
                continue;
            };
            e.transmits += 1;
            out.push(e.update.clone());
            self.order.insert((e.transmits, id, subject));
        }
        // Everything sent `limit` times goes (the limit shrinks when members are reaped).
        while let Some(last) = self.order.last() {
            if last.0 < limit {
                break;
            }
            if let Some(last) = self.order.pop_last() {
                self.entries.remove(&last.2);
            }
        }
        out
    }

    /// True while an update about `node`'s membership is still queued.
    pub fn has_member_update(&self, node: &str) -> bool {
        self.entries
            .contains_key(&Subject::Member(node.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alive(n: &str, inc: u64) -> Update {
        Update::Alive {
            node: n.into(),
            incarnation: inc,
            addrs: vec![],
        }
    }

    #[test]
    fn newer_update_replaces_older_about_the_same_member() {
        let mut q = BroadcastQueue::default();
        q.push(alive("a", 1));
        q.push(alive("a", 2));
        assert_eq!(q.take(1000, 5).len(), 1);
        q.push(alive("a", 2));
        assert_eq!(q.take(1000, 5), vec![alive("a", 2)]);
    }

    #[test]
    fn retransmit_limit_and_budget_are_honoured() {
        let mut q = BroadcastQueue::default();
        q.push(alive("a", 1));
        q.push(alive("b", 1));
        let one = encoded_len(&alive("a", 1));
        assert_eq!(q.take(one, 2).len(), 1);
        // The one not yet sent goes first.
        assert_eq!(q.take(one, 2), vec![alive("a", 1)]);
        assert_eq!(q.take(1000, 2).len(), 2);
        assert!(q.is_empty());
    }
}
