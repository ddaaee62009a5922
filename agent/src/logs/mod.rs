//! Logs: every line the agent logs and every line its services write becomes a record
//! (node, per-node sequence number, time, source, stream, level, message), stored in the
//! node's log database and shipped to the coordinators, which answer queries and follows
//! for the whole cluster.
//!
//! Flow: `Logs::line` (never blocks: a full queue drops the line and counts it) → the
//! writer thread (assigns sequence numbers, inserts in batches, prunes, publishes) →
//! followers on this node, and the shipper (`shipper.rs`) → `POST /v1/cluster/logs` on each
//! coordinator → the coordinator's writer thread → its followers.

pub mod capture;
pub mod shipper;
pub mod store;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use p2p_shared::logs::{AGENT_SOURCE, LogLevel, LogRecord};
use rusqlite::Connection;
use time::OffsetDateTime;
use tokio::sync::{broadcast, mpsc, oneshot, watch};

use crate::lazy_broadcast::LazyBroadcast;

pub use store::{Filter, LogStoreError};

use crate::config::LogsConfig;

/// Lines waiting for the writer; beyond this, new lines are dropped and counted.
const QUEUE: usize = 8192;
/// Most records the writer inserts in one transaction.
const BATCH: usize = 1024;
/// Longest message kept; longer ones are cut (and marked).
pub const MAX_MESSAGE: usize = 16 * 1024;
/// Read-only connections: queries run side by side, at most this many at once.
const READERS: usize = 3;
/// How long a query waits for a free reader before it is refused.
const READ_WAIT: Duration = Duration::from_secs(5);
/// How often the writer enforces retention.
const PRUNE_EVERY: Duration = Duration::from_secs(10);

/// Retention and where the database lives.
#[derive(Debug, Clone)]
pub struct LogOptions {
    pub node_id: String,
    pub config: LogsConfig,
}

enum Input {
    Line {
        at: OffsetDateTime,
        source: String,
        stream: &'static str,
        level: LogLevel,
        message: String,
    },
    Ingest {
        records: Vec<LogRecord>,
        reply: oneshot::Sender<Result<u64, LogStoreError>>,
    },
    /// Wakes the writer so retention runs even when nothing is logged.
    Tick,
    /// Number new records from at least this value on.
    Advance(u64),
}

/// Handle to a node's log pipeline (cheap to clone).
#[derive(Clone)]
pub struct Logs {
    node_id: Arc<str>,
    tx: mpsc::Sender<Input>,
    dropped: Arc<AtomicU64>,
    published: LazyBroadcast<Arc<LogRecord>>,
    own_seq: watch::Receiver<u64>,
    readers: Arc<Readers>,
    /// How far back an ingested record's time may lie.
    retention: std::time::Duration,
}

impl std::fmt::Debug for Logs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Logs")
            .field("node_id", &self.node_id)
            .finish_non_exhaustive()
    }
}

