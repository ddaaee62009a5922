//! A coordinator's Raft node and the one way it changes the control plane: [`Replicator`]
//! proposes a [`Command`], waits until a quorum of coordinators holds it and this store
//! applied it, and answers the command's outcome. On a follower the command is forwarded
//! to the leader over coordinator mTLS; during an election it waits up to the hold time
//! for a leader. Without a quorum nothing is applied, and the caller gets
//! [`StoreError::NoQuorum`] (503 `no_quorum`).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use openraft::error::{ClientWriteError, RaftError};
use openraft::{Config, ServerState, SnapshotPolicy};
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

use super::log_store::LogStore;
use super::network::Network;
use super::state_machine::StateMachine;
use super::types::{Coordinator, Outcome, Raft, RaftId, raft_id};
use crate::pki::NodePki;
use crate::store::{Command, OnceKey, Store, StoreError, Writer};

/// Where a follower sends a command for the leader to propose.
pub const PROPOSE_PATH: &str = "/v1/raft/propose";
/// Writes waiting at once; more are refused (a client retries) rather than queued without
/// bound in openraft's unbounded channel.
const MAX_PENDING_WRITES: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum ReplicationError {
    #[error("cannot open the Raft log: {0}")]
    Open(#[from] StoreError),
    #[error("invalid Raft configuration: {0}")]
    Config(String),
    #[error("Raft failed to start: {0}")]
    Start(String),
}

/// What starting the Raft node needs.
pub struct ReplicatorOptions {
    pub node_id: String,
    pub api_address: String,
    pub cluster_id: String,
    pub state_dir: PathBuf,
    pub store: Arc<Store>,
    pub pki: Arc<NodePki>,
    /// This coordinator may found the Raft group when it has no Raft state yet: the
    /// coordinator that created the cluster (or ran one before replication existed). A
    /// coordinator joining an existing cluster never does.
    pub may_found: bool,
    /// How long a write waits for a leader (an election) and then for its commit.
    pub hold: Duration,
    /// When to snapshot, and how much log to keep behind a snapshot.
    pub compaction: crate::config::RaftConfig,
}

/// A command forwarded to the leader.
#[derive(Debug, Serialize, Deserialize)]
pub struct ProposeRequest {
    pub command: Command,
}

/// The leader's answer: the outcome, or why it could not commit (`Err`).
pub type ProposeAnswer = Result<Outcome, String>;

pub struct Replicator {
    raft: Raft,
    me: RaftId,
    node_id: String,
    /// The leader's last answer from each follower.
    contacts: Arc<super::network::Contacts>,
    /// A follower's last message from the leader.
    leader_contact: std::sync::Mutex<Option<std::time::Instant>>,
    pki: Arc<NodePki>,
    pending: Semaphore,
    hold: Duration,
}

/// Raft timers for a LAN: a leader's death is noticed after its lease (500 ms) and an
/// election timeout (250-500 ms), so a new leader is in place in about a second.
fn raft_config(
    cluster_id: &str,
    compaction: &crate::config::RaftConfig,
) -> Result<Config, openraft::ConfigError> {
    Config {
        cluster_name: cluster_id.to_string(),
        heartbeat_interval: 50,
        election_timeout_min: 250,
        election_timeout_max: 500,
        // One chunk is one HTTPS request of JSON (about 3.5 bytes per byte).
        snapshot_max_chunk_size: 256 * 1024,
        install_snapshot_timeout: 2000,
        snapshot_policy: SnapshotPolicy::LogsSinceLast(compaction.snapshot_every),
        max_in_snapshot_log_to_keep: compaction.logs_kept,
        ..Default::default()
    }
    .validate()
}

impl Replicator {
    pub async fn start(opts: ReplicatorOptions) -> Result<Arc<Self>, ReplicationError> {
        let me = raft_id(&opts.node_id);
        let path = opts.state_dir.join("raft.db");
        let log = crate::blocking::run(move || LogStore::open(&path)).await?;
        let pristine = {
            let log = log.clone();
            crate::blocking::run(move || log.is_pristine()).await?
        };
        let sm = StateMachine::new(opts.store.clone(), opts.state_dir.clone());
        let config = raft_config(&opts.cluster_id, &opts.compaction)
            .map_err(|e| ReplicationError::Config(e.to_string()))?;
        let config = Arc::new(config);
        let contacts = Arc::new(super::network::Contacts::default());
        let network = Network::new(opts.pki.clone(), contacts.clone());
        let raft = Raft::new(me, config, network, log, sm)
            .await
            .map_err(|e| ReplicationError::Start(e.to_string()))?;
        let this = Arc::new(Self {
            raft,
            me,
            node_id: opts.node_id.clone(),
            contacts,
            leader_contact: std::sync::Mutex::new(None),
            pki: opts.pki,
            pending: Semaphore::new(MAX_PENDING_WRITES),
            hold: opts.hold,
        });
        let myself = Coordinator {
            node_id: opts.node_id.clone(),
            api_address: opts.api_address.clone(),
        };
        let alone = if pristine && opts.may_found {
            tracing::info!(node_id = %opts.node_id, "founding the coordinators' Raft group");
            this.raft
                .initialize(BTreeMap::from([(me, myself)]))
                .await
                .map_err(|e| ReplicationError::Start(e.to_string()))?;
            true
        } else if this.sole_voter() {
            // Alone, nobody else can hold a lease: elect at once instead of after a timeout.
            let _ = this.raft.trigger().elect().await;
            true
        } else {
            false
        };
        if alone {
            // A group of one leads within milliseconds; its start-up writes then commit
            // before it serves.
            this.raft
                .wait(Some(opts.hold))
                .metrics(
                    |m| m.current_leader == Some(me) && m.state == ServerState::Leader,
                    "lead a group of one",
                )
                .await
                .map_err(|e| ReplicationError::Start(e.to_string()))?;
        }
        tokio::spawn(report_leaders(this.raft.metrics()));
        Ok(this)
    }

    fn sole_voter(&self) -> bool {
        let m = self.raft.metrics().borrow().membership_config.clone();
        let voters: Vec<RaftId> = m.membership().voter_ids().collect();
        voters == [self.me]
    }

    pub fn raft(&self) -> &Raft {
        &self.raft
    }

    pub fn id(&self) -> RaftId {
        self.me
    }

    pub fn pki(&self) -> &Arc<NodePki> {
        &self.pki
    }

    /// Alone in the group (a single-coordinator cluster): writes commit at once.
    pub fn is_sole_voter(&self) -> bool {
        self.sole_voter()
    }

    /// Commits `cmd` through the leader and answers its outcome as the store would.
    pub async fn propose(&self, cmd: Command) -> Result<(), StoreError> {
        let _slot = self.pending.try_acquire().map_err(|_| {
            StoreError::NoQuorum("too many control-plane writes are waiting; retry".into())
        })?;
        // Keyed, so that a proposal sent to a leader that went away and then again to the
        // next one applies once even if the first reached a quorum after all.
        let cmd = match cmd {
            Command::Once { .. } => cmd,
            other => OnceKey {
                key: crate::secrets::random_hex(16).to_string(),
                at: time::OffsetDateTime::now_utc().unix_timestamp(),
            }
            .wrap(0, other),
        };
        let outcome = tokio::time::timeout(self.hold * 2, self.propose_until(cmd))
            .await
            .map_err(|_| {
                StoreError::NoQuorum(format!(
                    "the write was not committed within {:?}: no quorum of coordinators answers",
                    self.hold * 2
                ))
            })??;
        outcome.map_err(StoreError::Rejected)
    }

    async fn propose_until(&self, cmd: Command) -> Result<Outcome, StoreError> {
        let deadline = tokio::time::Instant::now() + self.hold;
        let mut metrics = self.raft.metrics();
        loop {
            let leader = {
                let m = metrics.borrow_and_update();
                m.current_leader.map(|id| {
                    let node = m.membership_config.membership().get_node(&id).cloned();
                    (id, node)
                })
            };
            match leader {
                Some((id, _)) if id == self.me => match self.propose_local(cmd.clone()).await {
                    // Lost the leadership between the check and the write: look again.
                    Err(Retry::NotLeader) => {}
                    Err(Retry::Failed(e)) => return Err(e),
                    Ok(outcome) => return Ok(outcome),
                },
                Some((id, Some(node))) => match tokio::select! {
                    r = self.forward(&node, &cmd) => Some(r),
                    // A leader cut off does not answer until the connection times out:
                    // once another is elected, propose there instead.
                    () = leader_moved(self.raft.metrics(), id) => None,
                } {
                    None => continue,
                    Some(Ok(outcome)) => return Ok(outcome),
                    Some(Err(e)) if tokio::time::Instant::now() >= deadline => return Err(e),
                    Some(Err(e)) => {
                        tracing::debug!(leader = %node, error = %e, "forwarding a write failed; retrying");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
                _ => {}
            }
            // No leader known (an election, or no quorum): wait for a change, up to the hold.
            match tokio::time::timeout_at(deadline, metrics.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => return Err(StoreError::NoQuorum("Raft has stopped".into())),
                Err(_) => {
                    return Err(StoreError::NoQuorum(format!(
                        "no coordinator leader was elected within {:?}; a majority of coordinators must be up and connected",
                        self.hold
                    )));
                }
            }
        }
    }

    /// Proposes on this node, which believes it leads.
    async fn propose_local(&self, cmd: Command) -> Result<Outcome, Retry> {
        match self.raft.client_write(cmd).await {
            Ok(resp) => Ok(resp.data),
            Err(RaftError::APIError(ClientWriteError::ForwardToLeader(_))) => Err(Retry::NotLeader),
            Err(RaftError::APIError(ClientWriteError::ChangeMembershipError(e))) => {
                Err(Retry::Failed(StoreError::NoQuorum(e.to_string())))
            }
            Err(RaftError::Fatal(f)) => Err(Retry::Failed(StoreError::NoQuorum(format!(
                "Raft has stopped: {f}"
            )))),
        }
    }

    /// The leader's side of a forwarded command: proposes it here, never forwards again.
    pub async fn propose_forwarded(&self, cmd: Command) -> ProposeAnswer {
        let _slot = self
            .pending
            .try_acquire()
            .map_err(|_| "too many control-plane writes are waiting".to_string())?;
        let write = tokio::time::timeout(self.hold, self.propose_local(cmd));
        match write.await {
            Ok(Ok(outcome)) => Ok(outcome),
            Ok(Err(Retry::NotLeader)) => Err("this coordinator is no longer the leader".into()),
            Ok(Err(Retry::Failed(e))) => Err(e.to_string()),
            Err(_) => Err(format!("not committed within {:?}", self.hold)),
        }
    }

    async fn forward(&self, leader: &Coordinator, cmd: &Command) -> Result<Outcome, StoreError> {
        let body = ProposeRequest {
            command: cmd.clone(),
        };
        let answer: ProposeAnswer = self
            .call_leader(leader, PROPOSE_PATH, &body, self.hold)
            .await
            .map_err(StoreError::NoQuorum)?;
        answer.map_err(|e| StoreError::NoQuorum(format!("the leader {leader}: {e}")))
    }

    /// One node RPC to the leader, which must present that coordinator's certificate.
    pub(super) async fn call_leader<B: Serialize, T: serde::de::DeserializeOwned>(
        &self,
        leader: &Coordinator,
        path: &str,
        body: &B,
        timeout: Duration,
    ) -> Result<T, String> {
        let unreachable =
            |e: p2p_shared::ClientError| format!("cannot reach the leader {leader}: {e}");
        let client = self
            .pki
            .coordinator_client(
                leader.api_address.clone(),
                Some(leader.node_id.clone()),
                timeout,
            )
            .map_err(unreachable)?;
        client
            .node_rpc(path, body, timeout)
            .await
            .map_err(unreachable)
    }

    /// The API address (`HOST:PORT`) of every member of the group, this one included.
    pub fn member_addresses(&self) -> Vec<String> {
        let m = self.raft.metrics();
        let m = m.borrow();
        m.membership_config
            .membership()
            .nodes()
            .map(|(_, n)| n.api_address.clone())
            .collect()
    }

    /// A message from the leader arrived (appends and heartbeats).
    pub fn heard_from_leader(&self) {
        *self
            .leader_contact
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(std::time::Instant::now());
    }

    /// Whether a leader is known, and how many milliseconds since this coordinator heard
    /// from it (0 on the leader while a quorum answers).
    pub fn leader_contact(&self) -> (bool, Option<u64>) {
        // Asked on every request: read two fields under the borrow, copy nothing else.
        let (leader, quorum_ack) = {
            let m = self.raft.metrics();
            let m = m.borrow();
            (m.current_leader, m.millis_since_quorum_ack)
        };
        let Some(leader) = leader else {
            return (false, None);
        };
        if leader == self.me {
            return (true, quorum_ack);
        }
        let since = self
            .leader_contact
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .map(|t| t.elapsed().as_millis() as u64);
        (true, since)
    }

    /// The leader this coordinator knows of (its node id) and the term.
    pub fn leader(&self) -> (Option<String>, u64) {
        let m = self.raft.metrics();
        let m = m.borrow();
        let leader = m.current_leader.and_then(|id| {
            m.membership_config
                .membership()
                .get_node(&id)
                .map(|n| n.node_id.clone())
        });
        (leader, m.current_term)
    }

    /// The group as this coordinator sees it.
    pub fn coordinators(&self) -> p2p_shared::api::CoordinatorList {
        use p2p_shared::api::{CoordinatorList, CoordinatorStatus};
        let m = self.raft.metrics().borrow().clone();
        let membership = m.membership_config.membership();
        let voters: Vec<RaftId> = membership.voter_ids().collect();
        let (_, leader_since) = self.leader_contact();
        let mut list: Vec<CoordinatorStatus> = membership
            .nodes()
            .map(|(id, node)| {
                let matched = m
                    .replication
                    .as_ref()
                    .and_then(|r| r.get(id).cloned().flatten())
                    .map(|l| l.index);
                let last_applied = if *id == self.me {
                    m.last_applied.map(|l| l.index)
                } else {
                    matched
                };
                let lag = match (m.last_log_index, matched, *id == self.me) {
                    (Some(last), Some(at), _) => Some(last.saturating_sub(at)),
                    (Some(_), None, true) if m.state == ServerState::Leader => Some(0),
                    _ => None,
                };
                let last_contact_ms = if *id == self.me {
                    Some(0)
                } else if m.current_leader == Some(*id) {
                    leader_since
                } else if m.state == ServerState::Leader {
                    // Only a leader talks to every peer; a follower's record is from an
                    // earlier term.
                    self.contacts.since(*id).map(|d| d.as_millis() as u64)
                } else {
                    None
                };
                CoordinatorStatus {
                    node_id: node.node_id.clone(),
                    api_address: node.api_address.clone(),
                    leader: m.current_leader == Some(*id),
                    voter: voters.contains(id),
                    term: m.current_term,
                    last_applied,
                    lag,
                    last_contact_ms,
                }
            })
            .collect();
        list.sort_by(|a, b| a.node_id.cmp(&b.node_id));
        CoordinatorList {
            node_id: self.node_id.clone(),
            coordinators: list,
        }
    }

    /// The node is stopping: peers that go away meanwhile (stopping too) are not reported.
    pub fn stopping(&self) {
        self.contacts.stopping();
    }

    pub async fn shutdown(&self) {
        if let Err(e) = self.raft.shutdown().await {
            tracing::warn!(error = %e, "Raft did not stop cleanly");
        }
    }
}

impl std::fmt::Debug for Replicator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replicator")
            .field("me", &self.me)
            .finish_non_exhaustive()
    }
}

/// Logs each change of leader once (openraft's own narration is filtered below debug).
/// Ends when Raft stops.
async fn report_leaders(
    mut metrics: tokio::sync::watch::Receiver<openraft::RaftMetrics<RaftId, Coordinator>>,
) {
    let mut known: Option<RaftId> = None;
    loop {
        let (leader, term, name) = {
            let m = metrics.borrow_and_update();
            if m.state == ServerState::Shutdown {
                return;
            }
            let name = m
                .current_leader
                .and_then(|id| m.membership_config.membership().get_node(&id).cloned())
                .map(|n| n.node_id);
            (m.current_leader, m.current_term, name)
        };
        if leader != known {
            match &name {
                Some(name) => tracing::info!(leader = %name, term, "coordinator leader elected"),
                None => tracing::info!(
                    term,
                    "no coordinator leader at the moment; control-plane writes wait for one"
                ),
            }
            known = leader;
        }
        if metrics.changed().await.is_err() {
            return;
        }
    }
}

enum Retry {
    NotLeader,
    Failed(StoreError),
}

impl Writer for Replicator {
    /// Blocks the calling thread until committed: call it from blocking code (the store
    /// handlers' `on_store`, `blocking::run`); async code awaits [`Replicator::propose`].
    fn write(&self, cmd: &Command) -> Result<(), StoreError> {
        let handle = tokio::runtime::Handle::current();
        let cmd = cmd.clone();
        tokio::task::block_in_place(|| handle.block_on(self.propose(cmd)))
    }
}

/// Where a follower asks the leader for a read index (for `?consistent=true`).
pub const READ_INDEX_PATH: &str = "/v1/raft/read-index";

impl Replicator {
    /// The leader's side of a linearizable read: confirms with a quorum that it still
    /// leads and answers the log index every read must have applied.
    pub async fn read_index(&self) -> Result<u64, String> {
        match self.raft.ensure_linearizable().await {
            Ok(at) => Ok(at.map_or(0, |l| l.index)),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Waits until this coordinator's store reflects every write committed before now, as
    /// a quorum confirms (on a follower, by asking the leader for its read index).
    pub async fn linearize(&self) -> Result<(), StoreError> {
        let deadline = tokio::time::Instant::now() + self.hold;
        let index = loop {
            let (leader, node) = {
                let m = self.raft.metrics().borrow().clone();
                let node = m
                    .current_leader
                    .and_then(|id| m.membership_config.membership().get_node(&id).cloned());
                (m.current_leader, node)
            };
            let asked = match (leader, node) {
                (Some(l), _) if l == self.me => self.read_index().await,
                (Some(l), Some(node)) => {
                    let empty = serde_json::json!({});
                    let ask = self.call_leader::<_, Result<u64, String>>(
                        &node,
                        READ_INDEX_PATH,
                        &empty,
                        self.hold,
                    );
                    tokio::select! {
                        answer = ask => answer.and_then(|a| a),
                        () = leader_moved(self.raft.metrics(), l) => Err("the leader changed".into()),
                    }
                }
                _ => Err("no coordinator leader is known".into()),
            };
            match asked {
                Ok(i) => break i,
                Err(e) if tokio::time::Instant::now() >= deadline => {
                    return Err(StoreError::NoQuorum(format!(
                        "a consistent read needs the leader and a quorum: {e}"
                    )));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        };
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        self.raft
            .wait(Some(left))
            .applied_index_at_least(Some(index), "a consistent read")
            .await
            .map_err(|e| StoreError::NoQuorum(format!("this coordinator is behind: {e}")))?;
        Ok(())
    }
}

/// Resolves once the leader `metrics` report is no longer `id` (never, if Raft stops).
async fn leader_moved(
    mut metrics: tokio::sync::watch::Receiver<openraft::RaftMetrics<RaftId, Coordinator>>,
    id: RaftId,
) {
    loop {
        if metrics.borrow_and_update().current_leader != Some(id) {
            return;
        }
        if metrics.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
