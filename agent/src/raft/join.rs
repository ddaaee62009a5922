//! A coordinator joining the cluster. After it enrolled with a coordinator join token
//! (its certificate then carries the coordinator role), it fetches the secrets every
//! coordinator must share (the CA key) over mTLS, and once it serves, asks the leader to
//! add it: first as a learner that catches up on the log (or a snapshot), then as a voter.
//! The secrets never enter the Raft log or the store.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use openraft::ChangeMembers;
use openraft::error::{ClientWriteError, RaftError};
use p2p_shared::ClientError;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use super::replicator::Replicator;
use super::types::{Coordinator, raft_id};
use crate::pki::NodePki;
use crate::retry::Backoff;

/// Where a joining coordinator gets the CA key (coordinator certificates only).
pub const SECRETS_PATH: &str = "/v1/cluster/coordinator-secrets";
/// Where a coordinator asks to be added to the Raft group (forwarded to the leader).
pub const JOIN_PATH: &str = "/v1/raft/join";
/// Catching up may mean a snapshot: allow it time.
const JOIN_TIMEOUT: Duration = Duration::from_secs(60);

/// What coordinators share and nobody else may hold.
#[derive(Serialize, Deserialize)]
pub struct CoordinatorSecrets {
    pub ca_key_pem: String,
}

impl std::fmt::Debug for CoordinatorSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CoordinatorSecrets(..)")
    }
}

impl Drop for CoordinatorSecrets {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.ca_key_pem);
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct JoinRequest {
    pub node: Coordinator,
}

/// Fetches the shared secrets from the coordinator at `address`.
pub async fn fetch_secrets(
    pki: &NodePki,
    address: &str,
) -> Result<CoordinatorSecrets, ClientError> {
    let client = pki.coordinator_client(address.to_string(), None, Duration::from_secs(15))?;
    client
        .node_rpc(
            SECRETS_PATH,
            &serde_json::json!({}),
            Duration::from_secs(15),
        )
        .await
}

impl Replicator {
    /// The leader's side of a join: `node` becomes a learner, catches up, then votes. On
    /// a follower the request goes on to the leader. Joining twice is harmless.
    pub async fn add_coordinator(&self, node: Coordinator) -> Result<(), String> {
        let id = raft_id(&node.node_id);
        let (leader, membership) = {
            let m = self.raft().metrics().borrow().clone();
            (m.current_leader, m.membership_config.clone())
        };
        if let Some(existing) = membership.membership().get_node(&id)
            && existing.node_id != node.node_id
        {
            return Err(format!(
                "node {} has the same Raft id as coordinator {}; choose another name",
                node.node_id, existing.node_id
            ));
        }
        if membership.membership().voter_ids().any(|v| v == id) {
            return Ok(());
        }
        match leader {
            Some(l) if l == self.id() => {}
            Some(l) => {
                let Some(leader) = membership.membership().get_node(&l).cloned() else {
                    return Err("the leader is not in the membership yet; retry".into());
                };
                return self.forward_join(&leader, node).await;
            }
            None => return Err("no coordinator leader right now; retry".into()),
        }
        let failed = |e: RaftError<u64, ClientWriteError<u64, Coordinator>>| e.to_string();
        tracing::info!(coordinator = %node, "adding a coordinator: catching it up as a learner");
        self.raft()
            .add_learner(id, node.clone(), true)
            .await
            .map_err(failed)?;
        self.raft()
            .change_membership(ChangeMembers::AddVoterIds(BTreeSet::from([id])), false)
            .await
            .map_err(failed)?;
        tracing::info!(coordinator = %node, "the coordinator is a voter now");
        Ok(())
    }

    async fn forward_join(&self, leader: &Coordinator, node: Coordinator) -> Result<(), String> {
        let body = JoinRequest { node };
        let answer: Result<(), String> = self
            .call_leader(leader, JOIN_PATH, &body, JOIN_TIMEOUT)
            .await?;
        answer
    }

    /// Whether this coordinator votes in the Raft group.
    pub fn is_voter(&self) -> bool {
        let m = self.raft().metrics().borrow().membership_config.clone();
        m.membership().voter_ids().any(|v| v == self.id())
    }
}

