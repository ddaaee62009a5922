//! Every node measures itself: a sample of its resources every `metrics_interval`, kept in
//! a fixed ring of `metrics_history` samples. `crate::procfs` reads the kernel's counters,
//! `sampler.rs` turns two readings into a sample, `history.rs` keeps them, `prometheus.rs`
//! renders `/metrics`. Each agent owns its own (many agents can share a test process).

pub mod cluster;
pub mod history;
pub mod prometheus;
pub mod report;
pub mod sampler;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use p2p_shared::metrics::NodeSample;
use tokio::sync::{broadcast, watch};

use crate::clock::Clock;
use crate::procfs;
use crate::services::Services;
use cluster::ClusterHistory;
use history::History;
use sampler::{Reading, Sampler};

/// Most interfaces and services one sample lists: a sample's size, and so the ring's, is
/// bounded whatever the host has.
pub const MAX_INTERFACES: usize = 16;
pub const MAX_SERVICES: usize = 128;

/// This node's samples: the latest (watchers wake on each) and the ring.
#[derive(Debug)]
pub struct Metrics {
    pub interval: Duration,
    /// The API's request counters (`/metrics`).
    pub api: prometheus::ApiCounters,
    latest: watch::Sender<Option<NodeSample>>,
    history: Mutex<History>,
    /// On coordinators, the other nodes' samples from their reports.
    cluster: Mutex<ClusterHistory>,
    /// Every new sample, this node's and those reported to it (live events).
    samples: broadcast::Sender<NodeSample>,
}

/// Samples kept for live-event receivers that fall behind: few, since the one receiver
/// (the event feed) forwards each at once, and each slot holds a whole sample.
const SAMPLES_KEPT: usize = 4;

impl Metrics {
    pub fn new(interval: Duration, capacity: usize) -> Self {
        Self {
            interval,
            api: prometheus::ApiCounters::default(),
            latest: watch::Sender::new(None),
            history: Mutex::new(History::new(capacity)),
            cluster: Mutex::new(ClusterHistory::new(capacity)),
            samples: broadcast::Sender::new(SAMPLES_KEPT),
        }
    }

    pub fn latest(&self) -> Option<NodeSample> {
        self.latest.borrow().clone()
    }

    /// Wakes on every new sample.
    pub fn subscribe(&self) -> watch::Receiver<Option<NodeSample>> {
        self.latest.subscribe()
    }

    /// The last `points` samples (all kept if `None`), oldest first.
    pub fn recent(&self, points: Option<usize>) -> Vec<NodeSample> {
        self.history
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .recent(points)
    }

    /// This node's samples taken after `t`, oldest first, at most the newest `max`.
    pub fn after(&self, t: time::OffsetDateTime, max: usize) -> Vec<NodeSample> {
        self.history
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .after(t, max)
    }

    pub fn capacity(&self) -> usize {
        self.history
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .capacity()
    }

    /// The most the ring can occupy, in bytes.
    pub fn memory_limit_bytes(&self) -> u64 {
        self.history
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .memory_limit_bytes()
    }

    /// Every new sample from now on, this node's and those reported to it.
    pub fn samples(&self) -> broadcast::Receiver<NodeSample> {
        self.samples.subscribe()
    }

    fn record(&self, sample: NodeSample) {
        self.history
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(sample.clone());
        if self.samples.receiver_count() > 0 {
            let _ = self.samples.send(sample.clone());
        }
        self.latest.send_replace(Some(sample));
    }

    /// Keeps another node's reported samples (oldest first); a sample already held is
    /// skipped, so a resent report changes nothing. Only the newest is a live event: the
    /// others are what the coordinator missed, history rather than news.
    pub fn record_reported(&self, samples: Vec<NodeSample>) {
        let newest = {
            let mut c = self.cluster.lock().unwrap_or_else(|p| p.into_inner());
            samples.into_iter().filter(|s| c.record(s.clone())).last()
        };
        if let Some(s) = newest
            && self.samples.receiver_count() > 0
        {
            let _ = self.samples.send(s);
        }
    }

