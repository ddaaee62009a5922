//! The YAML file: one flat map of keys, every key optional with a documented default (see
//! `config/coordinator.yaml`). Unknown keys and bad values are rejected with file, line and
//! a hint. The file is parsed as this flat struct, not as `#[serde(flatten)]` sections,
//! because flattening buffers the map and the parser could then no longer say on which line
//! a bad value stands.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::limits::{
    Cidr, DEFAULT_ENROLL, DEFAULT_LOGIN, DEFAULT_NODE, DEFAULT_STREAMS_PER_CALLER, LimitsConfig,
    Rate, RateLimitsFile, de_rpc_burst, de_rpc_requests,
};
use super::{
    Config, ConfigError, DEFAULT_CHALLENGE_PORT, DEFAULT_PORT, GossipConfig, HttpConfig, LogFormat,
    LogLevel, LogsConfig, MetricsConfig, NodeName, PkiConfig, RaftConfig, ServicesConfig,
    de_duration, default_state_directory,
};

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConfigFile {
    /// Unique node name; default: the host name, lower-cased.
    pub node_id: Option<NodeName>,
    /// Run the control plane (CA, users, node registry) on this node.
    pub coordinator_mode: bool,
    /// HTTPS listener port (the gossip UDP port will share the number).
    pub port: u16,
    /// Address the HTTPS listener binds.
    pub bind_address: IpAddr,
    /// Address other nodes should use; default: `bind_address` if specific, else every
    /// non-loopback interface address.
    pub advertise_address: Option<IpAddr>,
    /// `HOST:PORT` of coordinators this node joins (worker mode).
    pub coordinator_addresses: Vec<String>,
    /// Vault, store and other state live here.
    pub state_directory: PathBuf,
    /// Port of the temporary plain-HTTP responder used during enrollment. Cluster-wide:
    /// coordinators call every node back on their own `challenge_port`.
    pub challenge_port: u16,
    /// Port the ACME server fetches `http-01` challenges from (coordinators). RFC 8555
    /// says 80; another port suits clients that cannot bind it.
    pub acme_http_port: u16,
    /// Join token for a worker's first start (prefer `join_token_file` or
    /// `P2PD_JOIN_TOKEN`: a token in a config file is easy to leak).
    pub join_token: Option<String>,
    /// File holding the join token.
    pub join_token_file: Option<PathBuf>,
    /// How often the node re-checks that its certificate still fits (addresses, host name,
    /// time left).
    #[serde(deserialize_with = "de_duration")]
    pub cert_check_interval: Duration,
    /// `error`, `warn`, `info`, `debug` or `trace` (`RUST_LOG` overrides).
    pub log_level: LogLevel,
    /// `text` or `json`.
    pub log_format: LogFormat,
    /// Lifetime of operator JWTs.
    #[serde(deserialize_with = "de_duration")]
    pub token_ttl: Duration,
    /// Lifetime of node certificates the CA issues.
    #[serde(deserialize_with = "de_duration")]
    pub cert_validity: Duration,
    /// Renew a node certificate when less than this is left.
    #[serde(deserialize_with = "de_duration")]
    pub renew_before: Duration,
    /// After a renewal, the previous certificate keeps working this long, then is revoked.
    #[serde(deserialize_with = "de_duration")]
    pub superseded_grace: Duration,
    /// How long in-flight requests get to finish on shutdown.
    #[serde(deserialize_with = "de_duration")]
    pub shutdown_timeout: Duration,
    /// Largest request body the API accepts, in bytes (larger gets 413).
    pub max_request_body_bytes: usize,
    /// Most connections without a node certificate (operators, browsers, anyone); when
    /// full, the one idle longest is closed to make room.
    pub max_connections: usize,
    /// Most of those from one source address (IPv6: one /64).
    pub max_connections_per_source: usize,
    /// Connections with a node certificate of this cluster have a pool of their own.
    pub max_node_connections: usize,
    /// A connection must send its first request header within this long.
    #[serde(deserialize_with = "de_duration")]
    pub request_header_timeout: Duration,
    /// A connection with no request in flight for this long is closed.
    #[serde(deserialize_with = "de_duration")]
    pub idle_connection_timeout: Duration,
    /// Request budgets on (the default). Turn them off only behind a gateway that limits
    /// for you; connection pools and login throttling stay on either way.
    pub rate_limiting: bool,
    /// Requests per minute each operator may make, reads and writes counted apart.
    #[serde(deserialize_with = "de_rpc_requests")]
    pub rate_limit_rpc_requests: u32,
    /// How many of those may come at once.
    #[serde(deserialize_with = "de_rpc_burst")]
    pub rate_limit_rpc_burst: u32,
    /// Per route class (`login`, `read`, `write`, `node`, `enroll`: `requests` per minute
    /// and `burst`; `stream`: `concurrent`), what differs from the defaults.
    pub rate_limits: RateLimitsFile,
    /// Reverse proxies (addresses or blocks) whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<Cidr>,
    /// Password checks that run at once (0: one per core); more wait briefly, then 429.
    pub max_concurrent_logins: usize,
    /// Callers tracked per route class; past it, new source addresses share one budget.
    pub max_tracked_callers: usize,
    /// Push-pull anti-entropy interval: at the minimum while the cluster churns, growing
    /// toward the maximum with cluster size when it is quiet.
    #[serde(deserialize_with = "de_duration")]
    pub gossip_interval_min: Duration,
    #[serde(deserialize_with = "de_duration")]
    pub gossip_interval_max: Duration,
    /// Gossip payloads larger than this many bytes are LZ4-compressed.
    pub gossip_compression_threshold: usize,
    /// Each step of `p2pctl cluster rotate-gossip-key` waits this long for every live member
    /// to confirm (over mTLS) that it holds the new keyring.
    #[serde(deserialize_with = "de_duration")]
    pub gossip_rotation_timeout: Duration,
    /// Directory of service manifests (one YAML file per service); relative paths are
    /// relative to the config file. Default: `services/` beside the config file; none when
    /// there is no config file.
    pub services_directory: Option<PathBuf>,
    /// How often the services directory is checked for added, changed or removed manifests.
    #[serde(deserialize_with = "de_duration")]
    pub services_reload_interval: Duration,
    /// When p2pd runs as root, services whose manifest has no `user:` run as this user
    /// (default `nobody`), so none gets root (or the vault) by accident.
    pub services_default_user: Option<String>,
    /// Log records older than this are deleted.
    #[serde(deserialize_with = "de_duration")]
    pub log_retention: Duration,
    /// Most log records kept in this node's log database (the oldest go first). On
    /// coordinators this counts every node's records.
    pub max_log_entries: u64,
    /// Most records kept of any one node, so one noisy node cannot evict the others'.
    pub max_log_entries_per_node: u64,
    /// A coordinator snapshots its store after this many Raft entries since the last one.
    pub raft_snapshot_every: u64,
    /// Entries kept in the Raft log behind a snapshot, so a coordinator that was briefly
    /// away catches up from the log rather than a whole snapshot.
    pub raft_logs_kept: u64,
    /// How often the node samples its resources.
    #[serde(deserialize_with = "de_duration")]
    pub metrics_interval: Duration,
    /// Samples kept of the node's resources.
    pub metrics_history: usize,
    /// Live events a WebSocket client may fall behind before it misses some.
    pub events_queue: usize,
    /// A Redis shared by the coordinators (optional): `redis://host:6379` or
    /// `rediss://user:password@host:6380`.
    pub redis_url: Option<String>,
    /// PEM roots the `rediss://` server's certificate must chain to (default: the system's).
    pub redis_ca_file: Option<PathBuf>,
    /// Longest one call to Redis may take; then the request goes on without it.
    #[serde(deserialize_with = "de_duration")]
    pub redis_timeout: Duration,
}

