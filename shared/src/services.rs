//! Service discovery and control bodies (`/v1/services...`), and the compact announcement
//! each node gossips for every service it runs (membership metadata key `svc.<name>`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Membership metadata keys announcing services start with this.
pub const SERVICE_META_PREFIX: &str = "svc.";

/// Where a supervised service is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceState {
    /// Spawned; its health check has not passed yet.
    Starting,
    /// Up (healthy, unhealthy, or without a health check).
    Running,
    /// Stop signal sent; waiting for the process group to exit.
    Stopping,
    /// Not running, and not going to be restarted unless asked.
    Stopped,
    /// Exited; waiting out the restart delay.
    Backoff,
    /// Crash loop (or a failure under `restart: never`): no more automatic restarts.
    Failed,
}

impl ServiceState {
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceState::Starting => "starting",
            ServiceState::Running => "running",
            ServiceState::Stopping => "stopping",
            ServiceState::Stopped => "stopped",
            ServiceState::Backoff => "backoff",
            ServiceState::Failed => "failed",
        }
    }
}

impl std::fmt::Display for ServiceState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The health check's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceHealth {
    /// The manifest has no health check.
    None,
    /// Not enough checks yet (or not running).
    Unknown,
    Healthy,
    Unhealthy,
}

impl ServiceHealth {
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceHealth::None => "none",
            ServiceHealth::Unknown => "unknown",
            ServiceHealth::Healthy => "healthy",
            ServiceHealth::Unhealthy => "unhealthy",
        }
    }
}

impl std::fmt::Display for ServiceHealth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the operator asked for; persisted on the node across restarts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DesiredState {
    Running,
    Stopped,
}

impl DesiredState {
    pub fn as_str(self) -> &'static str {
        match self {
            DesiredState::Running => "running",
            DesiredState::Stopped => "stopped",
        }
    }
}

/// What a node gossips about one of its services. Kept small: it rides in UDP packets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceAnnouncement {
    pub state: ServiceState,
    pub health: ServiceHealth,
    pub desired: DesiredState,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ports: BTreeMap<String, u16>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    /// Unix seconds of the current process's start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<i64>,
    pub restarts: u32,
    /// Counts spawns: a restart is visible as a new generation.
    pub generation: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_exit: Option<String>,
}

/// One instance of a service on one node (`GET /v1/services`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceInstance {
    pub node_id: String,
    pub name: String,
    pub state: ServiceState,
    pub health: ServiceHealth,
    pub desired: DesiredState,
    /// The node's advertised addresses.
    pub addresses: Vec<String>,
    pub ports: BTreeMap<String, u16>,
    pub tags: Vec<String>,
    pub pid: Option<u32>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub started_at: Option<OffsetDateTime>,
    pub restarts: u32,
    pub generation: u64,
    /// `exited with code 1`, `killed by signal 9 (SIGKILL)`, `could not start: ...`.
    pub last_exit: Option<String>,
}

impl ServiceInstance {
    pub fn from_announcement(
        node_id: &str,
        name: &str,
        addresses: Vec<String>,
        a: ServiceAnnouncement,
    ) -> Self {
        ServiceInstance {
            node_id: node_id.to_string(),
            name: name.to_string(),
            state: a.state,
            health: a.health,
            desired: a.desired,
            addresses,
            ports: a.ports,
            tags: a.tags,
            pid: a.pid,
            started_at: a
                .started_at
                .and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok()),
            restarts: a.restarts,
            generation: a.generation,
            last_exit: a.last_exit,
        }
    }
}

/// A manifest this node could not load (its service keeps its last good definition).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestProblem {
    pub node_id: String,
    pub file: String,
    /// `file:line:column: message`, with a hint on a second line when there is one.
    pub error: String,
}

/// `GET /v1/services`: every instance in the cluster, from the answering node's view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceList {
    pub services: Vec<ServiceInstance>,
    /// Bad manifests on the answering node.
    pub manifest_errors: Vec<ManifestProblem>,
}

/// Live detail only the node running the service knows (`GET /v1/services/{name}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceDetail {
    #[serde(flatten)]
    pub instance: ServiceInstance,
    pub uptime_seconds: Option<u64>,
    /// CPU use of the service's process group (the main process and its children) since
    /// the previous sample, percent of one core.
    pub cpu_percent: Option<f32>,
    /// Resident memory of the service's process group.
    pub rss_bytes: Option<u64>,
    /// Crashes since the service last stayed up for `reset_after`.
    pub consecutive_failures: u32,
    /// When a service in `backoff` will be started again.
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_start_at: Option<OffsetDateTime>,
    pub command: Vec<String>,
    /// The manifest file the service comes from.
    pub manifest: String,
}

/// A node that could not be asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeProblem {
    pub node_id: String,
    pub error: String,
}

/// `GET /v1/services/{name}`: the detail of every instance of one service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceStatusList {
    pub instances: Vec<ServiceDetail>,
    pub unreachable: Vec<NodeProblem>,
}

/// What `POST /v1/services/{name}/{action}` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceAction {
    Start,
    Stop,
    Restart,
}

impl ServiceAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceAction::Start => "start",
            ServiceAction::Stop => "stop",
            ServiceAction::Restart => "restart",
        }
    }
}

/// A service action that is not one of start, stop, restart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown action `{0}`: expected start, stop or restart")]
pub struct UnknownAction(pub String);

impl std::str::FromStr for ServiceAction {
    type Err = UnknownAction;
    fn from_str(s: &str) -> Result<Self, UnknownAction> {
        match s {
            "start" => Ok(ServiceAction::Start),
            "stop" => Ok(ServiceAction::Stop),
            "restart" => Ok(ServiceAction::Restart),
            other => Err(UnknownAction(other.to_string())),
        }
    }
}

/// Body of `POST /v1/services/{name}/{action}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceActionRequest {
    /// The node running the service; may be left out when exactly one node runs it.
    #[serde(default)]
    pub node: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announcement_is_compact_and_round_trips() {
        let a = ServiceAnnouncement {
            state: ServiceState::Running,
            health: ServiceHealth::Healthy,
            desired: DesiredState::Running,
            ports: BTreeMap::from([("http".to_string(), 8080)]),
            tags: vec!["web".into()],
            pid: Some(4242),
            started_at: Some(1_700_000_000),
            restarts: 2,
            generation: 3,
            last_exit: None,
        };
        let json = serde_json::to_string(&a).unwrap_or_default();
        assert!(json.len() < 200, "{json}");
        assert!(json.contains("\"state\":\"running\""), "{json}");
        assert_eq!(
            serde_json::from_str::<ServiceAnnouncement>(&json).ok(),
            Some(a)
        );
    }
}
