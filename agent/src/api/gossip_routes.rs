//! Membership routes: push-pull between nodes, the gossip keyring for nodes, and its
//! rotation for admins; and the node's counters (gossip, limits) for operators.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use p2p_shared::Role;
use p2p_shared::api::{GossipKeyRotation, GossipKeyring, GossipStats};

use super::AppState;
use super::error::ApiError;
use super::extract::{Caller, LongPoll, NodeCaller};
use crate::membership::{SYNC_CONTENT_TYPE, SyncError};

pub(super) async fn sync(
    State(s): State<AppState>,
    _node: NodeCaller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if ct != SYNC_CONTENT_TYPE {
        return Err(ApiError::UnsupportedMediaType(format!(
            "expected {SYNC_CONTENT_TYPE}"
        )));
    }
    // Decompressing and merging a large view is CPU work: keep it off the async workers,
    // and only a few at a time (a busy node answers 503; the peer tries another later).
    let _slot = s.limits.syncs.try_acquire().map_err(|_| {
        ApiError::Unavailable("too many push-pull exchanges at once; try later".into())
    })?;
    let membership = s.membership.clone();
    let reply = crate::blocking::run(move || {
        membership.serve_sync(&body).map_err(|e| match e {
            SyncError::Malformed(m) => ApiError::BadRequest(m),
            SyncError::Client(c) => ApiError::internal(c),
        })
    })
    .await?;
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, SYNC_CONTENT_TYPE)],
        reply,
    )
        .into_response())
}

pub(super) async fn keys(
    State(s): State<AppState>,
    _node: NodeCaller,
    poll: LongPoll,
) -> Result<Json<GossipKeyring>, ApiError> {
    let control = s.control()?;
    let mut rx = control.keyring.subscribe();
    poll.until_changed(&mut rx, |k| k.version).await;
    let ring = rx.borrow().clone();
    Ok(Json(ring))
}

/// Body of `POST /v1/cluster/gossip-key/rotate` (optional).
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct RotateRequest {
    /// Remove the old key even if some members did not confirm the new one.
    #[serde(default)]
    force: bool,
}

pub(super) async fn rotate(
    State(s): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Json<GossipKeyRotation>, ApiError> {
    let force = if body.is_empty() {
        false
    } else {
        serde_json::from_slice::<RotateRequest>(&body)
            .map_err(|e| ApiError::BadRequest(format!("invalid rotation request: {e}")))?
            .force
    };
    caller.require(Role::Admin)?;
    let control = s.control()?;
    let Some(_one_at_a_time) = control.keyring.try_start_rotation() else {
        return Err(ApiError::Conflict(
            "a gossip key rotation is already running".into(),
        ));
    };
    let outcome =
        crate::membership::rotation::rotate(&control.keyring, &s.membership, &s.pki, force)
            .await
            .map_err(ApiError::internal)?;
    tracing::info!(user = %caller.user, version = outcome.version, lagging = ?outcome.lagging, "gossip key rotated");
    Ok(Json(outcome))
}

pub(super) async fn stats(State(s): State<AppState>, _caller: Caller) -> Json<GossipStats> {
    Json(s.membership.stats())
}

/// `GET /v1/limits`: this node's overload counters.
/// `GET /v1/cache`: this node's caches (a worker verifies no tokens: it has no `credentials`).
pub(super) async fn cache_stats(
    State(s): State<AppState>,
    _caller: Caller,
) -> Json<p2p_shared::api::CacheStatsList> {
    Json(p2p_shared::api::CacheStatsList {
        node_id: s.node_id.clone(),
        caches: s.cache_stats(),
    })
}

pub(super) async fn limit_stats(
    State(s): State<AppState>,
    _caller: Caller,
) -> Json<p2p_shared::api::LimitStats> {
    Json(s.limits.stats(&s.node_id))
}
