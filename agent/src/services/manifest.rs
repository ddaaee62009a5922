//! Service manifests: one YAML file per service in the services directory. Every key but
//! `command` is optional with a documented default (see `config/services/*.yaml`); a bad
//! manifest is rejected with file, line and a hint.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use nix::sys::signal::Signal;
use p2p_shared::identity::is_valid_name;
use serde::{Deserialize, Deserializer};

use crate::config::de_duration;
use crate::config::yaml::{Located, Schema};

/// The environment variable that marks every supervised process with the supervisor that
/// started it (see `process.rs`); a manifest may not set it.
pub const SUPERVISOR_ENV: &str = "P2P_SUPERVISOR";
const MAX_PORTS: usize = 16;
const MAX_TAGS: usize = 16;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Service name; default: the file name without `.yaml`.
    #[serde(default)]
    pub name: String,
    /// Program to run: an absolute path, or a name looked up in `PATH`.
    pub command: String,
    #[serde(default)]
    pub args: Vec<String>,
    /// The service's environment, beside an allow-list of p2pd's own (`PATH`, locale, time
    /// zone); nothing else of p2pd's environment is passed on.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Run as this user (its uid, primary group and home). Default: as p2pd when p2pd is not
    /// root; `services_default_user` (`nobody`) when it is.
    #[serde(default)]
    pub user: Option<String>,
    /// Run with this group instead of the user's primary group.
    #[serde(default)]
    pub group: Option<String>,
    /// Default: the services directory. Relative paths are relative to it.
    #[serde(default)]
    pub working_directory: Option<PathBuf>,
    #[serde(default)]
    pub restart: Restart,
    #[serde(default = "default_stop_signal", deserialize_with = "de_signal")]
    pub stop_signal: Signal,
    /// After the stop signal, how long the process group gets before SIGKILL.
    #[serde(default = "default_stop_timeout", deserialize_with = "de_duration")]
    pub stop_timeout: Duration,
    #[serde(default)]
    pub health: Option<HealthCheck>,
    /// Named ports announced in discovery, e.g. `http: 8080`.
    #[serde(default)]
    pub ports: BTreeMap<String, u16>,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RestartPolicy {
    Always,
    OnFailure,
    Never,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Restart {
    pub policy: RestartPolicy,
    /// Delay before the first restart; doubles with each crash in a row.
    #[serde(deserialize_with = "de_duration")]
    pub backoff_initial: Duration,
    #[serde(deserialize_with = "de_duration")]
    pub backoff_max: Duration,
    /// Each delay is scaled by a random factor in [1 - jitter, 1 + jitter].
    pub jitter: f64,
    /// This many crashes in a row (without staying up `reset_after`) ends in `failed`.
    pub crash_loop_limit: u32,
    /// Running this long clears the crash count.
    #[serde(deserialize_with = "de_duration")]
    pub reset_after: Duration,
}

impl Default for Restart {
    fn default() -> Self {
        Restart {
            policy: RestartPolicy::Always,
            backoff_initial: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
            jitter: 0.2,
            crash_loop_limit: 5,
            reset_after: Duration::from_secs(60),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthCheck {
    /// `http://host:port/path`: healthy on a 2xx answer.
    #[serde(default)]
    pub http: Option<String>,
    /// `host:port`: healthy when a TCP connection opens.
    #[serde(default)]
    pub tcp: Option<String>,
    /// Program and arguments: healthy when it exits 0.
    #[serde(default)]
    pub command: Option<Vec<String>>,
    #[serde(default = "default_interval", deserialize_with = "de_duration")]
    pub interval: Duration,
    #[serde(default = "default_check_timeout", deserialize_with = "de_duration")]
    pub timeout: Duration,
    /// Failed checks this soon after the start do not count (a success does).
    #[serde(default, deserialize_with = "de_duration")]
    pub start_period: Duration,
    #[serde(default = "one")]
    pub healthy_threshold: u32,
    #[serde(default = "three")]
    pub unhealthy_threshold: u32,
}

/// The probe a health check runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    Http(String),
    Tcp(String),
    Command(Vec<String>),
}

impl HealthCheck {
    pub fn probe(&self) -> Option<Probe> {
        match (&self.http, &self.tcp, &self.command) {
            (Some(u), None, None) => Some(Probe::Http(u.clone())),
            (None, Some(a), None) => Some(Probe::Tcp(a.clone())),
            (None, None, Some(c)) => Some(Probe::Command(c.clone())),
            _ => None,
        }
    }
}

fn default_stop_signal() -> Signal {
    Signal::SIGTERM
}
fn default_stop_timeout() -> Duration {
    Duration::from_secs(10)
}
fn default_interval() -> Duration {
    Duration::from_secs(10)
}
fn default_check_timeout() -> Duration {
    Duration::from_secs(2)
}
fn one() -> u32 {
    1
}
fn three() -> u32 {
    3
}

fn de_signal<'de, D: Deserializer<'de>>(d: D) -> Result<Signal, D::Error> {
    let s = String::deserialize(d)?;
    parse_signal(&s).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "unknown signal `{s}`: write e.g. SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1"
        ))
    })
}

