//! Turning two readings of the kernel's counters into a sample: CPU shares and byte rates
//! are differences over the time between readings. Pure: the readings and their times
//! come in, so tests drive it with made-up counters.

use std::collections::HashMap;

use p2p_shared::metrics::{InterfaceRate, NodeSample, ServiceUsage};
use time::OffsetDateTime;

use crate::procfs::{CpuTimes, DiskUsage, InterfaceCounters, MemInfo, ProcStat};

/// Everything read at one moment.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    /// Monotonic milliseconds (rates divide by differences of this).
    pub at_ms: u64,
    pub cpu: Option<(CpuTimes, u32)>,
    pub load: Option<[f64; 3]>,
    pub memory: Option<MemInfo>,
    pub disk: Option<DiskUsage>,
    pub interfaces: Vec<InterfaceCounters>,
    /// The agent's own process.
    pub agent: Option<ProcStat>,
    /// Each supervised service: its name, and (ticks, resident pages, processes) summed
    /// over its process group.
    pub services: Vec<(String, (u64, u64, u32))>,
}

/// Remembers the previous reading; owned by one node's sampling task.
#[derive(Debug)]
pub struct Sampler {
    node_id: String,
    ticks_per_second: u64,
    page_size: u64,
    previous: Option<Reading>,
}