impl Default for ConfigFile {
    fn default() -> Self {
        Self {
            node_id: None,
            coordinator_mode: true,
            port: DEFAULT_PORT,
            bind_address: IpAddr::from([0, 0, 0, 0]),
            advertise_address: None,
            coordinator_addresses: Vec::new(),
            state_directory: default_state_directory(),
            challenge_port: DEFAULT_CHALLENGE_PORT,
            acme_http_port: 80,
            join_token: None,
            join_token_file: None,
            cert_check_interval: Duration::from_secs(30),
            log_level: LogLevel::Info,
            log_format: LogFormat::Text,
            token_ttl: Duration::from_secs(12 * 3600),
            cert_validity: Duration::from_secs(90 * 86400),
            renew_before: Duration::from_secs(30 * 86400),
            superseded_grace: Duration::from_secs(300),
            shutdown_timeout: Duration::from_secs(10),
            max_request_body_bytes: 64 * 1024,
            max_connections: 1024,
            max_connections_per_source: 64,
            max_node_connections: 2048,
            request_header_timeout: Duration::from_secs(10),
            idle_connection_timeout: Duration::from_secs(60),
            rate_limiting: true,
            rate_limit_rpc_requests: 600,
            rate_limit_rpc_burst: 100,
            rate_limits: RateLimitsFile::default(),
            trusted_proxies: Vec::new(),
            max_concurrent_logins: 0,
            max_tracked_callers: 100_000,
            gossip_interval_min: Duration::from_secs(5),
            gossip_interval_max: Duration::from_secs(30),
            gossip_compression_threshold: 256,
            gossip_rotation_timeout: Duration::from_secs(40),
            services_directory: None,
            services_reload_interval: Duration::from_secs(1),
            services_default_user: None,
            log_retention: Duration::from_secs(7 * 86400),
            max_log_entries: 1_000_000,
            max_log_entries_per_node: 200_000,
            raft_snapshot_every: 1000,
            raft_logs_kept: 1000,
            metrics_interval: Duration::from_secs(2),
            metrics_history: 300,
            events_queue: 1024,
            redis_url: None,
            redis_ca_file: None,
            redis_timeout: Duration::from_millis(50),
        }
    }
}

