//! The Raft log and vote in `raft.db`, apart from the state machine's `store.db`.
//!
//! `synchronous=FULL`: an entry is reported durable to Raft only after its transaction
//! reached the disk, and a vote is kept before it is answered; Raft's safety rests on both
//! surviving power loss. Entries are JSON (small, rare, readable with `sqlite3`).

use std::fmt::Debug;
use std::ops::{Bound, RangeBounds};
use std::path::Path;
use std::sync::{Arc, Mutex};

use openraft::storage::{LogFlushed, LogState, RaftLogStorage};
use openraft::{RaftLogReader, StorageIOError};
use rusqlite::{Connection, OptionalExtension, params};

use super::types::{Entry, LogId, StorageError, TypeConfig, Vote};
use crate::store::{StoreError, open_durable};

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS raft_log (
        idx INTEGER PRIMARY KEY,
        entry TEXT NOT NULL
     );
     CREATE TABLE IF NOT EXISTS raft_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
     );";

/// Cheap to clone: the log reader Raft's replication tasks use is another handle on the
/// same connection.
#[derive(Clone)]
pub struct LogStore {
    conn: Arc<Mutex<Connection>>,
}

impl Debug for LogStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LogStore")
    }
}

type IoResult<T> = Result<T, StorageIOError<u64>>;

impl LogStore {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = open_durable(path, 256)?;
        conn.execute_batch(SCHEMA)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// True until the first vote or entry: a node that may found a cluster.
    pub fn is_pristine(&self) -> Result<bool, StoreError> {
        let conn = self.lock();
        let entries: i64 = conn.query_row("SELECT count(*) FROM raft_log", [], |r| r.get(0))?;
        let meta: i64 = conn.query_row("SELECT count(*) FROM raft_meta", [], |r| r.get(0))?;
        Ok(entries == 0 && meta == 0)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic mid-transaction rolls it back; the connection stays usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the blocking pool: SQLite with fsync must not stall Raft's async core.
    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> IoResult<T> + Send + 'static,
    ) -> Result<T, StorageError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || f(&mut this.lock()))
            .await
            .map_err(|e| StorageIOError::write(&e))?
            .map_err(StorageError::from)
    }
}

fn get_meta<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    key: &str,
) -> Result<Option<T>, rusqlite::Error> {
    let json: Option<String> = conn
        .query_row(
            "SELECT value FROM raft_meta WHERE key = ?1",
            params![key],
            |r| r.get(0),
        )
        .optional()?;
    // A value this code wrote and cannot read is damage, reported as a read error.
    json.map(|j| {
        serde_json::from_str(&j).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
    })
    .transpose()
}

fn put_meta<T: serde::Serialize>(
    conn: &Connection,
    key: &str,
    value: &T,
) -> Result<(), rusqlite::Error> {
    let json = serde_json::to_string(value)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    conn.execute(
        "INSERT INTO raft_meta (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, json],
    )?;
    Ok(())
}

