//! A fixed ring of samples: the oldest goes when a new one comes, so a node's history
//! never grows past `capacity` samples of bounded size.

use std::collections::VecDeque;

use p2p_shared::metrics::{InterfaceRate, NodeSample, ServiceUsage};

use super::{MAX_INTERFACES, MAX_SERVICES};

/// Longest interface or service name counted in the bound (Linux interface names are at
/// most 15 bytes; service names follow the node-id rule of at most 63).
const NAME_BYTES: usize = 64;

#[derive(Debug)]
pub struct History {
    capacity: usize,
    samples: VecDeque<NodeSample>,
}

impl History {
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            capacity,
            samples: VecDeque::with_capacity(capacity),
        }
    }

    pub fn push(&mut self, sample: NodeSample) {
        if self.samples.len() == self.capacity {
            self.samples.pop_front();
        }
        self.samples.push_back(sample);
    }

    /// The last `points` samples (all if `None`), oldest first.
    pub fn recent(&self, points: Option<usize>) -> Vec<NodeSample> {
        let n = points.unwrap_or(self.capacity).min(self.samples.len());
        self.samples
            .iter()
            .skip(self.samples.len() - n)
            .cloned()
            .collect()
    }

    /// The samples taken after `t`, oldest first, at most the newest `max`.
    pub fn after(&self, t: time::OffsetDateTime, max: usize) -> Vec<NodeSample> {
        let n = self.samples.iter().rev().take_while(|s| s.time > t).count();
        self.samples
            .iter()
            .skip(self.samples.len() - n.min(max))
            .cloned()
            .collect()
    }

    pub fn latest(&self) -> Option<&NodeSample> {
        self.samples.back()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// The most a full ring occupies: every sample at its largest (all interfaces and
    /// services listed, names at their longest).
    pub fn memory_limit_bytes(&self) -> u64 {
        Self::limit_for(self.capacity)
    }

    /// [`History::memory_limit_bytes`] of a ring of `capacity` samples.
    pub fn limit_for(capacity: usize) -> u64 {
        let per_sample = std::mem::size_of::<NodeSample>()
            + NAME_BYTES
            + MAX_INTERFACES * (std::mem::size_of::<InterfaceRate>() + NAME_BYTES)
            + MAX_SERVICES * (std::mem::size_of::<ServiceUsage>() + NAME_BYTES);
        (per_sample * capacity.max(1)) as u64
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use time::OffsetDateTime;

    pub(in crate::metrics) fn sample(i: u32) -> NodeSample {
        NodeSample {
            node_id: "n".into(),
            time: OffsetDateTime::UNIX_EPOCH,
            cpu_percent: 0.0,
            cpu_cores: i,
            load_1: 0.0,
            load_5: 0.0,
            load_15: 0.0,
            memory_total_bytes: 0,
            memory_used_bytes: 0,
            memory_available_bytes: 0,
            swap_total_bytes: 0,
            swap_used_bytes: 0,
            disk_total_bytes: 0,
            disk_used_bytes: 0,
            disk_free_bytes: 0,
            network: Vec::new(),
            agent_cpu_percent: 0.0,
            agent_rss_bytes: 0,
            services: Vec::new(),
        }
    }

    #[test]
    fn the_ring_keeps_the_last_capacity_samples_oldest_first() {
        let mut h = History::new(3);
        for i in 0..5 {
            h.push(sample(i));
        }
        assert_eq!(h.len(), 3);
        let cores: Vec<u32> = h.recent(None).iter().map(|s| s.cpu_cores).collect();
        assert_eq!(cores, vec![2, 3, 4]);
        let last2: Vec<u32> = h.recent(Some(2)).iter().map(|s| s.cpu_cores).collect();
        assert_eq!(last2, vec![3, 4]);
        assert_eq!(h.recent(Some(10)).len(), 3);
        assert_eq!(h.latest().map(|s| s.cpu_cores), Some(4));
        let mut timed = History::new(5);
        for i in 0..5 {
            let mut s = sample(i);
            s.time = OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(i.into());
            timed.push(s);
        }
        let t1 = OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(1);
        let after: Vec<u32> = timed.after(t1, 10).iter().map(|s| s.cpu_cores).collect();
        assert_eq!(after, vec![2, 3, 4]);
        let capped: Vec<u32> = timed.after(t1, 2).iter().map(|s| s.cpu_cores).collect();
        assert_eq!(capped, vec![3, 4], "the newest when capped");
        assert!(h.memory_limit_bytes() > 0);
        assert_eq!(
            History::new(6).memory_limit_bytes(),
            2 * h.memory_limit_bytes()
        );
    }
}
