//! `GET /metrics` in the OpenMetrics text format, one registry per agent: the API's request
//! counters (updated as requests finish, `metrics::prometheus`) and the node's state read at
//! scrape time (`NodeCollector`), so nothing is counted twice.

use std::sync::Arc;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::{Registry, Unit};

use crate::context::NodeContext;

/// Renders the whole registry: the API counters and the node's state as of now.
pub fn render(ctx: Arc<NodeContext>) -> Result<String, std::fmt::Error> {
    let mut registry = Registry::with_prefix("p2pd");
    ctx.metrics.api.register(&mut registry);
    registry.register_collector(Box::new(NodeCollector(ctx)));
    let mut out = String::new();
    prometheus_client::encoding::text::encode(&mut out, &registry)?;
    Ok(out)
}

/// Reads the node's state on each scrape.
struct NodeCollector(Arc<NodeContext>);

impl std::fmt::Debug for NodeCollector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NodeCollector")
    }
}

fn gauge<N: prometheus_client::encoding::EncodeGaugeValue + Send + Sync + std::fmt::Debug>(
    e: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    unit: Option<&Unit>,
    value: N,
) -> Result<(), std::fmt::Error> {
    let g = ConstGauge::new(value);
    g.encode(e.encode_descriptor(name, help, unit, g.metric_type())?)
}

fn counter(
    e: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    unit: Option<&Unit>,
    value: u64,
) -> Result<(), std::fmt::Error> {
    let c = ConstCounter::new(value);
    c.encode(e.encode_descriptor(name, help, unit, c.metric_type())?)
}

/// A gauge with one label, one series per `(label value, value)`.
fn labelled<N>(
    e: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    unit: Option<&Unit>,
    labels: &[(&str, String, N)],
) -> Result<(), std::fmt::Error>
where
    N: prometheus_client::encoding::EncodeGaugeValue + Send + Sync + std::fmt::Debug + Copy,
{
    let mut m = e.encode_descriptor(
        name,
        help,
        unit,
        prometheus_client::metrics::MetricType::Gauge,
    )?;
    for (key, value, n) in labels {
        let set = [(*key, value.as_str())];
        ConstGauge::new(*n).encode(m.encode_family(&set)?)?;
    }
    Ok(())
}

