//! Raft messages between coordinators over the cluster's mTLS HTTPS API
//! (`POST /v1/raft/{append,vote,snapshot}`). The client requires the peer's certificate to
//! carry the coordinator role and the node id the membership names, so a misconfigured
//! address can never make Raft talk to the wrong node. A peer that cannot be reached is
//! reported as `Unreachable`, so openraft backs off instead of retrying in a loop.

use std::error::Error;
use std::sync::Arc;
use std::time::Duration;

use openraft::error::{
    InstallSnapshotError, NetworkError, RPCError, RaftError, RemoteError, Unreachable,
};
use openraft::network::{RPCOption, RaftNetwork, RaftNetworkFactory};
use openraft::raft::{
    AppendEntriesRequest, AppendEntriesResponse, InstallSnapshotRequest, InstallSnapshotResponse,
    VoteRequest, VoteResponse,
};
use p2p_shared::{ApiClient, ClientError};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::types::{Coordinator, RaftId, TypeConfig};
use crate::pki::NodePki;

pub const APPEND_PATH: &str = "/v1/raft/append";
pub const VOTE_PATH: &str = "/v1/raft/vote";
pub const SNAPSHOT_PATH: &str = "/v1/raft/snapshot";

/// A connection may take longer to set up than one Raft message may take (a vote has
/// `election_timeout_min`, a heartbeat `heartbeat_interval`): a TLS handshake on a busy
/// machine can exceed 250 ms. The request itself runs this long in the background, so the
/// connection it opened is pooled for the next message even when this one timed out.
const CONNECTION_PATIENCE: Duration = Duration::from_secs(5);

/// Makes a [`Peer`] for each coordinator Raft talks to. openraft asks for a new one for
/// every election and replication stream; the HTTPS client (and its pooled connection)
/// per coordinator is kept here, so they all share it.
#[derive(Clone, Debug)]
pub struct Network {
    pki: Arc<NodePki>,
    contacts: Arc<Contacts>,
}

impl Network {
    pub fn new(pki: Arc<NodePki>, contacts: Arc<Contacts>) -> Self {
        Self { pki, contacts }
    }

    /// The node's kept client to that coordinator (one HTTP/2 connection carries the
    /// heartbeats and everything else this node sends it).
    fn client_for(&self, node: &Coordinator) -> Result<ApiClient, ClientError> {
        self.pki.coordinator_client(
            node.api_address.clone(),
            Some(node.node_id.clone()),
            CONNECTION_PATIENCE,
        )
    }
}

impl RaftNetworkFactory<TypeConfig> for Network {
    type Network = Peer;

    async fn new_client(&mut self, target: RaftId, node: &Coordinator) -> Peer {
        Peer {
            target,
            node: node.clone(),
            client: self.client_for(node),
            contacts: self.contacts.clone(),
        }
    }
}

/// Raft's messages to one coordinator, over the shared client (HTTP/2, so heartbeats
/// reuse one TLS session).
pub struct Peer {
    target: RaftId,
    node: Coordinator,
    client: Result<ApiClient, ClientError>,
    contacts: Arc<Contacts>,
}

type RpcResult<T, E> = Result<T, RPCError<RaftId, Coordinator, RaftError<RaftId, E>>>;

