//! `ApiClient` calls for logs: query and follow (operators), ingest and cursor (nodes
//! shipping to coordinators).

use std::time::Duration;

use reqwest::Method;

use crate::client::{ApiClient, ClientError};
use crate::logs::{LogBatch, LogCursor, LogList, LogQuery, LogRecord};

/// A follow stream stays open until the caller stops reading.
const FOLLOW_TIMEOUT: Duration = Duration::from_secs(365 * 86400);

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
    /// collected, until `on_record` returns false or the server ends the stream.
    pub async fn follow_logs(
        &self,
        query: &LogQuery,
        mut on_record: impl FnMut(LogRecord) -> bool,
    ) -> Result<(), ClientError> {
        let query = LogQuery {
            follow: true,
            ..query.clone()
        };
        let mut resp = self
            .send(
                self.request(Method::GET, "/v1/logs")
                    .query(&query)
                    .timeout(FOLLOW_TIMEOUT),
            )
            .await?;
        let mut pending: Vec<u8> = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.unreachable(&e))? {
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
                let record: LogRecord =
                    serde_json::from_slice(line).map_err(|e| ClientError::Decode {
                        server: self.base_url().to_string(),
                        reason: e.to_string(),
                    })?;
                if !on_record(record) {
                    return Ok(());
                }
            }
        }
        Ok(())
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