impl From<ConfigFile> for Config {
    fn from(f: ConfigFile) -> Self {
        let limits = limits_section(&f);
        Config {
            node_id: f.node_id,
            coordinator_mode: f.coordinator_mode,
            coordinator_addresses: f.coordinator_addresses,
            state_directory: f.state_directory,
            join_token: f.join_token,
            join_token_file: f.join_token_file,
            log_level: f.log_level,
            log_format: f.log_format,
            http: HttpConfig {
                port: f.port,
                bind_address: f.bind_address,
                advertise_address: f.advertise_address,
                max_request_body_bytes: f.max_request_body_bytes,
                shutdown_timeout: f.shutdown_timeout,
            },
            limits,
            pki: PkiConfig {
                challenge_port: f.challenge_port,
                acme_http_port: f.acme_http_port,
                cert_check_interval: f.cert_check_interval,
                cert_validity: f.cert_validity,
                renew_before: f.renew_before,
                token_ttl: f.token_ttl,
                superseded_grace: f.superseded_grace,
            },
            gossip: GossipConfig {
                interval_min: f.gossip_interval_min,
                interval_max: f.gossip_interval_max,
                compression_threshold: f.gossip_compression_threshold,
                rotation_timeout: f.gossip_rotation_timeout,
            },
            services: ServicesConfig {
                directory: f.services_directory,
                reload_interval: f.services_reload_interval,
                default_user: f.services_default_user,
            },
            logs: LogsConfig {
                retention: f.log_retention,
                max_entries: f.max_log_entries,
                max_entries_per_node: f.max_log_entries_per_node,
            },
            raft: RaftConfig {
                snapshot_every: f.raft_snapshot_every,
                logs_kept: f.raft_logs_kept,
            },
            metrics: MetricsConfig {
                interval: f.metrics_interval,
                history: f.metrics_history,
                events_queue: f.events_queue,
            },
            cache: super::CacheConfig {
                redis: f.redis_url.map(|url| super::RedisConfig {
                    url: super::RedisUrl(url),
                    ca_file: f.redis_ca_file,
                    timeout: f.redis_timeout,
                }),
            },
        }
    }
}

fn limits_section(f: &ConfigFile) -> LimitsConfig {
    let rpc = Rate {
        per_minute: f.rate_limit_rpc_requests,
        burst: f.rate_limit_rpc_burst,
    };
    let r = &f.rate_limits;
    let over =
        |o: Option<super::limits::RateOverride>, base: Rate| o.map_or(base, |o| o.over(base));
    LimitsConfig {
        max_connections: f.max_connections,
        max_connections_per_source: f.max_connections_per_source,
        max_node_connections: f.max_node_connections,
        request_header_timeout: f.request_header_timeout,
        idle_connection_timeout: f.idle_connection_timeout,
        rate_limiting: f.rate_limiting,
        login: over(r.login, DEFAULT_LOGIN),
        read: over(r.read, rpc),
        write: over(r.write, rpc),
        node: over(r.node, DEFAULT_NODE),
        enroll: over(r.enroll, DEFAULT_ENROLL),
        streams_per_caller: r
            .stream
            .map_or(DEFAULT_STREAMS_PER_CALLER, |s| s.concurrent),
        trusted_proxies: f.trusted_proxies.clone(),
        max_concurrent_logins: f.max_concurrent_logins,
        max_tracked_callers: f.max_tracked_callers,
    }
}

