//! Node configuration: one YAML file per node (`file.rs` reads it, with file, line and a
//! hint for every mistake), command-line flags on top. In memory the settings are grouped by
//! the subsystem that uses them, so each one takes its own section.

pub mod file;
pub mod limits;
pub mod yaml;

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use p2p_shared::identity::is_valid_name;
use serde::{Deserialize, Deserializer};

/// Where the configuration is looked for when `--config` is not given.
pub const DEFAULT_CONFIG_PATH: &str = "/etc/p2pd/p2pd.yaml";
pub const DEFAULT_PORT: u16 = 8801;
pub const DEFAULT_CHALLENGE_PORT: u16 = 8802;

/// Everything a node is configured with. The YAML keys are flat (see `file.rs` and
/// `config/coordinator.yaml`); the sections only group them here.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Unique node name; default: the host name, lower-cased.
    pub node_id: Option<NodeName>,
    /// Run the control plane (CA, users, node registry) on this node.
    pub coordinator_mode: bool,
    /// `HOST:PORT` of coordinators this node joins (worker mode).
    pub coordinator_addresses: Vec<String>,
    /// Vault, store and other state live here.
    pub state_directory: PathBuf,
    /// Join token for a worker's first start, inline or in a file.
    pub join_token: Option<String>,
    pub join_token_file: Option<PathBuf>,
    /// The agent's own log output (`RUST_LOG` overrides the level).
    pub log_level: LogLevel,
    pub log_format: LogFormat,
    pub http: HttpConfig,
    pub limits: limits::LimitsConfig,
    pub pki: PkiConfig,
    pub gossip: GossipConfig,
    pub services: ServicesConfig,
    pub logs: LogsConfig,
    pub raft: RaftConfig,
    pub metrics: MetricsConfig,
    pub cache: CacheConfig,
}

/// The HTTPS listener (the gossip UDP socket shares its address and port number).
#[derive(Debug, Clone, PartialEq)]
pub struct HttpConfig {
    pub port: u16,
    pub bind_address: IpAddr,
    /// Default: `bind_address` if specific, else every non-loopback interface address.
    pub advertise_address: Option<IpAddr>,
    pub max_request_body_bytes: usize,
    /// How long in-flight requests get to finish on shutdown.
    pub shutdown_timeout: Duration,
}

/// Certificates and operator credentials.
#[derive(Debug, Clone, PartialEq)]
pub struct PkiConfig {
    /// Port of the temporary plain-HTTP challenge responder, the same cluster-wide.
    pub challenge_port: u16,
    /// Port ACME `http-01` challenges are fetched from.
    pub acme_http_port: u16,
    pub cert_check_interval: Duration,
    pub cert_validity: Duration,
    pub renew_before: Duration,
    /// Lifetime of operator JWTs.
    pub token_ttl: Duration,
    /// How long a node's previous certificate keeps working after a renewal (open
    /// connections move over); then it is revoked.
    pub superseded_grace: Duration,
}

/// Push-pull anti-entropy and datagram compression.
#[derive(Debug, Clone, PartialEq)]
pub struct GossipConfig {
    pub interval_min: Duration,
    pub interval_max: Duration,
    pub compression_threshold: usize,
    /// How long each step of a key rotation waits for every live member to confirm.
    pub rotation_timeout: Duration,
}

/// The services directory, how often it is rescanned, and who services run as.
#[derive(Debug, Clone, PartialEq)]
pub struct ServicesConfig {
    pub directory: Option<PathBuf>,
    pub reload_interval: Duration,
    /// When p2pd runs as root: the user of services whose manifest names none (`None`:
    /// `nobody`).
    pub default_user: Option<String>,
}

/// Retention of the node's log database.
#[derive(Debug, Clone, PartialEq)]
pub struct LogsConfig {
    pub retention: Duration,
    pub max_entries: u64,
    /// Most records kept of any one node (so one noisy node cannot evict the others').
    pub max_entries_per_node: u64,
}

/// The node's resource sampler.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricsConfig {
    /// A sample every this long.
    pub interval: Duration,
    /// Samples kept (per node, on every node that holds them).
    pub history: usize,
    /// Events a live-event client may fall behind (shared by every client of the node,
    /// each reading at its own pace) before it misses some and is told so.
    pub events_queue: usize,
}