impl Logs {
    /// Opens (or creates) the log database at `path` and starts the writer thread, which
    /// runs until every handle is dropped. Call within a tokio runtime.
    pub fn start(path: &Path, opts: LogOptions) -> Result<Logs, LogStoreError> {
        let mut writer = store::open(path)?;
        let readers = Readers::open(path)?;
        let next = store::last_seq(&writer, &opts.node_id)? + 1;
        let (tx, mut rx) = mpsc::channel(QUEUE);
        let published = LazyBroadcast::new(4096);
        let (seq_tx, own_seq) = watch::channel(next - 1);
        let dropped = Arc::new(AtomicU64::new(0));
        let logs = Logs {
            node_id: opts.node_id.clone().into(),
            tx,
            dropped: dropped.clone(),
            published: published.clone(),
            own_seq,
            readers: Arc::new(readers),
            retention: opts.config.retention,
        };
        let spawned = std::thread::Builder::new()
            .name("p2pd-logs".into())
            .spawn(move || {
                let mut w = Writer {
                    opts,
                    next,
                    dropped,
                    reported: 0,
                    published,
                    seq_tx,
                    last_prune: Instant::now(),
                    since_prune: 0,
                };
                w.run(&mut writer, &mut rx);
            });
        spawned.map_err(LogStoreError::Thread)?;
        // Holds only a weak sender: the writer still ends when the last handle goes.
        let weak = logs.tx.downgrade();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(PRUNE_EVERY);
            loop {
                tick.tick().await;
                let Some(tx) = weak.upgrade() else { return };
                let _ = tx.try_send(Input::Tick);
            }
        });
        Ok(logs)
    }

    pub fn node_id(&self) -> &str {
        &self.node_id
    }

    /// Records one line now. Never blocks: when the writer is behind, the line is dropped
    /// and counted (the count is logged as a record of its own).
    pub fn line(&self, source: &str, stream: &'static str, level: LogLevel, message: &str) {
        let input = Input::Line {
            at: now_ms(),
            source: source.to_string(),
            stream,
            level,
            message: bounded(message),
        };
        if self.tx.try_send(input).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Lines dropped so far because the pipeline was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Stores records another node shipped; returns the highest seq now held for it. Each
    /// record is admitted as this node's rules say (see [`admit`]).
    pub async fn ingest(&self, records: Vec<LogRecord>) -> Result<u64, LogStoreError> {
        let now = now_ms();
        let records = records
            .into_iter()
            .map(|r| admit(r, now, self.retention))
            .collect();
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Input::Ingest { records, reply })
            .await
            .map_err(|_| LogStoreError::Stopped)?;
        rx.await.map_err(|_| LogStoreError::Stopped)?
    }

    /// Numbers this node's next records from `min` on (never lower than now). For a node
    /// whose log database was lost while a coordinator still holds its old numbers.
    pub async fn advance_seq(&self, min: u64) {
        let _ = self.tx.send(Input::Advance(min)).await;
    }

    /// New records as they are stored (own and ingested).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<LogRecord>> {
        self.published.subscribe()
    }

    /// The last sequence number of this node's own records; changes when new ones land.
    pub fn own_seq(&self) -> watch::Receiver<u64> {
        self.own_seq.clone()
    }

    fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, LogStoreError> + Send + 'static,
    ) -> impl std::future::Future<Output = Result<T, LogStoreError>> {
        let readers = self.readers.clone();
        async move {
            let _permit = tokio::time::timeout(READ_WAIT, readers.slots.acquire())
                .await
                .map_err(|_| LogStoreError::Busy)?
                .map_err(|_| LogStoreError::Stopped)?;
            let readers2 = readers.clone();
            crate::blocking::run(move || {
                let conn = readers2.take().ok_or(LogStoreError::Stopped)?;
                let out = f(&conn);
                readers2.give_back(conn);
                out
            })
            .await
        }
    }

    /// Matching records, and whether a cap cut the search short (see `store::query`).
    pub async fn query(&self, filter: Filter) -> Result<(Vec<LogRecord>, bool), LogStoreError> {
        self.read(move |c| store::query(c, &filter)).await
    }

    /// The highest seq held for `node`.
    pub async fn last_seq(&self, node: String) -> Result<u64, LogStoreError> {
        self.read(move |c| store::last_seq(c, &node)).await
    }

    /// The last seq held of each node (or of `node` only), at most
    /// [`p2p_shared::logs::MAX_AFTER_NODES`] of them: where a follow stands as it starts.
    pub async fn cursors(
        &self,
        node: Option<String>,
    ) -> Result<std::collections::HashMap<String, u64>, LogStoreError> {
        self.read(move |c| store::cursors(c, node.as_deref())).await
    }

    /// This node's own records after `seq` (for shipping).
    pub async fn own_after(&self, seq: u64, limit: u32) -> Result<Vec<LogRecord>, LogStoreError> {
        let node = self.node_id.to_string();
        self.read(move |c| store::after(c, &node, seq, limit)).await
    }
}

