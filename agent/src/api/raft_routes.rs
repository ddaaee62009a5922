//! Raft between coordinators: openraft's three messages, and a follower's command
//! forwarded to the leader. Only a coordinator certificate may call them. Each answers
//! the local Raft's verdict as JSON (`Ok` or openraft's error), which the sender's
//! `raft::network` turns back into openraft's types.

use axum::Json;
use axum::extract::State;
use openraft::error::{InstallSnapshotError, RaftError};
use openraft::raft::{
    AppendEntriesRequest, AppendEntriesResponse, InstallSnapshotRequest, InstallSnapshotResponse,
    VoteRequest, VoteResponse,
};

use super::AppState;
use super::error::ApiError;
use super::extract::{ApiJson, Caller, NodeCaller};
use crate::raft::join::{CoordinatorSecrets, JoinRequest, MembershipError, RemoveRequest};
use crate::raft::replicator::{ProposeAnswer, ProposeRequest};
use crate::raft::types::{RaftId, TypeConfig};
use axum::extract::Path;
use p2p_shared::Role;
use p2p_shared::api::CoordinatorList;

type Answer<T, E = openraft::error::Infallible> = Json<Result<T, RaftError<RaftId, E>>>;

pub(super) async fn append(
    State(s): State<AppState>,
    node: NodeCaller,
    ApiJson(req): ApiJson<AppendEntriesRequest<TypeConfig>>,
) -> Result<Answer<AppendEntriesResponse<RaftId>>, ApiError> {
    node.require_coordinator("replicate the control plane")?;
    let raft = &s.control()?.raft;
    raft.heard_from_leader();
    Ok(Json(raft.raft().append_entries(req).await))
}

pub(super) async fn vote(
    State(s): State<AppState>,
    node: NodeCaller,
    ApiJson(req): ApiJson<VoteRequest<RaftId>>,
) -> Result<Answer<VoteResponse<RaftId>>, ApiError> {
    node.require_coordinator("vote for a coordinator leader")?;
    Ok(Json(s.control()?.raft.raft().vote(req).await))
}

pub(super) async fn snapshot(
    State(s): State<AppState>,
    node: NodeCaller,
    ApiJson(req): ApiJson<InstallSnapshotRequest<TypeConfig>>,
) -> Result<Answer<InstallSnapshotResponse<RaftId>, InstallSnapshotError>, ApiError> {
    node.require_coordinator("send a control-plane snapshot")?;
    Ok(Json(s.control()?.raft.raft().install_snapshot(req).await))
}

pub(super) async fn propose(
    State(s): State<AppState>,
    node: NodeCaller,
    ApiJson(req): ApiJson<ProposeRequest>,
) -> Result<Json<ProposeAnswer>, ApiError> {
    node.require_coordinator("propose a control-plane change")?;
    let raft = s.control()?.raft.clone();
    Ok(Json(raft.propose_forwarded(req.command).await))
}

/// A coordinator asks to join the Raft group (itself only; forwarded to the leader).
pub(super) async fn join(
    State(s): State<AppState>,
    node: NodeCaller,
    ApiJson(req): ApiJson<JoinRequest>,
) -> Result<Json<Result<(), String>>, ApiError> {
    node.require_coordinator("join the coordinators")?;
    if req.node.node_id != node.node_id {
        return Err(ApiError::Forbidden(format!(
            "{} may only ask to add itself, not {}",
            node.node_id, req.node.node_id
        )));
    }
    let raft = s.control()?.raft.clone();
    Ok(Json(raft.add_coordinator(req.node).await))
}

/// The secrets a joining coordinator needs; answered to coordinator certificates only
/// (issued to holders of a coordinator join token, or by a coordinator to itself).
pub(super) async fn secrets(
    State(s): State<AppState>,
    node: NodeCaller,
) -> Result<Json<CoordinatorSecrets>, ApiError> {
    node.require_coordinator("receive the CA key")?;
    let control = s.control()?;
    tracing::info!(node_id = %node.node_id, "handing the CA key to a joining coordinator");
    Ok(Json(CoordinatorSecrets {
        ca_key_pem: control.issuer.ca().key_pem().to_string(),
    }))
}

/// A follower passes an admin's removal on to the leader.
pub(super) async fn remove_forwarded(
    State(s): State<AppState>,
    node: NodeCaller,
    ApiJson(req): ApiJson<RemoveRequest>,
) -> Result<Json<Result<(), MembershipError>>, ApiError> {
    node.require_coordinator("remove a coordinator")?;
    let raft = s.control()?.raft.clone();
    Ok(Json(raft.remove_coordinator(&req.node_id).await))
}

/// `GET /v1/cluster/coordinators`: the Raft group as this coordinator sees it.
pub(super) async fn list(
    State(s): State<AppState>,
    _caller: Caller,
) -> Result<Json<CoordinatorList>, ApiError> {
    Ok(Json(s.control()?.raft.coordinators()))
}

/// `POST /v1/cluster/coordinators/{node}/remove` (admin).
pub(super) async fn remove(
    State(s): State<AppState>,
    caller: Caller,
    Path(node_id): Path<String>,
) -> Result<axum::http::StatusCode, ApiError> {
    caller.require(Role::Admin)?;
    let raft = s.control()?.raft.clone();
    match raft.remove_coordinator(&node_id).await {
        Ok(()) => {
            tracing::info!(coordinator = %node_id, by = %caller.user, "coordinator removed");
            Ok(axum::http::StatusCode::NO_CONTENT)
        }
        Err(MembershipError::NotFound(m)) => Err(ApiError::NotFound(m)),
        Err(MembershipError::Refused(m)) => Err(ApiError::Conflict(m)),
        Err(MembershipError::Unavailable(m)) => Err(ApiError::NoQuorum(m)),
    }
}

/// A follower asks for the read index of a consistent read.
pub(super) async fn read_index(
    State(s): State<AppState>,
    node: NodeCaller,
) -> Result<Json<Result<u64, String>>, ApiError> {
    node.require_coordinator("ask for a read index")?;
    Ok(Json(s.control()?.raft.read_index().await))
}
