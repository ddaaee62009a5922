//! The log database: its own SQLite file (`logs.db`) beside the store, so log volume never
//! slows control-plane writes. One writer connection (the writer thread) and a few read-only ones.
//!
//! Records are keyed by (node_id, seq), which makes a re-shipped batch a no-op. Indexes
//! serve the query shapes: by time, by node, by source (service) and by level.

use std::path::Path;

use p2p_shared::logs::{LogLevel, LogQuery, LogRecord};
use rusqlite::{Connection, OptionalExtension, params};
use time::OffsetDateTime;

#[derive(Debug, thiserror::Error)]
pub enum LogStoreError {
    #[error("log database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("invalid --grep pattern: {0}")]
    Pattern(String),
    #[error("invalid resume cursor: {0}")]
    Cursor(String),
    #[error(transparent)]
    Task(#[from] crate::blocking::TaskFailed),
    #[error("cannot start the log writer or prepare its file: {0}")]
    Thread(std::io::Error),
    #[error("the log writer has stopped")]
    Stopped,
    #[error("every log reader is busy; try again shortly")]
    Busy,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS logs (
    node_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    ts_ms INTEGER NOT NULL,
    source TEXT NOT NULL,
    stream TEXT NOT NULL,
    level INTEGER NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (node_id, seq)
);
CREATE INDEX IF NOT EXISTS logs_ts ON logs(ts_ms);
CREATE INDEX IF NOT EXISTS logs_node_ts ON logs(node_id, ts_ms);
CREATE INDEX IF NOT EXISTS logs_source_ts ON logs(source, ts_ms);
CREATE INDEX IF NOT EXISTS logs_level_ts ON logs(level, ts_ms);
-- The highest seq ever stored per node, kept apart from the rows so that pruning never
-- makes a sequence number reusable (a reused one would be dropped as a duplicate).
CREATE TABLE IF NOT EXISTS cursors (
    node_id TEXT PRIMARY KEY,
    last_seq INTEGER NOT NULL
);
";

/// Most records one query returns.
pub const MAX_LIMIT: u32 = 10_000;
/// Most rows one query reads (a `--grep` that matches nothing must not read a million).
pub const MAX_SCAN: usize = 500_000;
/// Most message bytes one answer carries.
pub const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;
pub const DEFAULT_LIMIT: u32 = 100;

/// A read-only connection to the database the writer created.
pub fn open_reader(path: &Path) -> Result<Connection, LogStoreError> {
    let conn = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.pragma_update(None, "cache_size", -256)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

pub fn open(path: &Path) -> Result<Connection, LogStoreError> {
    crate::store::private_file(path).map_err(LogStoreError::Thread)?;
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // NORMAL in WAL mode: a power loss may lose the last transactions, a crash of p2pd
    // loses nothing; lines are not worth an fsync each.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "cache_size", -512)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

fn ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

fn from_ms(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Inserts `records` in one transaction; returns the ones that were new. Records at or
/// below a node's cursor are old news (possibly pruned already) and are skipped.
pub fn insert(
    conn: &mut Connection,
    records: Vec<LogRecord>,
) -> Result<Vec<LogRecord>, LogStoreError> {
    let tx = conn.transaction()?;
    let mut fresh = Vec::with_capacity(records.len());
    let mut cursors: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    {
        let mut cursor = tx.prepare_cached("SELECT last_seq FROM cursors WHERE node_id = ?1")?;
        let mut stmt = tx.prepare_cached(
            "INSERT OR IGNORE INTO logs (node_id, seq, ts_ms, source, stream, level, message)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for r in records {
            let floor = match cursors.get(&r.node_id) {
                Some(f) => *f,
                None => {
                    let f: i64 = cursor
                        .query_row(params![r.node_id], |row| row.get(0))
                        .optional()?
                        .unwrap_or(0);
                    cursors.insert(r.node_id.clone(), f.max(0) as u64);
                    f.max(0) as u64
                }
            };
            if r.seq <= floor {
                continue;
            }
            cursors.insert(r.node_id.clone(), r.seq);
            let n = stmt.execute(params![
                r.node_id,
                r.seq as i64,
                ms(r.timestamp),
                r.source,
                r.stream,
                r.level.rank(),
                r.message
            ])?;
            if n > 0 {
                fresh.push(r);
            }
        }
        let mut save = tx.prepare_cached(
            "INSERT INTO cursors (node_id, last_seq) VALUES (?1, ?2)
             ON CONFLICT(node_id) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)",
        )?;
        for (node, seq) in &cursors {
            save.execute(params![node, *seq as i64])?;
        }
    }
    tx.commit()?;
    Ok(fresh)
}

/// The highest sequence number held for `node` (0 when none).
pub fn last_seq(conn: &Connection, node: &str) -> Result<u64, LogStoreError> {
    let v: Option<i64> = conn
        .query_row(
            "SELECT last_seq FROM cursors WHERE node_id = ?1",
            params![node],
            |r| r.get(0),
        )
        .optional()?;
    Ok(v.unwrap_or(0).max(0) as u64)
}

/// The last seq held of every node (or of `node`), at most `MAX_AFTER_NODES`.
pub fn cursors(
    conn: &Connection,
    node: Option<&str>,
) -> Result<std::collections::HashMap<String, u64>, LogStoreError> {
    let limit = p2p_shared::logs::MAX_AFTER_NODES as i64;
    let mut stmt = conn.prepare_cached(
        "SELECT node_id, last_seq FROM cursors WHERE ?1 IS NULL OR node_id = ?1
         ORDER BY last_seq DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![node, limit], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.max(0) as u64))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// `node`'s records after `seq`, in order, at most `limit`.
pub fn after(
    conn: &Connection,
    node: &str,
    seq: u64,
    limit: u32,
) -> Result<Vec<LogRecord>, LogStoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT node_id, seq, ts_ms, source, stream, level, message FROM logs
         WHERE node_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![node, seq as i64, limit], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LogRecord> {
    Ok(LogRecord {
        node_id: r.get(0)?,
        seq: r.get::<_, i64>(1)?.max(0) as u64,
        timestamp: from_ms(r.get(2)?),
        source: r.get(3)?,
        stream: r.get(4)?,
        level: LogLevel::from_rank(r.get(5)?),
        message: r.get(6)?,
    })
}

/// A compiled filter: what SQL cannot do (the regular expression) is applied here, and to
/// followed records as they arrive.
#[derive(Debug, Clone)]
pub struct Filter {
    pub query: LogQuery,
    pub pattern: Option<regex::Regex>,
    /// From `after`: a listed node's records only past this seq.
    pub after: std::collections::HashMap<String, u64>,
}

impl Filter {
    pub fn new(query: LogQuery) -> Result<Filter, LogStoreError> {
        let pattern = query
            .grep
            .as_deref()
            .map(|p| {
                regex::RegexBuilder::new(p)
                    .size_limit(1 << 20)
                    .build()
                    .map_err(|e| LogStoreError::Pattern(e.to_string()))
            })
            .transpose()?;
        let after = query
            .after
            .as_deref()
            .map(p2p_shared::logs::parse_after)
            .transpose()
            .map_err(LogStoreError::Cursor)?
            .unwrap_or_default();
        Ok(Filter {
            query,
            pattern,
            after,
        })
    }

    /// Whether `r` is past the caller's resume cursor for its node.
    pub fn is_new(&self, r: &LogRecord) -> bool {
        self.after.get(&r.node_id).is_none_or(|s| r.seq > *s)
    }

    pub fn matches(&self, r: &LogRecord) -> bool {
        let q = &self.query;
        q.node.as_ref().is_none_or(|n| *n == r.node_id)
            && q.service.as_ref().is_none_or(|s| *s == r.source)
            && q.level.is_none_or(|l| r.level >= l)
            && q.since.is_none_or(|t| r.timestamp >= t)
            && q.until.is_none_or(|t| r.timestamp <= t)
            && self.pattern.as_ref().is_none_or(|p| p.is_match(&r.message))
            && self.is_new(r)
    }
}

/// The newest `limit` records matching `filter`, oldest first, and whether the scan or
/// answer cap cut the search short.
pub fn query(conn: &Connection, filter: &Filter) -> Result<(Vec<LogRecord>, bool), LogStoreError> {
    query_capped(conn, filter, MAX_SCAN, MAX_ANSWER_BYTES)
}

fn query_capped(
    conn: &Connection,
    filter: &Filter,
    max_scan: usize,
    max_bytes: usize,
) -> Result<(Vec<LogRecord>, bool), LogStoreError> {
    let q = &filter.query;
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize;
    if limit == 0 {
        return Ok((Vec::new(), false));
    }
    let mut sql = String::from(
        "SELECT node_id, seq, ts_ms, source, stream, level, message FROM logs WHERE 1=1",
    );
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(n) = &q.node {
        sql.push_str(" AND node_id = ?");
        args.push(n.clone().into());
    }
    if let Some(s) = &q.service {
        sql.push_str(" AND source = ?");
        args.push(s.clone().into());
    }
    if let Some(l) = q.level {
        sql.push_str(" AND level >= ?");
        args.push(l.rank().into());
    }
    if let Some(t) = q.since {
        sql.push_str(" AND ts_ms >= ?");
        args.push(ms(t).into());
    }
    if let Some(t) = q.until {
        sql.push_str(" AND ts_ms <= ?");
        args.push(ms(t).into());
    }
    sql.push_str(" ORDER BY ts_ms DESC, node_id DESC, seq DESC");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), row)?;
    let mut out = Vec::with_capacity(limit.min(1024));
    let (mut scanned, mut bytes, mut truncated) = (0usize, 0usize, false);
    for r in rows {
        if scanned == max_scan {
            truncated = true;
            break;
        }
        scanned += 1;
        let r = r?;
        if filter.is_new(&r)
            && filter
                .pattern
                .as_ref()
                .is_none_or(|p| p.is_match(&r.message))
        {
            bytes += r.message.len() + r.source.len() + r.node_id.len();
            if bytes > max_bytes {
                truncated = true;
                break;
            }
            out.push(r);
            if out.len() >= limit {
                break;
            }
        }
    }
    out.reverse();
    Ok((out, truncated))
}

/// Deletes records older than `oldest`, then each node's beyond its newest `per_node` (so one
/// noisy node cannot evict the others' history), then the oldest beyond `max_entries`.
pub fn prune(
    conn: &Connection,
    oldest: OffsetDateTime,
    max_entries: u64,
    per_node: u64,
) -> Result<u64, LogStoreError> {
    let mut aged = conn.execute("DELETE FROM logs WHERE ts_ms < ?1", params![ms(oldest)])?;
    // Numbering is gap-free per node, so the newest `per_node` are those within that many
    // of the node's last number.
    let per_node = i64::try_from(per_node).unwrap_or(i64::MAX);
    aged += conn.execute(
        "DELETE FROM logs WHERE rowid IN (
             SELECT l.rowid FROM logs l JOIN cursors c ON c.node_id = l.node_id
             WHERE l.seq <= c.last_seq - ?1)",
        params![per_node],
    )?;
    let count: i64 = conn.query_row("SELECT count(*) FROM logs", [], |r| r.get(0))?;
    let excess = (count.max(0) as u64).saturating_sub(max_entries);
    let mut trimmed = 0;
    if excess > 0 {
        trimmed = conn.execute(
            "DELETE FROM logs WHERE rowid IN (SELECT rowid FROM logs ORDER BY ts_ms, rowid LIMIT ?1)",
            params![excess as i64],
        )?;
    }
    Ok((aged + trimmed) as u64)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
    use super::*;
    use time::Duration;

    fn rec(
        node: &str,
        seq: u64,
        at: OffsetDateTime,
        source: &str,
        level: LogLevel,
        msg: &str,
    ) -> LogRecord {
        LogRecord {
            node_id: node.into(),
            seq,
            timestamp: at,
            source: source.into(),
            stream: "stdout".into(),
            level,
            message: msg.into(),
        }
    }

    fn db() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(&dir.path().join("logs.db")).unwrap();
        (dir, conn)
    }