/// The read-only connections and the permits that hand them out.
struct Readers {
    conns: Mutex<Vec<Connection>>,
    slots: tokio::sync::Semaphore,
}

impl Readers {
    fn open(path: &Path) -> Result<Readers, LogStoreError> {
        let conns = (0..READERS)
            .map(|_| store::open_reader(path))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Readers {
            conns: Mutex::new(conns),
            slots: tokio::sync::Semaphore::new(READERS),
        })
    }

    fn take(&self) -> Option<Connection> {
        self.conns.lock().unwrap_or_else(|p| p.into_inner()).pop()
    }

    fn give_back(&self, conn: Connection) {
        self.conns
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(conn);
    }
}

/// Now, to the millisecond: the precision records are stored with, so a followed record
/// and the same record queried later look the same.
fn now_ms() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1_000_000 * 1_000_000)
        .unwrap_or(now)
}

/// What another node's record may say: a time within our retention and at most a minute
/// ahead of our clock (a skewed or hostile clock must not pin a record forever, nor push
/// others out), and fields no longer than our own records' limits.
pub fn admit(mut r: LogRecord, now: OffsetDateTime, retention: std::time::Duration) -> LogRecord {
    let oldest = now
        .checked_sub(time::Duration::try_from(retention).unwrap_or(time::Duration::MAX))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let newest = now + time::Duration::minutes(1);
    r.timestamp = r.timestamp.clamp(oldest, newest);
    r.message = bounded(&r.message);
    r.source = short(&r.source, 64);
    r.stream = short(&r.stream, 16);
    r
}