/// A joining coordinator's task: asks the configured coordinators, in turn and with
/// backoff, to add it, until it votes (or the node shuts down).
pub fn spawn_join(
    raft: Arc<Replicator>,
    pki: Arc<NodePki>,
    addresses: Vec<String>,
    me: Coordinator,
    mut shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut backoff = Backoff::new(Duration::from_secs(10));
        while !raft.is_voter() {
            for address in &addresses {
                let client = match pki.coordinator_client(address.clone(), None, JOIN_TIMEOUT) {
                    Ok(c) => c,
                    Err(e) => {
                        tracing::warn!(%address, error = %e, "cannot make a client to join through");
                        continue;
                    }
                };
                let body = JoinRequest { node: me.clone() };
                let answer: Result<Result<(), String>, ClientError> =
                    client.node_rpc(JOIN_PATH, &body, JOIN_TIMEOUT).await;
                match answer {
                    Ok(Ok(())) => break,
                    Ok(Err(why)) => {
                        tracing::warn!(%address, reason = %why, "joining the coordinators failed; retrying")
                    }
                    Err(e) => {
                        tracing::warn!(%address, error = %e, "joining the coordinators failed; retrying")
                    }
                }
            }
            if raft.is_voter() {
                break;
            }
            if !backoff.wait(&mut shutdown).await {
                return;
            }
        }
        tracing::info!(node_id = %me.node_id, "joined the coordinators' Raft group as a voter");
    })
}

/// Where a follower sends an admin's removal of a coordinator, for the leader to do.
pub const REMOVE_PATH: &str = "/v1/raft/remove";

#[derive(Debug, Serialize, Deserialize)]
pub struct RemoveRequest {
    pub node_id: String,
}

/// Why a membership change was not made.
#[derive(Debug, Clone, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "reason", content = "message", rename_all = "snake_case")]
pub enum MembershipError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Unavailable(String),
}

impl Replicator {
    /// Removes a coordinator from the Raft group (it stops voting and receiving the log).
    /// The last voter cannot go. On a follower the request goes on to the leader.
    pub async fn remove_coordinator(&self, node_id: &str) -> Result<(), MembershipError> {
        let id = raft_id(node_id);
        let m = self.raft().metrics().borrow().clone();
        let membership = m.membership_config.membership();
        if membership
            .get_node(&id)
            .is_none_or(|n| n.node_id != node_id)
        {
            return Err(MembershipError::NotFound(format!(
                "no coordinator named `{node_id}` in the Raft group"
            )));
        }
        let voters: Vec<u64> = membership.voter_ids().collect();
        if voters == [id] {
            return Err(MembershipError::Refused(
                "it is the last voting coordinator; the cluster would have no control plane".into(),
            ));
        }
        match m.current_leader {
            Some(l) if l == self.id() => {}
            Some(l) => {
                let Some(leader) = membership.get_node(&l).cloned() else {
                    return Err(MembershipError::Unavailable(
                        "the leader is unknown; retry".into(),
                    ));
                };
                let body = RemoveRequest {
                    node_id: node_id.to_string(),
                };
                let answer: Result<(), MembershipError> = self
                    .call_leader(&leader, REMOVE_PATH, &body, JOIN_TIMEOUT)
                    .await
                    .map_err(MembershipError::Unavailable)?;
                return answer;
            }
            None => {
                return Err(MembershipError::Unavailable(
                    "no coordinator leader right now; retry".into(),
                ));
            }
        }
        let change = if voters.contains(&id) {
            ChangeMembers::RemoveVoters(BTreeSet::from([id]))
        } else {
            ChangeMembers::RemoveNodes(BTreeSet::from([id]))
        };
        self.raft()
            .change_membership(change, false)
            .await
            .map_err(|e| MembershipError::Unavailable(e.to_string()))?;
        tracing::info!(coordinator = %node_id, "removed a coordinator from the Raft group");
        // Out of the registry too, so enrolling and renewing nodes stop learning it.
        self.propose(crate::store::Command::ForgetNode {
            node_id: node_id.to_string(),
        })
        .await
        .map_err(|e| MembershipError::Unavailable(format!("removed from the group, but not yet from the node registry ({e}); run the removal again")))?;
        Ok(())
    }
}
