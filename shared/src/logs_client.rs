//! `ApiClient` calls for logs: query and follow (operators), ingest and cursor (nodes
//! shipping to coordinators).

use std::collections::HashMap;
use std::time::Duration;

use reqwest::Method;

use crate::client::{ApiClient, ClientError};
use crate::logs::{
    LogBatch, LogCursor, LogList, LogQuery, LogRecord, StreamCursors, format_after, parse_after,
};

/// A follow stream stays open until the caller stops reading.
const FOLLOW_TIMEOUT: Duration = Duration::from_secs(365 * 86400);
/// How long a follow that lost its stream keeps trying the servers (one restarting, or
/// the others electing a leader) before it gives up.
pub const RESUME_BUDGET: Duration = Duration::from_secs(30);
/// Most records a resume asks for (the server's cap).
const RESUME_LIMIT: u32 = 10_000;

/// A follow moved on after its stream broke.
#[derive(Debug, Clone)]
pub struct Resumed {
    /// The server whose stream broke.
    pub lost: String,
    pub reason: String,
    /// The server it follows now.
    pub now: String,
}

enum StreamEnd {
    /// The caller wanted no more.
    Stopped,
    Broken(String),
}

/// The query that picks up where a follow broke: every matching record of each node past
/// `from` (the last seq shown, or that the first server held as the follow started).
fn resume_query(query: &LogQuery, from: &HashMap<String, u64>) -> LogQuery {
    LogQuery {
        follow: true,
        cursors: false,
        after: Some(format_after(from)),
        limit: Some(RESUME_LIMIT),
        ..query.clone()
    }
}

impl ApiClient {
    /// Records matching `query` (its `follow` is ignored), oldest first.
    pub async fn logs(&self, query: &LogQuery) -> Result<LogList, ClientError> {
        let query = LogQuery {
            follow: false,
            ..query.clone()
        };
        let resp = self
            .send(self.request(Method::GET, "/v1/logs").query(&query))
            .await?;
        let bytes = self.read_capped(resp, crate::client::MAX_RESPONSE).await?;
        serde_json::from_slice(&bytes).map_err(|e| ClientError::Decode {
            server: self.base_url().to_string(),
            reason: e.to_string(),
        })
    }

    /// Follows records matching `query`: the recent ones first, then each new one as it is
    /// collected, until `on_record` returns false. A stream that breaks or that its server
    /// ends (it stopped) resumes on the next server, or the same one once it is back,
    /// from the last record seen of each node (see [`LogQuery::after`]): nothing is shown
    /// twice and nothing is skipped. Fails when no server answers for [`RESUME_BUDGET`].
    pub async fn follow_logs(
        &self,
        query: &LogQuery,
        on_record: impl FnMut(LogRecord) -> bool,
    ) -> Result<(), ClientError> {
        self.follow_logs_resuming(query, on_record, |_| {}).await
    }