fn decode(json: &str) -> Result<Entry, rusqlite::Error> {
    serde_json::from_str(json).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn bounds(range: &impl RangeBounds<u64>) -> (i64, i64) {
    let start = match range.start_bound() {
        Bound::Included(&s) => s,
        Bound::Excluded(&s) => s.saturating_add(1),
        Bound::Unbounded => 0,
    };
    let end = match range.end_bound() {
        Bound::Included(&e) => e.saturating_add(1),
        Bound::Excluded(&e) => e,
        Bound::Unbounded => u64::MAX,
    };
    // SQLite integers are signed; indexes never come near i64::MAX.
    (
        start.min(i64::MAX as u64) as i64,
        end.min(i64::MAX as u64) as i64,
    )
}

impl RaftLogReader<TypeConfig> for LogStore {
    async fn try_get_log_entries<RB: RangeBounds<u64> + Clone + Debug + Send>(
        &mut self,
        range: RB,
    ) -> Result<Vec<Entry>, StorageError> {
        let (start, end) = bounds(&range);
        self.run(move |conn| {
            let read = || -> Result<Vec<Entry>, rusqlite::Error> {
                let mut stmt = conn.prepare(
                    "SELECT entry FROM raft_log WHERE idx >= ?1 AND idx < ?2 ORDER BY idx",
                )?;
                let rows = stmt.query_map(params![start, end], |r| r.get::<_, String>(0))?;
                rows.map(|r| decode(&r?)).collect()
            };
            read().map_err(|e| StorageIOError::read_logs(&e))
        })
        .await
    }
}

impl RaftLogStorage<TypeConfig> for LogStore {
    type LogReader = LogStore;

    async fn get_log_state(&mut self) -> Result<LogState<TypeConfig>, StorageError> {
        self.run(|conn| {
            let read = || -> Result<LogState<TypeConfig>, rusqlite::Error> {
                let last_purged: Option<LogId> = get_meta(conn, "last_purged")?;
                let last: Option<String> = conn
                    .query_row(
                        "SELECT entry FROM raft_log ORDER BY idx DESC LIMIT 1",
                        [],
                        |r| r.get(0),
                    )
                    .optional()?;
                let last_log_id = match last {
                    Some(json) => Some(decode(&json)?.log_id),
                    None => last_purged,
                };
                Ok(LogState {
                    last_purged_log_id: last_purged,
                    last_log_id,
                })
            };
            read().map_err(|e| StorageIOError::read_logs(&e))
        })
        .await
    }

    async fn get_log_reader(&mut self) -> Self::LogReader {
        self.clone()
    }

    async fn save_vote(&mut self, vote: &Vote) -> Result<(), StorageError> {
        let vote = *vote;
        self.run(move |conn| {
            put_meta(conn, "vote", &vote).map_err(|e| StorageIOError::write_vote(&e))
        })
        .await
    }

    async fn read_vote(&mut self) -> Result<Option<Vote>, StorageError> {
        self.run(|conn| get_meta(conn, "vote").map_err(|e| StorageIOError::read_vote(&e)))
            .await
    }

    async fn save_committed(&mut self, committed: Option<LogId>) -> Result<(), StorageError> {
        self.run(move |conn| {
            put_meta(conn, "committed", &committed).map_err(|e| StorageIOError::write(&e))
        })
        .await
    }

    async fn read_committed(&mut self) -> Result<Option<LogId>, StorageError> {
        self.run(|conn| {
            get_meta::<Option<LogId>>(conn, "committed")
                .map(Option::flatten)
                .map_err(|e| StorageIOError::read(&e))
        })
        .await
    }

    async fn append<I>(
        &mut self,
        entries: I,
        callback: LogFlushed<TypeConfig>,
    ) -> Result<(), StorageError>
    where
        I: IntoIterator<Item = Entry> + Send,
        I::IntoIter: Send,
    {
        let entries: Vec<Entry> = entries.into_iter().collect();
        let result = self
            .run(move |conn| {
                let mut write = || -> Result<(), rusqlite::Error> {
                    let tx = conn.transaction()?;
                    for e in &entries {
                        let json = serde_json::to_string(e)
                            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
                        tx.execute(
                            "INSERT OR REPLACE INTO raft_log (idx, entry) VALUES (?1, ?2)",
                            params![e.log_id.index as i64, json],
                        )?;
                    }
                    tx.commit()
                };
                write().map_err(|e| StorageIOError::write_logs(&e))
            })
            .await;
        // Durable (FULL) once the commit returned: only then may Raft count this entry.
        match &result {
            Ok(()) => callback.log_io_completed(Ok(())),
            Err(e) => callback.log_io_completed(Err(std::io::Error::other(e.to_string()))),
        }
        result
    }

    async fn truncate(&mut self, log_id: LogId) -> Result<(), StorageError> {
        let from = log_id.index as i64;
        self.run(move |conn| {
            conn.execute("DELETE FROM raft_log WHERE idx >= ?1", params![from])
                .map(|_| ())
                .map_err(|e| StorageIOError::write_logs(&e))
        })
        .await
    }

    async fn purge(&mut self, log_id: LogId) -> Result<(), StorageError> {
        self.run(move |conn| {
            let mut write = || -> Result<(), rusqlite::Error> {
                let tx = conn.transaction()?;
                put_meta(&tx, "last_purged", &log_id)?;
                tx.execute(
                    "DELETE FROM raft_log WHERE idx <= ?1",
                    params![log_id.index as i64],
                )?;
                tx.commit()
            };
            write().map_err(|e| StorageIOError::write_logs(&e))
        })
        .await
    }
}