    #[test]
    fn reinserting_is_a_no_op_and_cursors_follow_seq() {
        let (_d, mut c) = db();
        let t = OffsetDateTime::now_utc();
        let batch: Vec<_> = (1..=3)
            .map(|i| rec("w1", i, t, "web", LogLevel::Info, "x"))
            .collect();
        assert_eq!(insert(&mut c, batch.clone()).unwrap().len(), 3);
        assert_eq!(
            insert(&mut c, batch).unwrap().len(),
            0,
            "duplicates are ignored"
        );
        assert_eq!(last_seq(&c, "w1").unwrap(), 3);
        assert_eq!(last_seq(&c, "w2").unwrap(), 0);
        let rest = after(&c, "w1", 1, 10).unwrap();
        assert_eq!(rest.iter().map(|r| r.seq).collect::<Vec<_>>(), [2, 3]);
    }

    #[test]
    fn queries_filter_and_keep_the_newest() {
        let (_d, mut c) = db();
        let t0 = OffsetDateTime::now_utc() - Duration::minutes(10);
        let mut batch = vec![];
        for i in 0..20u64 {
            let level = if i % 4 == 0 {
                LogLevel::Error
            } else {
                LogLevel::Info
            };
            let node = if i % 2 == 0 { "a" } else { "b" };
            batch.push(rec(
                node,
                i + 1,
                t0 + Duration::seconds(i as i64),
                "web",
                level,
                &format!("line {i}"),
            ));
        }
        batch.push(rec("a", 100, t0, "db", LogLevel::Warn, "other service"));
        insert(&mut c, batch).unwrap();
        let q = |query: LogQuery| query_all(&c, query);
        let errors = q(LogQuery {
            level: Some(LogLevel::Error),
            ..Default::default()
        });
        assert_eq!(errors.len(), 5);
        assert_eq!(
            q(LogQuery {
                node: Some("b".into()),
                ..Default::default()
            })
            .len(),
            10
        );
        assert_eq!(
            q(LogQuery {
                service: Some("db".into()),
                ..Default::default()
            })
            .len(),
            1
        );
        let grep = q(LogQuery {
            grep: Some("^line 1[0-9]$".into()),
            ..Default::default()
        });
        assert_eq!(grep.len(), 10);
        let newest = q(LogQuery {
            limit: Some(3),
            service: Some("web".into()),
            ..Default::default()
        });
        assert_eq!(
            newest
                .iter()
                .map(|r| r.message.as_str())
                .collect::<Vec<_>>(),
            ["line 17", "line 18", "line 19"],
            "the newest, oldest first"
        );
        let window = q(LogQuery {
            since: Some(t0 + Duration::seconds(5)),
            until: Some(t0 + Duration::seconds(7)),
            ..Default::default()
        });
        assert_eq!(window.len(), 3);
        // Resume cursors: a's records only after seq 15, b's after 18; the limit counts
        // only the records that pass.
        let resumed = q(LogQuery {
            service: Some("web".into()),
            after: Some("a:15,b:18".into()),
            limit: Some(10),
            ..Default::default()
        });
        assert_eq!(
            resumed.iter().map(|r| r.seq).collect::<Vec<_>>(),
            [17, 19, 20],
            "{resumed:?}"
        );
        for bad in ["a", "a:x", ":3", "a:-1"] {
            assert!(
                matches!(
                    Filter::new(LogQuery {
                        after: Some(bad.into()),
                        ..Default::default()
                    }),
                    Err(LogStoreError::Cursor(_))
                ),
                "{bad}"
            );
        }
        assert!(
            Filter::new(LogQuery {
                grep: Some("(".into()),
                ..Default::default()
            })
            .is_err()
        );
    }