/// The optional shared cache of the coordinators.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CacheConfig {
    pub redis: Option<RedisConfig>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RedisConfig {
    pub url: RedisUrl,
    /// PEM roots for a `rediss://` server whose certificate no system root signs.
    pub ca_file: Option<PathBuf>,
    /// Longest one call to Redis may take before the request goes on without it.
    pub timeout: Duration,
}

/// A Redis URL; it may hold a password, so it is never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct RedisUrl(pub String);

impl std::fmt::Debug for RedisUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RedisUrl(..)")
    }
}

/// A coordinator's Raft log compaction.
#[derive(Debug, Clone, PartialEq)]
pub struct RaftConfig {
    /// Snapshot after this many entries since the last snapshot.
    pub snapshot_every: u64,
    /// Entries kept behind a snapshot.
    pub logs_kept: u64,
}

impl Default for Config {
    fn default() -> Self {
        file::ConfigFile::default().into()
    }
}

/// systemd's `StateDirectory=` sets `STATE_DIRECTORY`; otherwise `/var/lib/p2pd`.
pub(crate) fn default_state_directory() -> PathBuf {
    std::env::var_os("STATE_DIRECTORY")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/lib/p2pd"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// A validated node name (see [`is_valid_name`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeName(String);

/// A node name that breaks the naming rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid node name `{0}`: use 1-63 characters of a-z, 0-9, '-', '_' or '.', starting with a letter or digit"
)]
pub struct BadNodeName(pub String);