fn short(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

/// Text from outside (a user name at a failed login, a node id in a refused request, an
/// error that quotes them) as it may appear in our own log: control characters escaped, at
/// most 160 characters, so it can neither forge log lines nor flood them.
pub fn untrusted(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == 160 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Cuts `message` to `MAX_MESSAGE` bytes on a character boundary.
fn bounded(message: &str) -> String {
    if message.len() <= MAX_MESSAGE {
        return message.to_string();
    }
    let mut end = MAX_MESSAGE;
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… [cut at {MAX_MESSAGE} bytes]", &message[..end])
}

struct Writer {
    opts: LogOptions,
    next: u64,
    dropped: Arc<AtomicU64>,
    reported: u64,
    published: LazyBroadcast<Arc<LogRecord>>,
    seq_tx: watch::Sender<u64>,
    last_prune: Instant,
    since_prune: u64,
}

impl Writer {
    fn run(&mut self, conn: &mut Connection, rx: &mut mpsc::Receiver<Input>) {
        while let Some(first) = rx.blocking_recv() {
            let mut own = Vec::new();
            let mut ingests = Vec::new();
            let mut input = Some(first);
            while let Some(i) = input.take() {
                match i {
                    Input::Line {
                        at,
                        source,
                        stream,
                        level,
                        message,
                    } => own.push(self.record(at, source, stream, level, message)),
                    Input::Ingest { records, reply } => ingests.push((records, reply)),
                    Input::Tick => {}
                    Input::Advance(min) => self.next = self.next.max(min),
                }
                if own.len() < BATCH && ingests.len() < 16 {
                    input = rx.try_recv().ok();
                }
            }
            self.report_drops(&mut own);
            if !own.is_empty() {
                let last = own.last().map(|r| r.seq).unwrap_or(0);
                match store::insert(conn, own) {
                    Ok(fresh) => {
                        self.publish(fresh);
                        let _ = self.seq_tx.send(last);
                    }
                    // This target is not captured, so the failure does not feed back.
                    Err(e) => {
                        tracing::error!(target: "p2pd::logs", error = %e, "cannot store log records")
                    }
                }
            }
            for (records, reply) in ingests {
                let node = records.first().map(|r| r.node_id.clone());
                let result = store::insert(conn, records).and_then(|fresh| {
                    self.publish(fresh);
                    node.map_or(Ok(0), |n| store::last_seq(conn, &n))
                });
                let _ = reply.send(result);
            }
            // By time, or sooner when a burst could overshoot the size limit by much.
            if self.last_prune.elapsed() >= PRUNE_EVERY
                || self.since_prune > self.opts.config.max_entries / 4
            {
                self.prune(conn);
            }
        }
    }

    fn record(
        &mut self,
        at: OffsetDateTime,
        source: String,
        stream: &str,
        level: LogLevel,
        message: String,
    ) -> LogRecord {
        let seq = self.next;
        self.next += 1;
        LogRecord {
            node_id: self.opts.node_id.clone(),
            seq,
            timestamp: at,
            source,
            stream: stream.to_string(),
            level,
            message,
        }
    }

    /// Turns newly dropped lines into a record of their own.
    fn report_drops(&mut self, own: &mut Vec<LogRecord>) {
        let dropped = self.dropped.load(Ordering::Relaxed);
        if dropped > self.reported {
            let n = dropped - self.reported;
            self.reported = dropped;
            let r = self.record(
                now_ms(),
                AGENT_SOURCE.to_string(),
                "log",
                LogLevel::Warn,
                format!("log pipeline full: dropped {n} line(s) ({dropped} since start)"),
            );
            own.push(r);
        }
    }

    fn publish(&mut self, records: Vec<LogRecord>) {
        self.since_prune += records.len() as u64;
        for r in records {
            self.published.send_with(|| Arc::new(r));
        }
    }

    fn prune(&mut self, conn: &Connection) {
        self.last_prune = Instant::now();
        self.since_prune = 0;
        let oldest = OffsetDateTime::now_utc()
            .checked_sub(
                time::Duration::try_from(self.opts.config.retention).unwrap_or(time::Duration::MAX),
            )
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let config = &self.opts.config;
        if let Err(e) = store::prune(
            conn,
            oldest,
            config.max_entries,
            config.max_entries_per_node,
        ) {
            tracing::error!(target: "p2pd::logs", error = %e, "cannot prune the log database");
        }
    }
}

#[cfg(test)]
mod admission_tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
    use super::*;

    fn record(at: OffsetDateTime, message: String) -> LogRecord {
        LogRecord {
            node_id: "w1".into(),
            seq: 1,
            timestamp: at,
            source: "s".repeat(500),
            stream: "stdout".into(),
            level: LogLevel::Info,
            message,
        }
    }

    #[test]
    fn ingested_records_keep_to_our_clock_and_sizes() {
        let now = OffsetDateTime::now_utc();
        let day = std::time::Duration::from_secs(86400);
        let future = admit(
            record(now + time::Duration::days(365), "x".into()),
            now,
            day,
        );
        assert_eq!(future.timestamp, now + time::Duration::minutes(1));
        let ancient = admit(record(OffsetDateTime::UNIX_EPOCH, "x".into()), now, day);
        assert_eq!(ancient.timestamp, now - time::Duration::days(1));
        let huge = admit(record(now, "y".repeat(10 * MAX_MESSAGE)), now, day);
        assert!(
            huge.message.len() < MAX_MESSAGE + 64,
            "{}",
            huge.message.len()
        );
        assert_eq!(huge.source.len(), 64);
    }

    #[test]
    fn untrusted_text_cannot_forge_or_flood_lines() {
        let forged = untrusted("bob\nINFO p2pd ready node_id=evil\u{1b}[31m");
        assert!(
            !forged.contains('\n') && !forged.contains('\u{1b}'),
            "{forged}"
        );
        assert!(forged.starts_with("bob\\n"), "{forged}");
        assert!(untrusted(&"a".repeat(10_000)).chars().count() <= 161);
    }
}