impl Peer {
    async fn call<B, T, E>(&mut self, path: &str, body: &B, _option: &RPCOption) -> RpcResult<T, E>
    where
        B: Serialize,
        T: DeserializeOwned + Send + 'static,
        E: Error + DeserializeOwned + Send + 'static,
    {
        let client = match &self.client {
            Ok(c) => c.clone(),
            Err(e) => return Err(RPCError::Unreachable(Unreachable::new(e))),
        };
        let body =
            serde_json::to_value(body).map_err(|e| RPCError::Network(NetworkError::new(&e)))?;
        let path = path.to_string();
        // The peer answers its own Raft's verdict, `Ok` or a `RaftError`, as JSON.
        let request = tokio::spawn(async move {
            client
                .node_rpc::<_, Result<T, RaftError<RaftId, E>>>(&path, &body, CONNECTION_PATIENCE)
                .await
        });
        // openraft times the message out itself (by `_option`'s TTL); dropping this wait
        // does not stop the request, which finishes (or gives up) on its own.
        let answer = match request.await {
            Ok(answer) => answer,
            Err(join) => return Err(RPCError::Network(NetworkError::new(&join))),
        };
        let answer = answer
            .map_err(|e| match e {
                ClientError::Unreachable { .. } | ClientError::Rejected { .. } => {
                    if self.contacts.lost(self.target) {
                        tracing::warn!(coordinator = %self.node, error = %e, "coordinator unreachable; Raft retries it quietly");
                    }
                    RPCError::Unreachable(Unreachable::new(&e))
                }
                other => RPCError::Network(NetworkError::new(&other)),
            })?;
        if self.contacts.heard(self.target) {
            tracing::info!(coordinator = %self.node, "coordinator reachable again");
        }
        answer.map_err(|e| {
            RPCError::RemoteError(RemoteError::new_with_node(
                self.target,
                self.node.clone(),
                e,
            ))
        })
    }
}

impl RaftNetwork<TypeConfig> for Peer {
    async fn append_entries(
        &mut self,
        rpc: AppendEntriesRequest<TypeConfig>,
        option: RPCOption,
    ) -> RpcResult<AppendEntriesResponse<RaftId>, openraft::error::Infallible> {
        self.call(APPEND_PATH, &rpc, &option).await
    }

    async fn install_snapshot(
        &mut self,
        rpc: InstallSnapshotRequest<TypeConfig>,
        option: RPCOption,
    ) -> RpcResult<InstallSnapshotResponse<RaftId>, InstallSnapshotError> {
        self.call(SNAPSHOT_PATH, &rpc, &option).await
    }

    async fn vote(
        &mut self,
        rpc: VoteRequest<RaftId>,
        option: RPCOption,
    ) -> RpcResult<VoteResponse<RaftId>, openraft::error::Infallible> {
        self.call(VOTE_PATH, &rpc, &option).await
    }

    fn backoff(&self) -> openraft::network::Backoff {
        // A coordinator that is down is retried every 500 ms up to 2 s apart, not in a loop.
        openraft::network::Backoff::new(
            (0..).map(|i: u32| Duration::from_millis(500u64.saturating_mul(1 << i.min(2)))),
        )
    }
}

/// When each peer last answered a Raft message (the leader's view of its followers), and
/// which are unreachable now, so that losing and finding one is logged once each.
#[derive(Debug, Default)]
pub struct Contacts(std::sync::Mutex<ContactBook>);

#[derive(Debug, Default)]
pub struct ContactBook {
    heard: std::collections::HashMap<RaftId, std::time::Instant>,
    down: std::collections::HashSet<RaftId>,
    /// This coordinator is stopping: peers going away then is expected, not news.
    stopping: bool,
}

impl Contacts {
    fn book(&self) -> std::sync::MutexGuard<'_, ContactBook> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// True if the peer was unreachable until now.
    pub fn heard(&self, peer: RaftId) -> bool {
        let mut b = self.book();
        b.heard.insert(peer, std::time::Instant::now());
        b.down.remove(&peer)
    }

    /// True the first time the peer is found unreachable.
    /// Whether `peer` was reachable until now (so its loss is worth one line).
    pub fn lost(&self, peer: RaftId) -> bool {
        let mut book = self.book();
        book.down.insert(peer) && !book.stopping
    }

    pub fn stopping(&self) {
        self.book().stopping = true;
    }

    pub fn since(&self, peer: RaftId) -> Option<Duration> {
        self.book().heard.get(&peer).map(|t| t.elapsed())
    }
}