    #[test]
    fn a_query_stops_at_its_scan_and_answer_caps() {
        let (_d, mut c) = db();
        let t = OffsetDateTime::now_utc();
        let batch: Vec<_> = (1..=50)
            .map(|i| {
                rec(
                    "w1",
                    i,
                    t + Duration::milliseconds(i as i64),
                    "web",
                    LogLevel::Info,
                    "0123456789",
                )
            })
            .collect();
        insert(&mut c, batch).unwrap();
        let nothing = Filter::new(LogQuery {
            grep: Some("never matches".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            query_capped(&c, &nothing, 20, 1 << 20).unwrap(),
            (vec![], true)
        );
        assert_eq!(
            query_capped(&c, &nothing, 100, 1 << 20).unwrap(),
            (vec![], false)
        );
        let all = Filter::new(LogQuery {
            limit: Some(1000),
            ..Default::default()
        })
        .unwrap();
        // Each record counts 10 + 3 + 2 bytes: 100 bytes hold 6 of them, the newest.
        let (got, truncated) = query_capped(&c, &all, 1000, 100).unwrap();
        assert!(truncated);
        assert_eq!(
            got.iter().map(|r| r.seq).collect::<Vec<_>>(),
            [45, 46, 47, 48, 49, 50]
        );
    }

    fn query_all(c: &Connection, q: LogQuery) -> Vec<LogRecord> {
        query(c, &Filter::new(q).unwrap()).unwrap().0
    }

    #[test]
    fn retention_by_age_and_by_count() {
        let (_d, mut c) = db();
        let now = OffsetDateTime::now_utc();
        let mut batch = vec![];
        for i in 0..10u64 {
            batch.push(rec(
                "a",
                i + 1,
                now - Duration::days(10) + Duration::seconds(i as i64),
                "s",
                LogLevel::Info,
                "old",
            ));
        }
        for i in 0..30u64 {
            batch.push(rec(
                "a",
                i + 11,
                now + Duration::milliseconds(i as i64),
                "s",
                LogLevel::Info,
                &format!("new {i}"),
            ));
        }
        insert(&mut c, batch).unwrap();
        let gone = prune(&c, now - Duration::days(7), 25, 1000).unwrap();
        assert_eq!(gone, 15);
        let left = query_all(
            &c,
            LogQuery {
                limit: Some(1000),
                ..Default::default()
            },
        );
        assert_eq!(left.len(), 25);
        assert_eq!(left[0].message, "new 5", "the oldest go first");
        assert_eq!(last_seq(&c, "a").unwrap(), 40);
        // A pruned record shipped again is not stored twice.
        let again = rec("a", 3, now, "s", LogLevel::Info, "old");
        assert!(insert(&mut c, vec![again]).unwrap().is_empty());
    }

    #[test]
    fn one_noisy_node_cannot_evict_the_others() {
        let (_d, mut c) = db();
        let now = OffsetDateTime::now_utc();
        let quiet: Vec<LogRecord> = (1..=5)
            .map(|i| rec("quiet", i, now, "s", LogLevel::Info, "q"))
            .collect();
        let noisy: Vec<LogRecord> = (1..=500)
            .map(|i| {
                rec(
                    "noisy",
                    i,
                    now + Duration::milliseconds(1),
                    "s",
                    LogLevel::Info,
                    "n",
                )
            })
            .collect();
        insert(&mut c, quiet).unwrap();
        insert(&mut c, noisy).unwrap();
        // The global cap alone would drop the quiet node's older records first.
        prune(&c, now - Duration::days(7), 400, 100).unwrap();
        let count = |node: &str| {
            query_all(
                &c,
                LogQuery {
                    node: Some(node.into()),
                    limit: Some(10_000),
                    ..Default::default()
                },
            )
            .len()
        };
        assert_eq!(count("quiet"), 5);
        assert_eq!(count("noisy"), 100);
    }
}