fn share(delta: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (delta as f64 / whole as f64 * 100.0).clamp(0.0, 100.0 * 4096.0)
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

impl Sampler {
    pub fn new(node_id: String, ticks_per_second: u64, page_size: u64) -> Self {
        Self {
            node_id,
            ticks_per_second: ticks_per_second.max(1),
            page_size,
            previous: None,
        }
    }

    /// The sample for `now`, from this reading and the previous one (the first reading
    /// gives zero rates).
    pub fn sample(&mut self, now: OffsetDateTime, r: Reading) -> NodeSample {
        let prev = self.previous.as_ref();
        let elapsed_ms = prev.map_or(0, |p| r.at_ms.saturating_sub(p.at_ms));
        let elapsed_ticks = elapsed_ms * self.ticks_per_second / 1000;
        let cpu_percent = match (r.cpu, prev.and_then(|p| p.cpu)) {
            (Some((now_t, _)), Some((then, _))) => share(
                now_t.busy.saturating_sub(then.busy),
                now_t.total.saturating_sub(then.total),
            ),
            _ => 0.0,
        };
        let per_second = |now_b: u64, then_b: u64| {
            if elapsed_ms == 0 {
                0.0
            } else {
                now_b.saturating_sub(then_b) as f64 * 1000.0 / elapsed_ms as f64
            }
        };
        // Loopback counts only when it is all there is (a single-host test cluster).
        let only_loopback = r.interfaces.iter().all(|i| i.name == "lo");
        let then_if: HashMap<&str, &InterfaceCounters> = prev
            .map(|p| p.interfaces.iter().map(|i| (i.name.as_str(), i)).collect())
            .unwrap_or_default();
        let network = r
            .interfaces
            .iter()
            .filter(|i| only_loopback || i.name != "lo")
            .map(|i| {
                let then = then_if.get(i.name.as_str());
                InterfaceRate {
                    interface: i.name.clone(),
                    rx_bytes_per_second: round2(
                        then.map_or(0.0, |t| per_second(i.rx_bytes, t.rx_bytes)),
                    ),
                    tx_bytes_per_second: round2(
                        then.map_or(0.0, |t| per_second(i.tx_bytes, t.tx_bytes)),
                    ),
                }
            })
            .collect();
        let agent_cpu_percent = match (r.agent, prev.and_then(|p| p.agent)) {
            (Some(a), Some(b)) => share(a.ticks.saturating_sub(b.ticks), elapsed_ticks),
            _ => 0.0,
        };
        let then_svc: HashMap<&str, u64> = prev
            .map(|p| {
                p.services
                    .iter()
                    .map(|(n, (t, _, _))| (n.as_str(), *t))
                    .collect()
            })
            .unwrap_or_default();
        let services = r
            .services
            .iter()
            .map(|(name, (ticks, pages, count))| ServiceUsage {
                service: name.clone(),
                processes: *count,
                cpu_percent: round2(
                    then_svc
                        .get(name.as_str())
                        .map_or(0.0, |t| share(ticks.saturating_sub(*t), elapsed_ticks)),
                ),
                rss_bytes: pages.saturating_mul(self.page_size),
            })
            .collect();
        let memory = r.memory.unwrap_or_default();
        let disk = r.disk.unwrap_or_default();
        let [load_1, load_5, load_15] = r.load.unwrap_or([0.0; 3]);
        let sample = NodeSample {
            node_id: self.node_id.clone(),
            time: now,
            cpu_percent: round2(cpu_percent),
            cpu_cores: r.cpu.map_or(1, |(_, c)| c),
            load_1,
            load_5,
            load_15,
            memory_total_bytes: memory.total,
            memory_used_bytes: memory.total.saturating_sub(memory.available),
            memory_available_bytes: memory.available,
            swap_total_bytes: memory.swap_total,
            swap_used_bytes: memory.swap_total.saturating_sub(memory.swap_free),
            disk_total_bytes: disk.total,
            disk_used_bytes: disk.used,
            disk_free_bytes: disk.free,
            network,
            agent_cpu_percent: round2(agent_cpu_percent),
            agent_rss_bytes: r
                .agent
                .map_or(0, |a| a.rss_pages.saturating_mul(self.page_size)),
            services,
        };
        self.previous = Some(r);
        sample
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(at_ms: u64, busy: u64, total: u64, rx: u64, agent_ticks: u64) -> Reading {
        Reading {
            at_ms,
            cpu: Some((CpuTimes { busy, total }, 4)),
            load: Some([1.5, 1.0, 0.5]),
            memory: Some(MemInfo {
                total: 1000,
                available: 400,
                swap_total: 100,
                swap_free: 60,
            }),
            disk: Some(DiskUsage {
                total: 10,
                used: 3,
                free: 6,
            }),
            interfaces: vec![
                InterfaceCounters {
                    name: "lo".into(),
                    rx_bytes: 5,
                    tx_bytes: 5,
                },
                InterfaceCounters {
                    name: "eth0".into(),
                    rx_bytes: rx,
                    tx_bytes: rx / 2,
                },
            ],
            agent: Some(ProcStat {
                pgid: 1,
                ticks: agent_ticks,
                rss_pages: 10,
            }),
            services: vec![("web".into(), (agent_ticks * 2, 3, 2))],
        }
    }

    #[test]
    fn rates_come_from_differences_over_the_elapsed_time() {
        let mut s = Sampler::new("n1".into(), 100, 4096);
        let first = s.sample(OffsetDateTime::UNIX_EPOCH, reading(0, 0, 0, 0, 0));
        assert_eq!(first.cpu_percent, 0.0, "no rate from one reading");
        assert_eq!(first.network[0].rx_bytes_per_second, 0.0);
        // 2 s later: 100 of 400 jiffies busy, 4000 bytes in, the agent used 10 ticks
        // (5% of one core), the service 20 (10%).
        let x = s.sample(
            OffsetDateTime::UNIX_EPOCH,
            reading(2000, 100, 400, 4000, 10),
        );
        assert_eq!(x.cpu_percent, 25.0);
        assert_eq!(x.cpu_cores, 4);
        assert_eq!(
            x.network.len(),
            1,
            "loopback left out beside a real interface"
        );
        assert_eq!(x.network[0].interface, "eth0");
        assert_eq!(x.network[0].rx_bytes_per_second, 2000.0);
        assert_eq!(x.network[0].tx_bytes_per_second, 1000.0);
        assert_eq!(x.agent_cpu_percent, 5.0);
        assert_eq!(x.agent_rss_bytes, 10 * 4096);
        assert_eq!(x.services[0].cpu_percent, 10.0);
        assert_eq!(x.services[0].processes, 2);
        assert_eq!(x.services[0].rss_bytes, 3 * 4096);
        assert_eq!(x.memory_used_bytes, 600);
        assert_eq!(x.swap_used_bytes, 40);
        assert_eq!((x.load_1, x.disk_free_bytes), (1.5, 6));
    }

    #[test]
    fn counters_that_go_backwards_give_zero_not_garbage() {
        let mut s = Sampler::new("n1".into(), 100, 4096);
        s.sample(OffsetDateTime::UNIX_EPOCH, reading(0, 500, 1000, 9000, 50));
        // An interface reset, a wrapped counter: never a negative or huge rate.
        let x = s.sample(OffsetDateTime::UNIX_EPOCH, reading(1000, 100, 200, 10, 5));
        assert_eq!(x.cpu_percent, 0.0);
        assert_eq!(x.network[0].rx_bytes_per_second, 0.0);
        assert_eq!(x.agent_cpu_percent, 0.0);
    }

    #[test]
    fn only_loopback_is_reported_when_it_is_all_there_is() {
        let mut s = Sampler::new("n1".into(), 100, 4096);
        let mut r = reading(0, 0, 0, 0, 0);
        r.interfaces.retain(|i| i.name == "lo");
        let x = s.sample(OffsetDateTime::UNIX_EPOCH, r);
        assert_eq!(x.network.len(), 1);
        assert_eq!(x.network[0].interface, "lo");
    }
}