impl NodeName {
    pub fn parse(s: &str) -> Result<Self, BadNodeName> {
        if is_valid_name(s) {
            Ok(Self(s.to_string()))
        } else {
            Err(BadNodeName(s.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for NodeName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        NodeName::parse(&s).map_err(serde::de::Error::custom)
    }
}

pub(crate) fn de_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let s = String::deserialize(d)?;
    humantime::parse_duration(&s).map_err(|e| {
        serde::de::Error::custom(format!(
            "invalid duration `{s}` ({e}): write e.g. 30s, 10m, 12h or 90d"
        ))
    })
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: {message}{}", hint_suffix(.hint))]
    Invalid {
        path: PathBuf,
        line: u64,
        column: u64,
        message: String,
        hint: Option<String>,
    },
    #[error("{origin}: {message}")]
    Value { origin: String, message: String },
}

fn hint_suffix(hint: &Option<String>) -> String {
    hint.as_ref()
        .map(|h| format!("\n  hint: {h}"))
        .unwrap_or_default()
}

impl Config {
    /// Cross-field checks that a single value's parser cannot make.
    /// Checks the whole configuration, the command line's flags applied.
    pub fn validate(&self, origin: &str) -> Result<(), ConfigError> {
        self.validate_values(origin)?;
        if !self.coordinator_mode && self.coordinator_addresses.is_empty() {
            return Err(ConfigError::Value {
                origin: origin.to_string(),
                message: "a worker (coordinator_mode: false) needs coordinator_addresses or --coordinator HOST:PORT".into(),
            });
        }
        Ok(())
    }

    /// Checks every value on its own; what a flag may still supply (a worker's coordinator
    /// addresses, from --coordinator) waits for [`Config::validate`].
    pub fn validate_values(&self, origin: &str) -> Result<(), ConfigError> {
        let err = |message: String| ConfigError::Value {
            origin: origin.to_string(),
            message,
        };
        let (http, pki) = (&self.http, &self.pki);
        if http.port == 0 {
            return Err(err("port must be between 1 and 65535".into()));
        }
        if pki.challenge_port == 0 || pki.challenge_port == http.port {
            return Err(err(
                "challenge_port must be a port of its own, different from port".into(),
            ));
        }
        if pki.acme_http_port == 0 {
            return Err(err("acme_http_port must be between 1 and 65535".into()));
        }
        for addr in &self.coordinator_addresses {
            parse_host_port(addr).map_err(|e| err(e.to_string()))?;
        }
        if pki.renew_before >= pki.cert_validity {
            return Err(err(
                "renew_before must be shorter than cert_validity, or every start would renew"
                    .into(),
            ));
        }
        if pki.token_ttl < Duration::from_secs(60) || pki.token_ttl > Duration::from_secs(7 * 86400)
        {
            return Err(err(
                "token_ttl must be between 1m and 7d (a stolen token is good for that long)".into(),
            ));
        }
        if pki.superseded_grace < Duration::from_secs(1) {
            return Err(err("superseded_grace must be at least 1s".into()));
        }
        if pki.cert_check_interval < Duration::from_millis(100) {
            return Err(err("cert_check_interval must be at least 100ms".into()));
        }
        if http.max_request_body_bytes < 1024 {
            return Err(err("max_request_body_bytes must be at least 1024".into()));
        }
        let l = &self.limits;
        if l.max_connections == 0
            || l.max_connections_per_source == 0
            || l.max_node_connections == 0
        {
            return Err(err(
                "max_connections, max_connections_per_source and max_node_connections must be at least 1"
                    .into(),
            ));
        }
        if l.request_header_timeout < Duration::from_secs(1)
            || l.idle_connection_timeout < l.request_header_timeout
        {
            return Err(err(
                "request_header_timeout must be at least 1s and idle_connection_timeout not below it"
                    .into(),
            ));
        }
        if l.max_tracked_callers < 100 {
            return Err(err("max_tracked_callers must be at least 100".into()));
        }
        if self.logs.max_entries < 10 || self.logs.retention < Duration::from_secs(60) {
            return Err(err(
                "max_log_entries must be at least 10 and log_retention at least 1m".into(),
            ));
        }
        if self.logs.max_entries_per_node < 10 {
            return Err(err("max_log_entries_per_node must be at least 10".into()));
        }
        if self.metrics.interval < Duration::from_millis(500)
            || self.metrics.interval > Duration::from_secs(3600)
        {
            return Err(err("metrics_interval must be between 500ms and 1h".into()));
        }
        if !(100..=100_000).contains(&self.metrics.history) {
            return Err(err(
                "metrics_history must be between 100 (what the dashboard draws) and 100000".into(),
            ));
        }
        if !(16..=65_536).contains(&self.metrics.events_queue) {
            return Err(err("events_queue must be between 16 and 65536".into()));
        }
        if let Some(r) = &self.cache.redis {
            let url = &r.url.0;
            if !(url.starts_with("redis://") || url.starts_with("rediss://")) {
                return Err(err(
                    "redis_url must start with redis:// or rediss:// (user:password@ for AUTH)"
                        .into(),
                ));
            }
            if r.ca_file.is_some() && !url.starts_with("rediss://") {
                return Err(err("redis_ca_file needs a rediss:// redis_url".into()));
            }
            if r.timeout < Duration::from_millis(5) || r.timeout > Duration::from_secs(1) {
                return Err(err("redis_timeout must be between 5ms and 1s".into()));
            }
        }
        if self.raft.snapshot_every < 10 {
            return Err(err("raft_snapshot_every must be at least 10".into()));
        }
        if self.services.reload_interval < Duration::from_millis(100) {
            return Err(err("services_reload_interval must be at least 100ms".into()));
        }
        let g = &self.gossip;
        if g.rotation_timeout < Duration::from_secs(1) {
            return Err(err("gossip_rotation_timeout must be at least 1s".into()));
        }
        if g.interval_min < Duration::from_millis(100) || g.interval_max < g.interval_min {
            return Err(err(
                "gossip_interval_min must be at least 100ms and not above gossip_interval_max"
                    .into(),
            ));
        }
        Ok(())
    }

    /// The node name, falling back to the host name.
    pub fn node_name(&self) -> Result<String, ConfigError> {
        if let Some(n) = &self.node_id {
            return Ok(n.as_str().to_string());
        }
        let host = local_hostname();
        NodeName::parse(&host)
            .map(|n| n.as_str().to_string())
            .map_err(|m| ConfigError::Value {
                origin: "node_id".into(),
                message: format!("{m} (derived from the host name; set node_id or --node-id)"),
            })
    }
}

/// The host name, lower-cased, or `localhost` if it cannot be read.
pub fn local_hostname() -> String {
    hostname::get()
        .ok()
        .and_then(|h| h.into_string().ok())
        .map(|h| h.to_ascii_lowercase())
        .unwrap_or_else(|| "localhost".into())
}

/// A `HOST:PORT` that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid address `{0}`: expected HOST:PORT, e.g. 192.0.2.10:8801")]
pub struct BadHostPort(pub String);

/// Checks `HOST:PORT` syntax (IPv6 as `[::1]:8801`).
pub fn parse_host_port(s: &str) -> Result<(String, u16), BadHostPort> {
    let bad = || BadHostPort(s.to_string());
    let (host, port) = s.rsplit_once(':').ok_or_else(bad)?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() || port == 0 {
        return Err(bad());
    }
    Ok((host.to_string(), port))
}
