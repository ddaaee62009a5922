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
use super::extract::{ApiJson, NodeCaller};
use crate::raft::replicator::{ProposeAnswer, ProposeRequest};
use crate::raft::types::{RaftId, TypeConfig};

type Answer<T, E = openraft::error::Infallible> = Json<Result<T, RaftError<RaftId, E>>>;

pub(super) async fn append(
    State(s): State<AppState>,
    node: NodeCaller,
    ApiJson(req): ApiJson<AppendEntriesRequest<TypeConfig>>,
) -> Result<Answer<AppendEntriesResponse<RaftId>>, ApiError> {
    node.require_coordinator("replicate the control plane")?;
    Ok(Json(s.control()?.raft.raft().append_entries(req).await))
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
