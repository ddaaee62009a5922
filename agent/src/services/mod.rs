//! Plugin services: manifests in the services directory, hot-reloaded; each service
//! supervised in its own process group with a pure restart state machine; instances
//! announced through membership metadata (`svc.<name>`) so every node can list them.

pub mod discovery;
pub mod health;
pub mod launch;
pub mod machine;
pub mod manifest;
pub mod process;
pub mod supervisor;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use p2p_shared::services::{ManifestProblem, ServiceAction, ServiceDetail};
use tokio::sync::{mpsc, oneshot};

use crate::config::ServicesConfig;
use crate::logs::Logs;
use crate::logs::capture::parse_level;
use crate::membership::{Clock, Membership};
use crate::store::LocalStore;
use p2p_shared::logs::LogLevel;
pub use supervisor::spawn;

/// Which output stream a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    pub fn as_str(self) -> &'static str {
        match self {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        }
    }
}

/// Where service output goes: the node's log pipeline, or (without one, in unit tests)
/// the agent's own log.
#[derive(Debug, Clone, Default)]
pub struct LogSink(Option<Logs>);

impl LogSink {
    pub fn new(logs: Logs) -> LogSink {
        LogSink(Some(logs))
    }

    pub fn line(&self, service: &str, stream: Stream, line: String) {
        match &self.0 {
            Some(logs) => {
                // Programs put warnings and tracebacks on stderr more often than not.
                let default = match stream {
                    Stream::Stdout => LogLevel::Info,
                    Stream::Stderr => LogLevel::Warn,
                };
                let level = parse_level(&line).unwrap_or(default);
                logs.line(service, stream.as_str(), level, &line);
            }
            None => {
                tracing::info!(target: "p2pd::service", service, stream = stream.as_str(), "{line}")
            }
        }
    }
}

/// What supervised processes and their health checks report.
#[derive(Debug)]
pub enum Event {
    Exited {
        name: String,
        generation: u64,
        exit: machine::Exit,
    },
    Health {
        name: String,
        generation: u64,
        /// Which checker of that generation (a manifest edit replaces it).
        checker: u64,
        ok: bool,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    #[error("no service named `{0}` on this node")]
    NotFound(String),
    #[error("the agent is shutting down")]
    ShuttingDown,
    #[error("cannot record the desired state: {0}")]
    Store(#[from] crate::store::StoreError),
}

pub(crate) enum Request {
    Control {
        name: String,
        action: ServiceAction,
        reply: oneshot::Sender<Result<ServiceDetail, ControlError>>,
    },
}

/// What the API reads: the latest status of every local service.
#[derive(Debug, Default, Clone)]
pub struct Snapshot {
    pub services: BTreeMap<String, ServiceDetail>,
    pub problems: Vec<ManifestProblem>,
}

/// Handle to a node's supervisor (cheap to clone).
#[derive(Debug, Clone)]
pub struct Services {
    tx: mpsc::Sender<Request>,
    snapshot: Arc<Mutex<Snapshot>>,
    clock: Clock,
    /// Moves whenever a service's announced status changes.
    changes: tokio::sync::watch::Receiver<u64>,
}

impl Services {
    /// Every local service as an instance (what reports and live events carry).
    pub fn instances(&self) -> Vec<p2p_shared::services::ServiceInstance> {
        self.snapshot()
            .services
            .into_values()
            .map(|d| d.instance)
            .collect()
    }

    /// Wakes whenever a service's state, health, desired state or process changes.
    pub fn changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.clone()
    }

    /// Status of every local service, uptime as of now.
    pub fn snapshot(&self) -> Snapshot {
        let mut snap = self
            .snapshot
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let now = self.clock.now() / 1000;
        for d in snap.services.values_mut() {
            d.uptime_seconds = d
                .instance
                .started_at
                .map(|t| now.saturating_sub(t.unix_timestamp().max(0) as u64));
        }
        snap
    }

    pub fn detail(&self, name: &str) -> Option<ServiceDetail> {
        self.snapshot().services.remove(name)
    }

    /// Start, stop or restart a local service (persisting the desired state first).
    pub async fn control(
        &self,
        name: &str,
        action: ServiceAction,
    ) -> Result<ServiceDetail, ControlError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Request::Control {
                name: name.to_string(),
                action,
                reply,
            })
            .await
            .map_err(|_| ControlError::ShuttingDown)?;
        rx.await.map_err(|_| ControlError::ShuttingDown)?
    }
}

/// Everything the supervisor needs.
pub struct SupervisorOptions {
    /// The directory (`None`: this node runs no services) and its rescan interval.
    pub config: ServicesConfig,
    pub node_id: String,
    pub marker: String,
    /// The node's own address (its advertised IP), handed to services as
    /// `P2P_NODE_ADDRESS` so that each binds its node's address, not a shared one.
    pub address: String,
    pub local: Arc<LocalStore>,
    pub membership: Arc<Membership>,
    pub sink: LogSink,
}
