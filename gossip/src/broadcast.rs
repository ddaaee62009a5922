//! The piggyback queue: each update rides on outgoing packets until it has been sent
//! `limit` times. Fewest-sent first, newest first among equals, so fresh news (a refutation,
//! a death) overtakes old news; a newer update about the same subject replaces the old one.

use crate::wire::{Update, encoded_len};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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
    subject: Subject,
    len: usize,
    transmits: u32,
    id: u64,
}

#[derive(Debug, Default)]
pub(crate) struct BroadcastQueue {
    entries: Vec<Entry>,
    next_id: u64,
}

impl BroadcastQueue {
    pub fn push(&mut self, update: Update) {
        let subject = subject(&update);
        self.entries.retain(|e| e.subject != subject);
        let len = encoded_len(&update);
        self.next_id += 1;
        self.entries.push(Entry {
            update,
            subject,
            len,
            transmits: 0,
            id: self.next_id,
        });
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Takes updates that fit in `budget` bytes, counting one transmission for each and
    /// dropping those that reached `limit`.
    pub fn take(&mut self, mut budget: usize, limit: u32) -> Vec<Update> {
        if self.entries.is_empty() {
            return Vec::new();
        }
        self.entries
            .sort_by(|a, b| a.transmits.cmp(&b.transmits).then(b.id.cmp(&a.id)));
        let mut out = Vec::new();
        for e in self.entries.iter_mut() {
            if e.len <= budget {
                budget -= e.len;
                e.transmits += 1;
                out.push(e.update.clone());
            }
            if budget < 8 {
                break;
            }
        }
        self.entries.retain(|e| e.transmits < limit);
        out
    }

    /// True while an update about `node`'s membership is still queued.
    pub fn has_member_update(&self, node: &str) -> bool {
        self.entries
            .iter()
            .any(|e| matches!(&e.subject, Subject::Member(n) if n == node))
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
