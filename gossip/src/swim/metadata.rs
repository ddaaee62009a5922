//! Per-origin versioned metadata: a node sets its own keys; others take a key only with a
//! higher version; a node that hears of a version of its own it does not remember publishes
//! above it.

use super::{Event, MAX_META_BYTES, MAX_META_KEYS, Swim};
use crate::member::Member;

/// Whether `m` may hold `key` = `value` within the per-member caps.
fn fits(m: &Member, key: &str, value: Option<&str>) -> bool {
    let size = |k: &str, v: Option<&str>| k.len() + v.map_or(0, str::len);
    let others: usize = m
        .meta
        .iter()
        .filter(|(k, _)| k.as_str() != key)
        .map(|(k, e)| size(k, e.value.as_deref()))
        .sum();
    let keys = m.meta.len() + usize::from(!m.meta.contains_key(key));
    keys <= MAX_META_KEYS && others + size(key, value) <= MAX_META_BYTES
}
use crate::member::MetaEntry;
use crate::wire::Update;

impl Swim {
    /// Sets (or with `None` deletes) one of this node's metadata keys and disseminates it.
    pub fn set_meta(&mut self, key: &str, value: Option<String>) {
        let Some(me) = self.table.get_mut(&self.me) else {
            return;
        };
        if me.meta.get(key).map(|e| &e.value) == Some(&value) {
            return;
        }
        if !fits(me, key, value.as_deref()) {
            self.stats.meta_refused += 1;
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
        self.gossip.push(Update::Meta {
            node: self.me.clone(),
            key: key.to_string(),
            value,
            version,
        });
        self.events.push_back(Event::MetaChanged {
            node: self.me.clone(),
        });
    }

    pub(super) fn on_meta(
        &mut self,
        node: String,
        key: String,
        value: Option<String>,
        version: u64,
    ) -> bool {
        if node == self.me {
            // A version we no longer remember (we restarted without state): re-publish our
            // current value above it.
            let Some(me) = self.table.get_mut(&self.me) else {
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
                    if let Some(me) = self.table.get_mut(&self.me) {
                        me.meta_version += 1;
                        let v = me.meta_version;
                        me.meta.insert(
                            key.clone(),
                            MetaEntry {
                                value: None,
                                version: v,
                            },
                        );
                        self.gossip.push(Update::Meta {
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
        let Some(m) = self.table.get_mut(&node) else {
            return false;
        };
        if m.meta.get(&key).is_some_and(|e| e.version >= version) {
            return false;
        }
        if !fits(m, &key, value.as_deref()) {
            self.stats.meta_refused += 1;
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
        self.gossip.push(Update::Meta {
            node,
            key,
            value,
            version,
        });
        true
    }
}
