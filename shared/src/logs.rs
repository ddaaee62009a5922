//! Log records and the bodies of `/v1/logs...`: what operators query and follow, and what
//! nodes ship to coordinators.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Severity, ordered: `Trace` < `Debug` < `Info` < `Warn` < `Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogLevel {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

impl LogLevel {
    pub const ALL: [LogLevel; 5] = [
        LogLevel::Trace,
        LogLevel::Debug,
        LogLevel::Info,
        LogLevel::Warn,
        LogLevel::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Trace => "trace",
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
            LogLevel::Error => "error",
        }
    }

    /// Stored as a small integer so level filters are index range scans.
    pub fn rank(self) -> i64 {
        self as i64
    }

    pub fn from_rank(r: i64) -> LogLevel {
        match r {
            i64::MIN..=0 => LogLevel::Trace,
            1 => LogLevel::Debug,
            2 => LogLevel::Info,
            3 => LogLevel::Warn,
            _ => LogLevel::Error,
        }
    }
}

impl std::fmt::Display for LogLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A level name that is not one of trace, debug, info, warn, error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown level `{0}`: expected trace, debug, info, warn or error")]
pub struct UnknownLevel(pub String);

impl std::str::FromStr for LogLevel {
    type Err = UnknownLevel;
    fn from_str(s: &str) -> Result<Self, UnknownLevel> {
        match s.to_ascii_lowercase().as_str() {
            "trace" => Ok(LogLevel::Trace),
            "debug" => Ok(LogLevel::Debug),
            "info" => Ok(LogLevel::Info),
            "warn" | "warning" => Ok(LogLevel::Warn),
            "error" => Ok(LogLevel::Error),
            other => Err(UnknownLevel(other.to_string())),
        }
    }
}

/// The source name of the agent's own log records; services use their name.
pub const AGENT_SOURCE: &str = "p2pd";

/// One line of a log, as collected on its node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogRecord {
    pub node_id: String,
    /// Per node, gap-free and increasing from 1: (node_id, seq) identifies a record.
    pub seq: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub timestamp: OffsetDateTime,
    /// `p2pd` for the agent itself, else the service name.
    pub source: String,
    /// `stdout` or `stderr` for services, `log` for the agent.
    pub stream: String,
    pub level: LogLevel,
    pub message: String,
}

/// A query (`GET /v1/logs`); every field optional. With `follow`, the answer is a stream
/// of newline-delimited JSON records that stays open.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LogQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Minimum level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<LogLevel>,
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub since: Option<OffsetDateTime>,
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub until: Option<OffsetDateTime>,
    /// A regular expression the message must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grep: Option<String>,
    /// The newest this many records (default 100; at most 10 000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub follow: bool,
    /// With `follow`: the first line is [`StreamCursors`], the last seq this server held of
    /// each node as the stream began (where a resume elsewhere picks up).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cursors: bool,
    /// Resume cursors, `NODE:SEQ,NODE:SEQ`: a listed node's records only after that seq.
    /// What a follow that lost its coordinator sends to the next one, so nothing it already
    /// showed comes again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// The first line of a follow asked `cursors=true`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamCursors {
    pub cursors: std::collections::HashMap<String, u64>,
}

/// Most nodes one `after` may list.
pub const MAX_AFTER_NODES: usize = 1024;

/// Reads `NODE:SEQ,NODE:SEQ` (see [`LogQuery::after`]).
pub fn parse_after(s: &str) -> Result<std::collections::HashMap<String, u64>, String> {
    let mut out = std::collections::HashMap::new();
    for part in s.split(',').filter(|p| !p.is_empty()) {
        let (node, seq) = part
            .rsplit_once(':')
            .ok_or_else(|| format!("`{part}` in after is not NODE:SEQ"))?;
        let seq: u64 = seq
            .parse()
            .map_err(|_| format!("`{seq}` in after is not a sequence number"))?;
        if node.is_empty() {
            return Err(format!("`{part}` in after names no node"));
        }
        out.insert(node.to_string(), seq);
        if out.len() > MAX_AFTER_NODES {
            return Err(format!("after lists more than {MAX_AFTER_NODES} nodes"));
        }
    }
    Ok(out)
}

/// Writes cursors as [`LogQuery::after`] reads them (sorted, so the query is stable).
pub fn format_after(cursors: &std::collections::HashMap<String, u64>) -> String {
    let mut v: Vec<_> = cursors.iter().collect();
    v.sort();
    v.iter()
        .map(|(n, s)| format!("{n}:{s}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// `GET /v1/logs` without `follow`: matching records, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogList {
    pub records: Vec<LogRecord>,
    /// The node stopped before finding every match (it scans at most 500 000 records and
    /// answers at most 8 MiB): narrow the query with a time range, node or service.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// Node to coordinator: records of the calling node, in sequence order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogBatch {
    pub records: Vec<LogRecord>,
}

/// The highest sequence number a coordinator holds for the calling node; shipping resumes
/// after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogCursor {
    pub last_seq: u64,
}