/// Every key, for "did you mean" hints.
pub const KEYS: &[&str] = &[
    "node_id",
    "coordinator_mode",
    "port",
    "bind_address",
    "advertise_address",
    "coordinator_addresses",
    "state_directory",
    "challenge_port",
    "acme_http_port",
    "join_token",
    "join_token_file",
    "cert_check_interval",
    "log_level",
    "log_format",
    "token_ttl",
    "cert_validity",
    "renew_before",
    "superseded_grace",
    "shutdown_timeout",
    "max_request_body_bytes",
    "max_connections",
    "max_connections_per_source",
    "max_node_connections",
    "request_header_timeout",
    "idle_connection_timeout",
    "rate_limiting",
    "rate_limit_rpc_requests",
    "rate_limit_rpc_burst",
    "rate_limits",
    "trusted_proxies",
    "max_concurrent_logins",
    "max_tracked_callers",
    "gossip_interval_min",
    "gossip_interval_max",
    "gossip_compression_threshold",
    "gossip_rotation_timeout",
    "services_directory",
    "services_reload_interval",
    "services_default_user",
    "log_retention",
    "max_log_entries",
    "max_log_entries_per_node",
    "raft_snapshot_every",
    "raft_logs_kept",
    "metrics_interval",
    "metrics_history",
    "events_queue",
    "redis_url",
    "redis_ca_file",
    "redis_timeout",
];

impl Config {
    /// Parses YAML text; `path` is only used in error messages.
    pub fn from_yaml(text: &str, path: &Path) -> Result<Self, ConfigError> {
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        let schema = super::yaml::Schema {
            keys: KEYS,
            documented_in: "config/coordinator.yaml",
        };
        let file: ConfigFile =
            super::yaml::parse(text, path, &schema).map_err(|l| ConfigError::Invalid {
                path: l.path,
                line: l.line,
                column: l.column,
                message: l.message,
                hint: l.hint,
            })?;
        let config = Config::from(file);
        config.validate_values(&path.display().to_string())?;
        Ok(config)
    }