impl Collector for NodeCollector {
    fn encode(&self, mut e: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let ctx = &self.0;
        let bytes = Unit::Bytes;
        let percent = Unit::Other("percent".into());
        let rate = Unit::Other("bytes_per_second".into());
        if let Some(s) = ctx.metrics.latest() {
            gauge(
                &mut e,
                "node_cpu_usage",
                "Machine CPU in use, percent of all cores",
                Some(&percent),
                s.cpu_percent,
            )?;
            gauge(&mut e, "node_cpu_cores", "CPU cores", None, s.cpu_cores)?;
            labelled(
                &mut e,
                "node_load",
                "Load average",
                None,
                &[
                    ("window", "1m".to_string(), s.load_1),
                    ("window", "5m".to_string(), s.load_5),
                    ("window", "15m".to_string(), s.load_15),
                ],
            )?;
            gauge(
                &mut e,
                "node_memory_total",
                "Machine memory",
                Some(&bytes),
                s.memory_total_bytes,
            )?;
            gauge(
                &mut e,
                "node_memory_used",
                "Machine memory in use (total minus available)",
                Some(&bytes),
                s.memory_used_bytes,
            )?;
            gauge(
                &mut e,
                "node_memory_available",
                "Machine memory available",
                Some(&bytes),
                s.memory_available_bytes,
            )?;
            gauge(
                &mut e,
                "node_swap_used",
                "Swap in use",
                Some(&bytes),
                s.swap_used_bytes,
            )?;
            gauge(
                &mut e,
                "node_disk_used",
                "Used space on the state directory's filesystem",
                Some(&bytes),
                s.disk_used_bytes,
            )?;
            gauge(
                &mut e,
                "node_disk_free",
                "Free space on the state directory's filesystem",
                Some(&bytes),
                s.disk_free_bytes,
            )?;
            let rx: Vec<(&str, String, f64)> = s
                .network
                .iter()
                .map(|i| ("interface", i.interface.clone(), i.rx_bytes_per_second))
                .collect();
            let tx: Vec<(&str, String, f64)> = s
                .network
                .iter()
                .map(|i| ("interface", i.interface.clone(), i.tx_bytes_per_second))
                .collect();
            labelled(
                &mut e,
                "node_network_receive",
                "Bytes received per second, by interface",
                Some(&rate),
                &rx,
            )?;
            labelled(
                &mut e,
                "node_network_transmit",
                "Bytes sent per second, by interface",
                Some(&rate),
                &tx,
            )?;
            gauge(
                &mut e,
                "agent_cpu_usage",
                "p2pd's own CPU, percent of one core",
                Some(&percent),
                s.agent_cpu_percent,
            )?;
            gauge(
                &mut e,
                "agent_resident_memory",
                "p2pd's own resident memory",
                Some(&bytes),
                s.agent_rss_bytes,
            )?;
            let cpu: Vec<(&str, String, f64)> = s
                .services
                .iter()
                .map(|u| ("service", u.service.clone(), u.cpu_percent))
                .collect();
            let rss: Vec<(&str, String, u64)> = s
                .services
                .iter()
                .map(|u| ("service", u.service.clone(), u.rss_bytes))
                .collect();
            labelled(
                &mut e,
                "service_cpu_usage",
                "A service's CPU (its whole process group), percent of one core",
                Some(&percent),
                &cpu,
            )?;
            labelled(
                &mut e,
                "service_resident_memory",
                "A service's resident memory (its whole process group)",
                Some(&bytes),
                &rss,
            )?;
        }

        let g = ctx.membership.stats();
        labelled(
            &mut e,
            "members",
            "Members in this node's view, by state",
            None,
            &[
                ("state", "alive".to_string(), g.members_alive),
                ("state", "suspect".to_string(), g.members_suspect),
                ("state", "dead".to_string(), g.members_dead),
                ("state", "left".to_string(), g.members_left),
            ],
        )?;
        counter(
            &mut e,
            "gossip_probes",
            "Failure-detector probes started",
            None,
            g.probes,
        )?;
        counter(
            &mut e,
            "gossip_probes_failed",
            "Probes that got no answer",
            None,
            g.probes_failed,
        )?;
        counter(
            &mut e,
            "gossip_refutations",
            "Times this node refuted a suspicion of itself",
            None,
            g.refutations,
        )?;
        counter(
            &mut e,
            "gossip_datagrams_sent",
            "Gossip datagrams sent",
            None,
            g.datagrams_sent,
        )?;
        counter(
            &mut e,
            "gossip_datagrams_received",
            "Gossip datagrams received and opened",
            None,
            g.datagrams_received,
        )?;
        counter(
            &mut e,
            "gossip_datagrams_dropped",
            "Gossip datagrams dropped (oversized, malformed, unauthenticated, replayed, undecodable)",
            None,
            g.dropped_oversized
                + g.dropped_malformed
                + g.dropped_unauthenticated
                + g.dropped_replayed
                + g.dropped_undecodable,
        )?;
        gauge(
            &mut e,
            "gossip_local_health",
            "Lifeguard local-health multiplier (0 is healthy)",
            None,
            g.local_health,
        )?;

        counter(
            &mut e,
            "log_lines_stored",
            "Log lines of this node numbered and stored",
            None,
            *ctx.logs.own_seq().borrow(),
        )?;
        counter(
            &mut e,
            "log_lines_dropped",
            "Log lines dropped because the pipeline was full",
            None,
            ctx.logs.dropped(),
        )?;

        let snap = ctx.services.snapshot();
        let states: Vec<(&str, String, i64)> = snap
            .services
            .values()
            .map(|d| {
                (
                    "service",
                    d.instance.name.clone(),
                    i64::from(d.instance.state == p2p_shared::services::ServiceState::Running),
                )
            })
            .collect();
        let restarts: Vec<(&str, String, u32)> = snap
            .services
            .values()
            .map(|d| ("service", d.instance.name.clone(), d.instance.restarts))
            .collect();
        labelled(
            &mut e,
            "service_up",
            "1 when the service is running",
            None,
            &states,
        )?;
        labelled(
            &mut e,
            "service_restarts",
            "Restarts of the service since p2pd started",
            None,
            &restarts,
        )?;

        let cert = ctx.pki.current();
        let left = cert.info.not_after - time::OffsetDateTime::now_utc();
        gauge(
            &mut e,
            "cert_expiry",
            "Time until this node's certificate expires",
            Some(&Unit::Seconds),
            left.whole_seconds(),
        )?;

        if let Some(control) = &ctx.control {
            let m = control.raft.raft().metrics().borrow().clone();
            gauge(
                &mut e,
                "raft_term",
                "Current Raft term",
                None,
                m.current_term,
            )?;
            gauge(
                &mut e,
                "raft_leader",
                "1 when this coordinator is the Raft leader",
                None,
                i64::from(m.current_leader == Some(m.id)),
            )?;
            let last_log = m.last_log_index.unwrap_or(0);
            let applied = m.last_applied.map_or(0, |l| l.index);
            gauge(
                &mut e,
                "raft_last_log_index",
                "Index of the last entry in this coordinator's log",
                None,
                last_log,
            )?;
            gauge(
                &mut e,
                "raft_applied_index",
                "Index of the last entry applied to the store",
                None,
                applied,
            )?;
            gauge(
                &mut e,
                "raft_apply_lag",
                "Entries in the log not yet applied",
                None,
                last_log.saturating_sub(applied),
            )?;
        }
        caches(&mut e, ctx)
    }
}

