//! Resource samples of nodes (`GET /v1/metrics/nodes`, `GET /v1/metrics/nodes/{id}`), as
//! every node takes them every `metrics_interval`.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// One node's resources at one moment. Shares of CPU are percentages: `cpu_percent` of the
/// whole machine (0-100), `agent_cpu_percent` and a service's `cpu_percent` of one core (a
/// process using two cores shows 200). Rates are averages since the previous sample.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NodeSample {
    pub node_id: String,
    /// When it was taken (RFC 3339, milliseconds).
    #[serde(with = "time::serde::rfc3339")]
    pub time: OffsetDateTime,
    pub cpu_percent: f64,
    pub cpu_cores: u32,
    pub load_1: f64,
    pub load_5: f64,
    pub load_15: f64,
    pub memory_total_bytes: u64,
    pub memory_used_bytes: u64,
    pub memory_available_bytes: u64,
    pub swap_total_bytes: u64,
    pub swap_used_bytes: u64,
    /// The filesystem holding the node's state directory.
    pub disk_total_bytes: u64,
    pub disk_used_bytes: u64,
    /// Available to unprivileged writers.
    pub disk_free_bytes: u64,
    /// Per interface; loopback only when it is the only one.
    pub network: Vec<InterfaceRate>,
    pub agent_cpu_percent: f64,
    pub agent_rss_bytes: u64,
    /// Each running service, summed over its whole process group.
    pub services: Vec<ServiceUsage>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InterfaceRate {
    pub interface: String,
    pub rx_bytes_per_second: f64,
    pub tx_bytes_per_second: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ServiceUsage {
    pub service: String,
    /// Processes in the service's process group.
    pub processes: u32,
    pub cpu_percent: f64,
    pub rss_bytes: u64,
}

/// `GET /v1/metrics/nodes`: the latest sample of every node this node holds history for.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NodeSamples {
    pub nodes: Vec<NodeSample>,
}

/// `GET /v1/metrics/nodes/{id}?points=N`: a node's recent samples, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NodeHistory {
    pub node_id: String,
    pub interval_seconds: f64,
    /// Samples kept per node (`metrics_history`).
    pub capacity: u32,
    /// What this node's ring for that node may occupy at most, in bytes.
    pub memory_limit_bytes: u64,
    pub samples: Vec<NodeSample>,
}

/// `POST /v1/cluster/metrics`: what a node tells each coordinator: its samples since the
/// last report (every sample while the coordinator has live subscribers, a sparse one
/// otherwise) and, when they changed, its services.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NodeReport {
    pub node_id: String,
    #[serde(default)]
    pub samples: Vec<NodeSample>,
    /// Every local service as it is now; absent when unchanged since the last report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub services: Option<Vec<crate::services::ServiceInstance>>,
}