    /// Resolves `services_directory` and `redis_ca_file` against the directory of the
    /// config file at `path`.
    fn resolve_services_directory(&mut self, path: &Path) {
        // Absolute, so services keep their working directory whatever p2pd's is.
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let base = absolute.parent().unwrap_or(Path::new("/"));
        self.services.directory = Some(match self.services.directory.take() {
            Some(d) if d.is_absolute() => d,
            Some(d) => base.join(d),
            None => base.join("services"),
        });
        if let Some(r) = &mut self.cache.redis
            && let Some(ca) = r.ca_file.take()
        {
            r.ca_file = Some(if ca.is_absolute() { ca } else { base.join(ca) });
        }
    }

    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut config = Self::from_yaml(&text, path)?;
        config.resolve_services_directory(path);
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_host_port;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::from_yaml(text, Path::new("node.yaml"))
    }

    #[test]
    fn empty_file_is_all_defaults() {
        assert_eq!(parse("").unwrap(), Config::default());
        assert_eq!(parse("# only a comment\n").unwrap(), Config::default());
    }

    #[test]
    fn reads_every_kind_of_value() {
        let c = parse(
            "node_id: coord-1\nport: 9000\nbind_address: 127.0.0.2\ntoken_ttl: 2h\n\
             coordinator_addresses: ['127.0.0.1:8801']\nlog_level: debug\n",
        )
        .unwrap();
        assert_eq!(c.node_id, Some(NodeName("coord-1".into())));
        assert_eq!(c.http.port, 9000);
        assert_eq!(c.http.bind_address, IpAddr::from([127, 0, 0, 2]));
        assert_eq!(c.pki.token_ttl, Duration::from_secs(7200));
        assert_eq!(c.log_level, LogLevel::Debug);
        assert_eq!(c.coordinator_addresses, vec!["127.0.0.1:8801"]);
    }

    #[test]
    fn unknown_key_has_line_and_did_you_mean() {
        let err = parse("node_id: a\n\nprot: 9000\n").unwrap_err();
        let ConfigError::Invalid {
            line, hint, path, ..
        } = &err
        else {
            panic!("unexpected error {err}");
        };
        assert_eq!(*line, 3, "{err}");
        assert_eq!(path, Path::new("node.yaml"));
        assert_eq!(hint.as_deref(), Some("did you mean `port`?"));
        assert!(
            err.to_string()
                .starts_with("node.yaml:3:1: unknown field `prot`"),
            "{err}"
        );
    }

    #[test]
    fn bad_values_have_lines() {
        for (text, line, needle) in [
            ("port: 70000\n", 1, "ports are numbers"),
            ("node_id: a\nbind_address: not-an-ip\n", 2, ""),
            ("node_id: a\nlog_level: loud\n", 2, "variants"),
            ("\n\ntoken_ttl: forever\n", 3, ""),
            ("node_id: Bad Name\n", 1, ""),
        ] {
            let err = parse(text).unwrap_err();
            let ConfigError::Invalid {
                line: got, hint, ..
            } = &err
            else {
                panic!("{text}: unexpected error {err}");
            };
            assert_eq!(*got, line, "{text}: {err}");
            if !needle.is_empty() {
                assert!(hint.as_deref().unwrap_or("").contains(needle), "{err}");
            }
        }
    }

    #[test]
    fn rate_limits_override_per_class_and_refuse_nonsense_with_a_line() {
        let c = parse(
            "rate_limit_rpc_requests: 120\nrate_limit_rpc_burst: 7\nrate_limits:\n  read: {requests: 30}\n  login: {burst: 2}\n  stream: {concurrent: 3}\ntrusted_proxies: [192.0.2.0/24]\n",
        )
        .unwrap();
        let l = &c.limits;
        assert_eq!(
            (l.read.per_minute, l.read.burst),
            (30, 7),
            "read: own rate, rpc burst"
        );
        assert_eq!(
            (l.write.per_minute, l.write.burst),
            (120, 7),
            "write: the rpc default"
        );
        assert_eq!((l.login.per_minute, l.login.burst), (20, 2));
        assert_eq!(l.streams_per_caller, 3);
        assert!(l.trusted_proxies[0].contains("192.0.2.9".parse().unwrap()));
        for (text, line, needle) in [
            (
                "rate_limits:\n  reads: {requests: 5}\n",
                2,
                "unknown field `reads`",
            ),
            (
                "rate_limits:\n  read:\n    requests: 0\n",
                3,
                "between 1 and",
            ),
            (
                "node_id: a\nrate_limit_rpc_burst: 99999999\n",
                2,
                "between 1 and",
            ),
            (
                "rate_limits:\n  stream: {requests: 5}\n",
                2,
                "unknown field `requests`",
            ),
            ("trusted_proxies: ['192.0.2.0/40']\n", 1, "address block"),
        ] {
            let err = parse(text).unwrap_err();
            let ConfigError::Invalid {
                line: got, message, ..
            } = &err
            else {
                panic!("{text}: unexpected error {err}");
            };
            assert_eq!(*got, line, "{text}: {err}");
            assert!(message.contains(needle), "{text}: {err}");
        }
    }

    #[test]
    fn cross_field_rules() {
        assert!(parse("challenge_port: 8801\n").is_err());
        // A worker's coordinators may still come from --coordinator: checked with the flags.
        let worker = parse("coordinator_mode: false\n").unwrap();
        assert!(worker.validate("flags").is_err());
        assert!(parse("coordinator_addresses: ['nope']\n").is_err());
        assert!(parse("renew_before: 100d\n").is_err());
    }

    #[test]
    fn host_port() {
        assert_eq!(
            parse_host_port("[::1]:8801").unwrap(),
            ("::1".to_string(), 8801)
        );
        assert!(parse_host_port("host").is_err());
        assert!(parse_host_port("host:0").is_err());
    }
}

#[cfg(test)]
mod example_files {
    use super::*;

    /// The shipped examples must stay loadable and must document every key.
    #[test]
    fn shipped_examples_parse_and_document_every_key() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../config");
        let coordinator = Config::load(&dir.join("coordinator.yaml")).unwrap();
        assert!(coordinator.coordinator_mode);
        let worker = Config::load(&dir.join("worker.yaml")).unwrap();
        assert!(!worker.coordinator_mode);
        assert_eq!(
            coordinator.services.directory,
            Some(PathBuf::from("/etc/p2pd/services"))
        );
        assert_eq!(worker.services.directory, Some(dir.join("services")));
        let text = std::fs::read_to_string(dir.join("coordinator.yaml")).unwrap();
        for key in KEYS {
            assert!(
                text.contains(&format!("{key}:")),
                "coordinator.yaml does not document {key}"
            );
        }
    }
}
