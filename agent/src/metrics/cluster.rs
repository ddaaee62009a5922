//! A coordinator's copy of the other nodes' recent samples, from their reports: any
//! coordinator can answer for the whole cluster, a node that died included. One ring of
//! `metrics_history` samples per node, for at most [`MAX_NODES`] nodes, so the memory it
//! may take is fixed by the configuration.

use std::collections::HashMap;

use p2p_shared::metrics::NodeSample;

use super::history::History;

/// Most nodes held; past it, the node heard from longest ago is forgotten.
pub const MAX_NODES: usize = 4096;

#[derive(Debug)]
pub struct ClusterHistory {
    capacity: usize,
    nodes: HashMap<String, History>,
}

impl ClusterHistory {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            nodes: HashMap::new(),
        }
    }

    /// Keeps `sample` unless its node already holds one as new (a report resent after a
    /// reconnect). True if kept.
    pub fn record(&mut self, sample: NodeSample) -> bool {
        if let Some(h) = self.nodes.get(&sample.node_id) {
            if h.latest().is_some_and(|l| l.time >= sample.time) {
                return false;
            }
        } else if self.nodes.len() >= MAX_NODES {
            self.forget_stalest();
        }
        self.nodes
            .entry(sample.node_id.clone())
            .or_insert_with(|| History::new(self.capacity))
            .push(sample);
        true
    }

    fn forget_stalest(&mut self) {
        let stalest = self
            .nodes
            .iter()
            .min_by_key(|(_, h)| h.latest().map(|s| s.time))
            .map(|(n, _)| n.clone());
        if let Some(n) = stalest {
            self.nodes.remove(&n);
        }
    }

    pub fn forget(&mut self, node: &str) {
        self.nodes.remove(node);
    }

    /// Each node's newest sample.
    pub fn latest(&self) -> Vec<NodeSample> {
        self.nodes
            .values()
            .filter_map(|h| h.latest().cloned())
            .collect()
    }

    /// One node's last `points` samples (all held if `None`), oldest first.
    pub fn recent(&self, node: &str, points: Option<usize>) -> Option<Vec<NodeSample>> {
        self.nodes.get(node).map(|h| h.recent(points))
    }

    pub fn nodes(&self) -> usize {
        self.nodes.len()
    }

    /// The most one node's ring may occupy, in bytes.
    pub fn memory_limit_per_node(&self) -> u64 {
        History::limit_for(self.capacity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::OffsetDateTime;

    fn sample(node: &str, second: i64) -> NodeSample {
        let mut s = super::super::history::tests::sample(1);
        s.node_id = node.into();
        s.time = OffsetDateTime::from_unix_timestamp(1_800_000_000 + second)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        s
    }

    #[test]
    fn a_resent_sample_is_kept_once_and_rings_stay_bounded() {
        let mut c = ClusterHistory::new(3);
        assert!(c.record(sample("a", 1)));
        assert!(!c.record(sample("a", 1)), "the same sample twice");
        assert!(!c.record(sample("a", 0)), "an older one");
        for s in 2..10 {
            assert!(c.record(sample("a", s)));
        }
        let held = c.recent("a", None).unwrap_or_default();
        assert_eq!(held.len(), 3);
        assert_eq!(held.last().map(|s| s.time), Some(sample("a", 9).time));
        assert_eq!(c.recent("a", Some(1)).map(|v| v.len()), Some(1));
        assert!(c.recent("b", None).is_none());
    }

    #[test]
    fn past_the_node_limit_the_stalest_node_goes() {
        let mut c = ClusterHistory::new(1);
        for i in 0..MAX_NODES {
            c.record(sample(&format!("n{i}"), 100 + i as i64));
        }
        c.record(sample("n0", 100_000));
        c.record(sample("late", 100_001));
        assert_eq!(c.nodes(), MAX_NODES);
        assert!(
            c.recent("n1", None).is_none(),
            "n1 was heard from longest ago"
        );
        assert!(c.recent("n0", None).is_some(), "n0 reported again");
        assert!(c.recent("late", None).is_some());
    }
}