    /// [`ApiClient::follow_logs`], telling `on_resume` each time the stream moved on.
    pub async fn follow_logs_resuming(
        &self,
        query: &LogQuery,
        mut on_record: impl FnMut(LogRecord) -> bool,
        mut on_resume: impl FnMut(&Resumed),
    ) -> Result<(), ClientError> {
        // What was shown of each node, and where each stood on the first server as the
        // follow began (anything past that would have been streamed).
        let mut seen: HashMap<String, u64> = match query.after.as_deref() {
            Some(a) => parse_after(a).map_err(|reason| ClientError::Decode {
                server: self.base_url().to_string(),
                reason,
            })?,
            None => HashMap::new(),
        };
        let mut floor: HashMap<String, u64> = HashMap::new();
        let mut lost: Option<(String, String)> = None;
        loop {
            let q = match lost {
                None => LogQuery {
                    follow: true,
                    cursors: true,
                    ..query.clone()
                },
                Some(_) => {
                    let mut from = floor.clone();
                    for (node, seq) in &seen {
                        let f = from.entry(node.clone()).or_insert(0);
                        *f = (*f).max(*seq);
                    }
                    resume_query(query, &from)
                }
            };
            let open = || {
                self.send(
                    self.request(Method::GET, "/v1/logs")
                        .query(&q)
                        .timeout(FOLLOW_TIMEOUT),
                )
            };
            let resp = match &lost {
                // The first connection fails over like any read.
                None if self.servers().len() > 1 => {
                    self.failing_over(crate::client::FAILOVER_BUDGET, Self::try_elsewhere, open)
                        .await?
                }
                None => open().await?,
                // A resume waits out an election or a restart, on any server.
                Some(_) => {
                    self.failing_over(
                        RESUME_BUDGET,
                        |e| Self::try_elsewhere(e) || matches!(e, ClientError::RateLimited { .. }),
                        open,
                    )
                    .await?
                }
            };
            if let Some((server, reason)) = lost.take() {
                on_resume(&Resumed {
                    lost: server,
                    reason,
                    now: self.base_url().to_string(),
                });
            }
            let ended = self
                .read_follow(resp, &mut floor, &mut |r: LogRecord| {
                    if r.seq > 0 {
                        let last = seen.entry(r.node_id.clone()).or_insert(0);
                        if r.seq <= *last {
                            return true; // already shown (a server without `after`)
                        }
                        *last = r.seq;
                    }
                    on_record(r)
                })
                .await?;
            match ended {
                StreamEnd::Stopped => return Ok(()),
                StreamEnd::Broken(reason) => {
                    lost = Some((self.base_url().to_string(), reason));
                    self.next_server();
                }
            }
        }
    }

    /// Reads one follow stream until the caller stops it or it ends.
    async fn read_follow(
        &self,
        mut resp: reqwest::Response,
        floor: &mut HashMap<String, u64>,
        on_record: &mut impl FnMut(LogRecord) -> bool,
    ) -> Result<StreamEnd, ClientError> {
        let mut pending: Vec<u8> = Vec::new();
        loop {
            let chunk = match resp.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => return Ok(StreamEnd::Broken("the server ended the stream".into())),
                Err(e) => return Ok(StreamEnd::Broken(self.unreachable(&e).to_string())),
            };
            pending.extend_from_slice(&chunk);
            // One line may not grow without bound while we wait for its end.
            let open_line = pending.len()
                - pending
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |i| i + 1);
            if open_line > crate::client::MAX_STREAM_LINE {
                return Err(self.too_large(crate::client::MAX_STREAM_LINE));
            }
            while let Some(end) = pending.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = pending.drain(..=end).collect();
                let line = &line[..line.len() - 1];
                if line.is_empty() {
                    continue; // keep-alive
                }
                if line.starts_with(b"{\"cursors\"") {
                    let c: StreamCursors =
                        serde_json::from_slice(line).map_err(|e| ClientError::Decode {
                            server: self.base_url().to_string(),
                            reason: e.to_string(),
                        })?;
                    floor.extend(c.cursors);
                    continue;
                }
                let record: LogRecord =
                    serde_json::from_slice(line).map_err(|e| ClientError::Decode {
                        server: self.base_url().to_string(),
                        reason: e.to_string(),
                    })?;
                if !on_record(record) {
                    return Ok(StreamEnd::Stopped);
                }
            }
        }
    }

    /// Node to coordinator: the last sequence number it holds of the calling node.
    pub async fn log_cursor(&self) -> Result<LogCursor, ClientError> {
        self.call::<(), _>(Method::GET, "/v1/cluster/logs/cursor", None)
            .await
    }

    /// Node to coordinator: stores a batch of the calling node's records (idempotent).
    pub async fn ship_logs(&self, batch: &LogBatch) -> Result<LogCursor, ClientError> {
        self.call(Method::POST, "/v1/cluster/logs", Some(batch))
            .await
    }
}
