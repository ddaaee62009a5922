//! Node configuration: one YAML file per node, every key optional with a documented default
//! (see `config/coordinator.yaml`), command-line flags on top. Unknown keys and bad values are
//! rejected with file, line and a hint.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use p2p_shared::identity::is_valid_name;
use serde::{Deserialize, Deserializer};

/// Where the configuration is looked for when `--config` is not given.
pub const DEFAULT_CONFIG_PATH: &str = "/etc/p2pd/p2pd.yaml";
pub const DEFAULT_PORT: u16 = 8801;
pub const DEFAULT_CHALLENGE_PORT: u16 = 8802;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
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
    /// How long in-flight requests get to finish on shutdown.
    #[serde(deserialize_with = "de_duration")]
    pub shutdown_timeout: Duration,
    /// Largest request body the API accepts, in bytes (larger gets 413).
    pub max_request_body_bytes: usize,
    /// Most concurrent TLS connections the listener serves.
    pub max_connections: usize,
    /// Push-pull anti-entropy interval: at the minimum while the cluster churns, growing
    /// toward the maximum with cluster size when it is quiet.
    #[serde(deserialize_with = "de_duration")]
    pub gossip_interval_min: Duration,
    #[serde(deserialize_with = "de_duration")]
    pub gossip_interval_max: Duration,
    /// Gossip payloads larger than this many bytes are LZ4-compressed.
    pub gossip_compression_threshold: usize,
    /// Directory of service manifests (one YAML file per service); relative paths are
    /// relative to the config file. Default: `services/` beside the config file; none when
    /// there is no config file.
    pub services_directory: Option<PathBuf>,
    /// How often the services directory is checked for added, changed or removed manifests.
    #[serde(deserialize_with = "de_duration")]
    pub services_reload_interval: Duration,
    /// Log records older than this are deleted.
    #[serde(deserialize_with = "de_duration")]
    pub log_retention: Duration,
    /// Most log records kept in this node's log database (the oldest go first). On
    /// coordinators this counts every node's records.
    pub max_log_entries: u64,
}

impl Default for Config {
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
            join_token: None,
            join_token_file: None,
            cert_check_interval: Duration::from_secs(30),
            log_level: LogLevel::Info,
            log_format: LogFormat::Text,
            token_ttl: Duration::from_secs(12 * 3600),
            cert_validity: Duration::from_secs(90 * 86400),
            renew_before: Duration::from_secs(30 * 86400),
            shutdown_timeout: Duration::from_secs(10),
            max_request_body_bytes: 64 * 1024,
            max_connections: 1024,
            gossip_interval_min: Duration::from_secs(5),
            gossip_interval_max: Duration::from_secs(30),
            gossip_compression_threshold: 256,
            services_directory: None,
            services_reload_interval: Duration::from_secs(1),
            log_retention: Duration::from_secs(7 * 86400),
            max_log_entries: 1_000_000,
        }
    }
}

