//! Logs: operators query and follow (any signed-in role; a coordinator holds every node's
//! records, a worker its own), nodes ship their records to coordinators.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use p2p_shared::logs::{
    AGENT_SOURCE, LogBatch, LogCursor, LogLevel, LogList, LogQuery, LogRecord, StreamCursors,
};
use time::OffsetDateTime;
use tokio::sync::{broadcast, mpsc};

use super::AppState;
use super::error::ApiError;
use super::extract::{ApiJson, Caller, NodeCaller};
use crate::limits::rate::Caller as Budget;
use crate::logs::{Filter, LogStoreError, Logs};

/// A quiet follow stream sends an empty line this often, so idle proxies keep it and a
/// vanished reader is noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);

fn store_error(e: LogStoreError) -> ApiError {
    match e {
        LogStoreError::Pattern(_) | LogStoreError::Cursor(_) => ApiError::BadRequest(e.to_string()),
        LogStoreError::Busy => ApiError::Unavailable(e.to_string()),
        other => ApiError::internal(other),
    }
}

pub(super) async fn query(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<LogQuery>,
) -> Result<Response, ApiError> {
    let follow = q.follow;
    let filter = Filter::new(q).map_err(store_error)?;
    known_names(&s, &filter).await?;
    let who = Budget::User(caller.user.clone());
    let refused = |limited: crate::limits::rate::Limited| {
        s.limits.report_refusal(&limited);
        ApiError::RateLimited(limited)
    };
    // A follow holds its slot for as long as it streams; a query while it searches.
    let stream_slot = if follow {
        Some(s.limits.streams.open(&who).map_err(refused)?)
    } else {
        None
    };
    let query_slot = s.limits.queries.open(&who).map_err(refused)?;
    if !follow {
        let (records, truncated) = s.logs.query(filter).await.map_err(store_error)?;
        return Ok(Json(LogList { records, truncated }).into_response());
    }
    // Subscribe before reading the cursors and the history, so nothing falls between.
    let live = s.logs.subscribe();
    let start = if filter.query.cursors {
        let cursors = s
            .logs
            .cursors(filter.query.node.clone())
            .await
            .map_err(store_error)?;
        let mut v = serde_json::to_vec(&StreamCursors { cursors }).unwrap_or_default();
        v.push(b'\n');
        Some(Bytes::from(v))
    } else {
        None
    };
    let (history, _) = s.logs.query(filter.clone()).await.map_err(store_error)?;
    drop(query_slot);
    let (tx, rx) = mpsc::channel::<Bytes>(256);
    if let Some(start) = start {
        // The channel is empty: this cannot fail for want of room.
        let _ = tx.try_send(start);
    }
    tokio::spawn(stream_records(
        s.logs.clone(),
        filter,
        history,
        live,
        tx,
        s.shutdown.clone(),
        stream_slot,
    ));
    let body = Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|b| (Ok::<_, std::convert::Infallible>(b), rx))
    }));
    Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], body).into_response())
}

/// A node or service the cluster has never heard of is a typing mistake, not an empty
/// answer (nor a follow that waits forever): 404. Known means in the membership view, or
/// with records here (a node or service that is gone keeps its history).
async fn known_names(s: &AppState, filter: &Filter) -> Result<(), ApiError> {
    let q = &filter.query;
    if let Some(node) = &q.node
        && *node != s.node_id
        && s.membership.node(node).is_none()
        && s.logs
            .cursors(Some(node.clone()))
            .await
            .map_err(store_error)?
            .is_empty()
    {
        return Err(ApiError::NotFound(format!(
            "no node named `{node}` (p2pctl nodes ls lists them)"
        )));
    }
    if let Some(service) = &q.service
        && service != AGENT_SOURCE
        && !crate::services::discovery::instances(&s.membership)
            .iter()
            .any(|i| i.name == *service)
    {
        let probe = Filter::new(LogQuery {
            service: Some(service.clone()),
            limit: Some(1),
            ..LogQuery::default()
        })
        .map_err(store_error)?;
        if s.logs.query(probe).await.map_err(store_error)?.0.is_empty() {
            return Err(ApiError::NotFound(format!(
                "no node runs a service named `{service}`, and none has records of one (p2pctl svc ls lists them)"
            )));
        }
    }
    Ok(())
}

fn line(r: &LogRecord) -> Bytes {
    let mut v = serde_json::to_vec(r).unwrap_or_default();
    v.push(b'\n');
    Bytes::from(v)
}

/// Feeds one follower: the history, then every new matching record, until it goes away.
async fn stream_records(
    logs: Logs,
    filter: Filter,
    history: Vec<LogRecord>,
    mut live: broadcast::Receiver<Arc<LogRecord>>,
    tx: mpsc::Sender<Bytes>,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
    _slot: Option<crate::limits::rate::StreamSlot>,
) {
    // Seeded with the caller's resume cursors: a record it already has is not sent again.
    let mut sent: HashMap<String, u64> = filter.after.clone();
    for r in &history {
        sent.insert(r.node_id.clone(), r.seq);
        if tx.send(line(r)).await.is_err() {
            return;
        }
    }
    let mut keepalive = tokio::time::interval(KEEPALIVE);
    keepalive.tick().await;
    loop {
        let out = tokio::select! {
            got = live.recv() => match got {
                Ok(r) => {
                    let new = sent.get(&r.node_id).is_none_or(|s| r.seq > *s);
                    if !new || !filter.matches(&r) {
                        continue;
                    }
                    sent.insert(r.node_id.clone(), r.seq);
                    line(&r)
                }
                Err(broadcast::error::RecvError::Lagged(n)) => line(&LogRecord {
                    node_id: logs.node_id().to_string(),
                    seq: 0,
                    timestamp: OffsetDateTime::now_utc(),
                    source: AGENT_SOURCE.to_string(),
                    stream: "log".to_string(),
                    level: LogLevel::Warn,
                    message: format!("this follower fell behind: {n} record(s) skipped (query them with p2pctl logs)"),
                }),
                Err(broadcast::error::RecvError::Closed) => return,
            },
            _ = keepalive.tick() => Bytes::from_static(b"\n"),
            // The node is stopping: end the stream so the drain does not wait for it.
            _ = shutdown.changed() => return,
        };
        if tx.send(out).await.is_err() {
            return;
        }
    }
}

pub(super) async fn cursor(
    State(s): State<AppState>,
    node: NodeCaller,
) -> Result<Json<LogCursor>, ApiError> {
    s.control()?;
    let last_seq = s.logs.last_seq(node.node_id).await.map_err(store_error)?;
    Ok(Json(LogCursor { last_seq }))
}

pub(super) async fn ingest(
    State(s): State<AppState>,
    node: NodeCaller,
    ApiJson(batch): ApiJson<LogBatch>,
) -> Result<Json<LogCursor>, ApiError> {
    s.control()?;
    if let Some(r) = batch.records.iter().find(|r| r.node_id != node.node_id) {
        return Err(ApiError::Forbidden(format!(
            "{} may only ship its own records, not {}'s",
            node.node_id, r.node_id
        )));
    }
    if batch.records.is_empty() {
        let last_seq = s.logs.last_seq(node.node_id).await.map_err(store_error)?;
        return Ok(Json(LogCursor { last_seq }));
    }
    let last_seq = s.logs.ingest(batch.records).await.map_err(store_error)?;
    Ok(Json(LogCursor { last_seq }))
}