    /// The newest sample of this node and of every node that reports to it.
    pub fn latest_of_all(&self) -> Vec<NodeSample> {
        let mut all = self
            .cluster
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .latest();
        all.extend(self.latest());
        all.sort_by(|a, b| a.node_id.cmp(&b.node_id));
        all
    }

    /// A reporting node's last `points` samples, if this node holds any.
    pub fn reported(&self, node: &str, points: Option<usize>) -> Option<Vec<NodeSample>> {
        self.cluster
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .recent(node, points)
    }

    /// Forgets a node gone from the cluster.
    pub fn forget(&self, node: &str) {
        self.cluster
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .forget(node);
    }

    /// Nodes whose samples this node holds beside its own, and the most each ring takes.
    pub fn reported_footprint(&self) -> (usize, u64) {
        let c = self.cluster.lock().unwrap_or_else(|p| p.into_inner());
        (c.nodes(), c.memory_limit_per_node())
    }
}

/// Reads everything a sample needs (blocking file reads: run it off the async workers).
fn read(clock: &Clock, state_dir: &Path, services: &Services) -> Reading {
    let groups: Vec<(String, i32)> = services
        .snapshot()
        .services
        .into_iter()
        .filter_map(|(name, d)| {
            let pid = i32::try_from(d.instance.pid?).ok()?;
            Some((name, pid))
        })
        .take(MAX_SERVICES)
        .collect();
    let ids: Vec<i32> = groups.iter().map(|(_, g)| *g).collect();
    let usage = procfs::read_groups(&ids);
    let mut interfaces = procfs::read_net_dev();
    interfaces.truncate(MAX_INTERFACES);
    Reading {
        at_ms: clock.now(),
        cpu: procfs::read_cpu(),
        load: procfs::read_loadavg(),
        memory: procfs::read_meminfo(),
        disk: procfs::read_disk(state_dir),
        interfaces,
        agent: procfs::read_self(),
        services: groups
            .into_iter()
            .filter_map(|(name, g)| usage.get(&g).map(|u| (name, *u)))
            .collect(),
    }
}

/// Samples every `metrics.interval` until shutdown.
pub fn spawn(
    metrics: Arc<Metrics>,
    node_id: String,
    state_dir: PathBuf,
    services: Services,
    clock: Clock,
    mut shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let (ticks, page) = procfs::clock_and_page();
        let sampler = Arc::new(Mutex::new(Sampler::new(node_id, ticks, page)));
        let mut every = tokio::time::interval(metrics.interval);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = shutdown.changed() => return,
                _ = every.tick() => {}
            }
            let (clock, dir, svc, s) =
                (clock, state_dir.clone(), services.clone(), sampler.clone());
            let taken = tokio::task::spawn_blocking(move || {
                let reading = read(&clock, &dir, &svc);
                let now = time::OffsetDateTime::now_utc();
                let now = now
                    .replace_nanosecond(now.nanosecond() / 1_000_000 * 1_000_000)
                    .unwrap_or(now);
                s.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .sample(now, reading)
            })
            .await;
            match taken {
                Ok(sample) => metrics.record(sample),
                Err(e) => tracing::warn!(error = %e, "taking a metrics sample failed"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(node: &str, second: i64) -> NodeSample {
        let mut s = history::tests::sample(1);
        s.node_id = node.into();
        s.time = time::OffsetDateTime::from_unix_timestamp(1_800_000_000 + second)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        s
    }

    #[test]
    fn a_report_keeps_every_sample_but_only_its_newest_is_news() {
        let m = Metrics::new(Duration::from_secs(2), 100);
        let mut live = m.samples();
        m.record_reported(vec![at("w1", 1), at("w1", 3), at("w1", 5)]);
        assert_eq!(m.reported("w1", None).map(|v| v.len()), Some(3));
        assert_eq!(live.try_recv().map(|s| s.time), Ok(at("w1", 5).time));
        assert!(
            live.try_recv().is_err(),
            "the missed samples are history, not events"
        );
        // The same report again changes nothing and says nothing.
        m.record_reported(vec![at("w1", 3), at("w1", 5)]);
        assert!(live.try_recv().is_err());
        assert_eq!(m.latest_of_all().len(), 1);
    }
}