/// systemd's `StateDirectory=` sets `STATE_DIRECTORY`; otherwise `/var/lib/p2pd`.
fn default_state_directory() -> PathBuf {
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

impl NodeName {
    pub fn parse(s: &str) -> Result<Self, String> {
        if is_valid_name(s) {
            Ok(Self(s.to_string()))
        } else {
            Err(format!(
                "invalid node name `{s}`: use 1-63 characters of a-z, 0-9, '-', '_' or '.', starting with a letter or digit"
            ))
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

/// Every top-level key, for "did you mean" hints.
const KEYS: &[&str] = &[
    "node_id",
    "coordinator_mode",
    "port",
    "bind_address",
    "advertise_address",
    "coordinator_addresses",
    "state_directory",
    "challenge_port",
    "join_token",
    "join_token_file",
    "cert_check_interval",
    "log_level",
    "log_format",
    "token_ttl",
    "cert_validity",
    "renew_before",
    "shutdown_timeout",
    "max_request_body_bytes",
    "max_connections",
    "gossip_interval_min",
    "gossip_interval_max",
    "gossip_compression_threshold",
    "services_directory",
    "services_reload_interval",
    "log_retention",
    "max_log_entries",
];

impl Config {
    /// Parses YAML text; `path` is only used in error messages.
    pub fn from_yaml(text: &str, path: &Path) -> Result<Self, ConfigError> {
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        let schema = crate::yaml::Schema {
            keys: KEYS,
            documented_in: "config/coordinator.yaml",
        };
        let config: Config =
            crate::yaml::parse(text, path, &schema).map_err(|l| ConfigError::Invalid {
                path: l.path,
                line: l.line,
                column: l.column,
                message: l.message,
                hint: l.hint,
            })?;
        config.validate(&path.display().to_string())?;
        Ok(config)
    }

    /// Resolves `services_directory` against the directory of the config file at `path`.
    fn resolve_services_directory(&mut self, path: &Path) {
        // Absolute, so services keep their working directory whatever p2pd's is.
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let base = absolute.parent().unwrap_or(Path::new("/"));
        self.services_directory = Some(match self.services_directory.take() {
            Some(d) if d.is_absolute() => d,
            Some(d) => base.join(d),
            None => base.join("services"),
        });
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

    /// Cross-field checks that a single value's parser cannot make.
    pub fn validate(&self, origin: &str) -> Result<(), ConfigError> {
        let err = |message: String| ConfigError::Value {
            origin: origin.to_string(),
            message,
        };
        if self.port == 0 {
            return Err(err("port must be between 1 and 65535".into()));
        }
        if self.challenge_port == 0 || self.challenge_port == self.port {
            return Err(err(
                "challenge_port must be a port of its own, different from port".into(),
            ));
        }
        if !self.coordinator_mode && self.coordinator_addresses.is_empty() {
            return Err(err(
                "a worker (coordinator_mode: false) needs coordinator_addresses or --coordinator HOST:PORT".into(),
            ));
        }
        for addr in &self.coordinator_addresses {
            parse_host_port(addr).map_err(err)?;
        }
        if self.renew_before >= self.cert_validity {
            return Err(err(
                "renew_before must be shorter than cert_validity, or every start would renew"
                    .into(),
            ));
        }
        if self.cert_check_interval < Duration::from_millis(100) {
            return Err(err("cert_check_interval must be at least 100ms".into()));
        }
        if self.max_request_body_bytes < 1024 {
            return Err(err("max_request_body_bytes must be at least 1024".into()));
        }
        if self.max_connections == 0 {
            return Err(err("max_connections must be at least 1".into()));
        }
        if self.max_log_entries < 10 || self.log_retention < Duration::from_secs(60) {
            return Err(err(
                "max_log_entries must be at least 10 and log_retention at least 1m".into(),
            ));
        }
        if self.services_reload_interval < Duration::from_millis(100) {
            return Err(err("services_reload_interval must be at least 100ms".into()));
        }
        if self.gossip_interval_min < Duration::from_millis(100)
            || self.gossip_interval_max < self.gossip_interval_min
        {
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

/// Checks `HOST:PORT` syntax (IPv6 as `[::1]:8801`).
pub fn parse_host_port(s: &str) -> Result<(String, u16), String> {
    let bad = || format!("invalid address `{s}`: expected HOST:PORT, e.g. 192.0.2.10:8801");
    let (host, port) = s.rsplit_once(':').ok_or_else(bad)?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() || port == 0 {
        return Err(bad());
    }
    Ok((host.to_string(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(c.port, 9000);
        assert_eq!(c.bind_address, IpAddr::from([127, 0, 0, 2]));
        assert_eq!(c.token_ttl, Duration::from_secs(7200));
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
    fn cross_field_rules() {
        assert!(parse("challenge_port: 8801\n").is_err());
        assert!(parse("coordinator_mode: false\n").is_err());
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
            coordinator.services_directory,
            Some(PathBuf::from("/etc/p2pd/services"))
        );
        assert_eq!(worker.services_directory, Some(dir.join("services")));
        let text = std::fs::read_to_string(dir.join("coordinator.yaml")).unwrap();
        for key in KEYS {
            assert!(
                text.contains(&format!("{key}:")),
                "coordinator.yaml does not document {key}"
            );
        }
    }
}