/// A counter family of the caches: its name, help, and the counter of one cache.
type CacheFamily = (
    &'static str,
    &'static str,
    fn(&p2p_shared::api::CacheStats) -> u64,
);

/// Each cache's counters, one series per cache.
fn caches(e: &mut DescriptorEncoder, ctx: &NodeContext) -> Result<(), std::fmt::Error> {
    let stats = ctx.cache_stats();
    let families: [CacheFamily; 7] = [
        ("cache_hits", "Lookups the cache answered", |c| c.hits),
        ("cache_misses", "Lookups the cache could not answer", |c| {
            c.misses
        }),
        (
            "cache_evictions",
            "Entries dropped to stay within the bound",
            |c| c.evictions,
        ),
        (
            "cache_expirations",
            "Entries dropped when their time was up",
            |c| c.expirations,
        ),
        (
            "cache_invalidations",
            "Entries dropped because an event changed them",
            |c| c.invalidations,
        ),
        (
            "cache_redis_errors",
            "Calls to the shared cache (Redis) that failed or timed out",
            |c| c.redis_errors,
        ),
        (
            "cache_rejected",
            "Shared values refused: malformed, of another cluster, or not sealed by ours",
            |c| c.rejected,
        ),
    ];
    for (name, help, value) in families {
        let mut m = e.encode_descriptor(
            name,
            help,
            None,
            prometheus_client::metrics::MetricType::Counter,
        )?;
        for c in &stats {
            let set = [("cache", c.name.as_str())];
            ConstCounter::new(value(c)).encode(m.encode_family(&set)?)?;
        }
    }
    let sizes: Vec<(&str, String, u64)> = stats
        .iter()
        .map(|c| ("cache", c.name.clone(), c.bytes))
        .collect();
    labelled(
        e,
        "cache_size",
        "What the cache's entries weigh",
        Some(&Unit::Bytes),
        &sizes,
    )
}