fn parse_signal(s: &str) -> Option<Signal> {
    let upper = s.trim().to_ascii_uppercase();
    let full = if upper.starts_with("SIG") {
        upper
    } else {
        format!("SIG{upper}")
    };
    full.parse().ok()
}

/// Every key a manifest may hold, for "did you mean" hints.
const KEYS: &[&str] = &[
    "name",
    "command",
    "args",
    "env",
    "user",
    "group",
    "working_directory",
    "restart",
    "policy",
    "backoff_initial",
    "backoff_max",
    "jitter",
    "crash_loop_limit",
    "reset_after",
    "stop_signal",
    "stop_timeout",
    "health",
    "http",
    "tcp",
    "interval",
    "timeout",
    "start_period",
    "healthy_threshold",
    "unhealthy_threshold",
    "ports",
    "tags",
];

#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("cannot read manifest {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Invalid(#[from] Located),
}

/// True for the files the supervisor reads as manifests.
pub fn is_manifest_file(path: &Path) -> bool {
    let hidden = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_none_or(|n| n.starts_with('.'));
    let yaml = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    );
    yaml && !hidden
}

impl Manifest {
    /// Parses and validates one manifest; `path` names the file in errors and gives the
    /// default service name.
    pub fn parse(text: &str, path: &Path) -> Result<Manifest, Located> {
        let schema = Schema {
            keys: KEYS,
            documented_in: "config/services/web.yaml",
        };
        let mut m: Manifest = crate::config::yaml::parse(text, path, &schema)?;
        if m.name.is_empty() {
            m.name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
        }
        m.validate(text, path)?;
        Ok(m)
    }

    pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
        let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Self::parse(&text, path)?)
    }

    /// Checks a single value's parser cannot make; errors point at the key's line.
    fn validate(&self, text: &str, path: &Path) -> Result<(), Located> {
        let fail = |key: &str, message: String, hint: &str| Located {
            path: path.to_path_buf(),
            line: line_of(text, key),
            column: 1,
            message,
            hint: Some(hint.to_string()).filter(|h| !h.is_empty()),
        };
        if !is_valid_name(&self.name) {
            return Err(fail(
                "name",
                format!("invalid service name `{}`", self.name),
                "use 1-63 characters of a-z, 0-9, '-', '_' or '.', starting with a letter or digit (the file name is the default)",
            ));
        }
        if self.command.trim().is_empty() {
            return Err(fail(
                "command",
                "command is empty".into(),
                "name the program to run, e.g. /usr/bin/python3",
            ));
        }
        for key in self.env.keys() {
            if key.is_empty() || key.contains(['=', '\0']) || key == SUPERVISOR_ENV {
                return Err(fail(
                    "env",
                    format!("invalid environment variable name `{key}`"),
                    "names may not be empty, contain '=' or be P2P_SUPERVISOR (reserved)",
                ));
            }
        }
        let r = &self.restart;
        if r.backoff_initial.is_zero() || r.backoff_max < r.backoff_initial {
            return Err(fail(
                "backoff_initial",
                "backoff_initial must be above zero and not above backoff_max".into(),
                "e.g. backoff_initial: 1s, backoff_max: 60s",
            ));
        }
        if !(0.0..=1.0).contains(&r.jitter) {
            return Err(fail(
                "jitter",
                format!("jitter {} is outside 0..=1", r.jitter),
                "0.2 spreads each delay over ±20%",
            ));
        }
        if r.crash_loop_limit == 0 {
            return Err(fail(
                "crash_loop_limit",
                "crash_loop_limit must be at least 1".into(),
                "",
            ));
        }
        if self.stop_timeout > Duration::from_secs(3600) {
            return Err(fail(
                "stop_timeout",
                "stop_timeout may be at most 1h".into(),
                "",
            ));
        }
        if let Some(h) = &self.health {
            self.validate_health(h, &fail)?;
        }
        if self.ports.len() > MAX_PORTS || self.tags.len() > MAX_TAGS {
            return Err(fail(
                if self.ports.len() > MAX_PORTS {
                    "ports"
                } else {
                    "tags"
                },
                format!("at most {MAX_PORTS} ports and {MAX_TAGS} tags"),
                "they are gossiped to every node; keep them short",
            ));
        }
        for (name, port) in &self.ports {
            if !is_valid_name(name) || *port == 0 {
                return Err(fail(
                    "ports",
                    format!("invalid port `{name}: {port}`"),
                    "write NAME: PORT with a name like http and a port between 1 and 65535",
                ));
            }
        }
        for tag in &self.tags {
            if tag.is_empty() || tag.len() > 63 || tag.chars().any(char::is_control) {
                return Err(fail(
                    "tags",
                    format!("invalid tag `{tag}`"),
                    "tags are 1-63 printable characters",
                ));
            }
        }
        Ok(())
    }

    fn validate_health(
        &self,
        h: &HealthCheck,
        fail: &dyn Fn(&str, String, &str) -> Located,
    ) -> Result<(), Located> {
        let Some(probe) = h.probe() else {
            return Err(fail(
                "health",
                "a health check needs exactly one of http, tcp or command".into(),
                "e.g. health: { http: http://127.0.0.1:8080/healthz }",
            ));
        };
        match probe {
            Probe::Http(url) if !url.starts_with("http://") => {
                return Err(fail(
                    "http",
                    format!("health check URL `{url}` is not http://"),
                    "checks go to the service on this host: http://127.0.0.1:PORT/PATH",
                ));
            }
            Probe::Tcp(addr) if crate::config::parse_host_port(&addr).is_err() => {
                return Err(fail(
                    "tcp",
                    format!("invalid address `{addr}`"),
                    "write HOST:PORT, e.g. 127.0.0.1:6379",
                ));
            }
            Probe::Command(c) if c.first().is_none_or(|p| p.is_empty()) => {
                return Err(fail(
                    "command",
                    "the health check command is empty".into(),
                    "write a list: [/usr/bin/check, --quick]",
                ));
            }
            _ => {}
        }
        // Checks run one after another: a slow one delays the next, never overlaps it.
        if h.interval < Duration::from_millis(100) || h.timeout.is_zero() {
            return Err(fail(
                "interval",
                "health interval must be at least 100ms, and timeout above zero".into(),
                "e.g. interval: 10s, timeout: 2s",
            ));
        }
        if h.healthy_threshold == 0 || h.unhealthy_threshold == 0 {
            return Err(fail(
                "healthy_threshold",
                "thresholds must be at least 1".into(),
                "",
            ));
        }
        Ok(())
    }

    /// Program and arguments, for display.
    pub fn argv(&self) -> Vec<String> {
        std::iter::once(self.command.clone())
            .chain(self.args.iter().cloned())
            .collect()
    }

    /// True when `other` runs a different process (so applying it needs a restart);
    /// discovery-only changes (ports, tags) and health-check tuning apply in place.
    pub fn needs_restart_for(&self, other: &Manifest) -> bool {
        self.command != other.command
            || self.args != other.args
            || self.env != other.env
            || self.working_directory != other.working_directory
            || self.user != other.user
            || self.group != other.group
    }
}

/// 1-based line of the first `key:` in `text`, block or flow style (1 when absent: the key
/// has its default).
fn line_of(text: &str, key: &str) -> u64 {
    let needle = format!("{key}:");
    text.lines()
        .position(|l| {
            l.match_indices(&needle).any(|(i, _)| {
                l[..i]
                    .chars()
                    .next_back()
                    .is_none_or(|c| c.is_whitespace() || matches!(c, '{' | ',' | '-'))
            })
        })
        .map(|i| i as u64 + 1)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
    use super::*;

    fn parse(text: &str) -> Result<Manifest, Located> {
        Manifest::parse(text, Path::new("/srv/services/web.yaml"))
    }

    #[test]
    fn minimal_manifest_takes_defaults_and_file_name() {
        let m = parse("command: /bin/sleep\nargs: ['100']\n").unwrap();
        assert_eq!(m.name, "web");
        assert_eq!(m.restart, Restart::default());
        assert_eq!(m.stop_signal, Signal::SIGTERM);
        assert_eq!(m.stop_timeout, Duration::from_secs(10));
        assert!(m.health.is_none());
    }

    #[test]
    fn full_manifest() {
        let m = parse(
            "name: api\ncommand: srv\nenv: {A: b}\nrestart:\n  policy: on-failure\n  backoff_initial: 200ms\n  backoff_max: 5s\n  jitter: 0\n  crash_loop_limit: 3\n  reset_after: 10s\nstop_signal: INT\nstop_timeout: 2s\nhealth:\n  tcp: 127.0.0.1:9000\n  interval: 1s\n  timeout: 500ms\n  unhealthy_threshold: 2\nports: {http: 9000}\ntags: [blue]\n",
        )
        .unwrap();
        assert_eq!(m.name, "api");
        assert_eq!(m.restart.policy, RestartPolicy::OnFailure);
        assert_eq!(m.restart.backoff_initial, Duration::from_millis(200));
        assert_eq!(m.stop_signal, Signal::SIGINT);
        let h = m.health.unwrap();
        assert_eq!(h.probe(), Some(Probe::Tcp("127.0.0.1:9000".into())));
        assert_eq!((h.healthy_threshold, h.unhealthy_threshold), (1, 2));
        assert_eq!(m.ports["http"], 9000);
    }

    #[test]
    fn typo_gets_line_and_suggestion() {
        let e = parse("command: x\n\nrestart:\n  polcy: always\n").unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        assert_eq!(e.hint.as_deref(), Some("did you mean `policy`?"), "{e}");
        assert!(
            e.to_string().starts_with("/srv/services/web.yaml:4:"),
            "{e}"
        );
    }

    #[test]
    fn semantic_errors_point_at_their_key() {
        for (text, line, needle) in [
            ("command: x\nrestart:\n  policy: sometimes\n", 3, "variants"),
            ("command: x\nstop_signal: SIGNOPE\n", 2, ""),
            ("command: x\nhealth:\n  interval: 1s\n", 2, "http"),
            ("command: x\nhealth:\n  http: ftp://a\n", 3, "http://"),
            (
                "command: x\n\nrestart: {backoff_initial: 0s}\n",
                3,
                "backoff",
            ),
            ("command: x\nports: {http: 0}\n", 2, "between 1 and 65535"),
            ("command: x\nenv: {P2P_SUPERVISOR: x}\n", 2, "reserved"),
            ("name: Bad Name\ncommand: x\n", 1, "letter or digit"),
            ("args: []\n", 1, "required"),
        ] {
            let e = parse(text).unwrap_err();
            assert_eq!(e.line, line, "{text}: {e}");
            assert!(
                e.hint.as_deref().unwrap_or("").contains(needle),
                "{text}: {e}"
            );
        }
    }

    #[test]
    fn only_yaml_files_are_manifests() {
        assert!(is_manifest_file(Path::new("/d/web.yaml")));
        assert!(is_manifest_file(Path::new("/d/web.yml")));
        assert!(!is_manifest_file(Path::new("/d/.web.yaml.swp")));
        assert!(!is_manifest_file(Path::new("/d/.hidden.yaml")));
        assert!(!is_manifest_file(Path::new("/d/README.md")));
    }

    #[test]
    fn restart_is_needed_only_for_process_changes() {
        let a = parse("command: x\ntags: [a]\n").unwrap();
        let b = parse("command: x\ntags: [b]\nports: {http: 1}\n").unwrap();
        let c = parse("command: x\nargs: [y]\n").unwrap();
        assert!(!a.needs_restart_for(&b));
        assert!(a.needs_restart_for(&c));
    }
}

#[cfg(test)]
mod example_files {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
    use super::*;

    /// The shipped examples must load, and the documented one must show every key.
    #[test]
    fn shipped_examples_parse_and_document_every_key() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/services");
        let web = Manifest::load(&dir.join("web.yaml")).unwrap();
        assert_eq!(web.name, "web");
        assert!(web.health.is_some());
        let ticker = Manifest::load(&dir.join("ticker.yaml")).unwrap();
        assert_eq!(ticker.name, "ticker");
        let text = std::fs::read_to_string(dir.join("web.yaml")).unwrap();
        for key in KEYS {
            assert!(
                text.contains(&format!("{key}:")),
                "web.yaml does not show {key}"
            );
        }
    }
}
