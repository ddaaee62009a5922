//! A coordinator's start-up writes: forgetting expired logouts, moving accounts from the
//! vault into the store, recording its certificate and registering itself. They commit
//! through Raft, so they need a quorum. A coordinator alone in its group does them before
//! it serves; one of several does them after it serves (its peers may be waiting for its
//! vote), retrying until they commit, and a joining coordinator first asks to be added.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use p2p_shared::api::{NodeRole, NodeState};
use time::OffsetDateTime;

use super::AgentError;
use super::addresses::Endpoint;
use crate::VERSION;
use crate::blocking;
use crate::context::ControlPlane;
use crate::pki::own_cert::NodeCert;
use crate::raft::join::spawn_join;
use crate::raft::types::Coordinator;
use crate::retry::Backoff;
use crate::secrets::Vault;
use crate::store::{Command, NodeRecord};

/// What the start-up writes need; cheap to clone, so a failed round can be retried.
#[derive(Clone)]
pub struct Settle {
    pub control: SettleControl,
    pub vault: Arc<Mutex<Vault>>,
    pub node_id: String,
    pub endpoint_ips: Vec<String>,
    pub api_address: String,
    pub cert_serial: String,
    pub cert_der: Vec<u8>,
    pub cert_not_after: i64,
    /// Coordinators to ask for membership, when this one is not a voter yet.
    pub join_through: Vec<String>,
}

/// The parts of the control plane the writes use.
#[derive(Clone)]
pub struct SettleControl {
    pub raft: Arc<crate::raft::replicator::Replicator>,
    pub store: Arc<crate::store::Store>,
    pub users: crate::operators::Users,
    pub issuer: Arc<crate::pki::issuer::Issuer>,
    pub tokens: Arc<crate::operators::TokenKeys>,
}

impl Settle {
    pub fn new(
        control: &ControlPlane,
        vault: &Arc<Mutex<Vault>>,
        node_id: &str,
        endpoint: &Endpoint,
        cert: &NodeCert,
        join_through: Vec<String>,
    ) -> Self {
        Self {
            control: SettleControl {
                raft: control.raft.clone(),
                store: control.store.clone(),
                users: control.users.clone(),
                issuer: control.issuer.clone(),
                tokens: control.tokens.clone(),
            },
            vault: vault.clone(),
            node_id: node_id.to_string(),
            endpoint_ips: endpoint.ips.iter().map(|ip| ip.to_string()).collect(),
            api_address: endpoint.api_address.clone(),
            cert_serial: cert.info.serial_hex.clone(),
            cert_der: cert.cert_der.to_vec(),
            cert_not_after: cert.info.not_after.unix_timestamp(),
            join_through,
        }
    }

    /// Whether the writes can run before serving (nobody else's vote is needed).
    pub fn can_run_now(&self) -> bool {
        self.control.raft.is_sole_voter()
    }

    /// One round of every write; each is idempotent, so a round can be repeated.
    pub async fn run_once(&self) -> Result<(), AgentError> {
        let c = &self.control;
        let now = OffsetDateTime::now_utc().unix_timestamp();
        c.raft.propose(Command::PruneRevokedTokens { now }).await?;
        c.raft
            .propose(Command::PruneAcmeOrders {
                before: now - crate::store::ORDER_RETENTION_SECS,
            })
            .await?;
        let (users, vault) = (c.users.clone(), self.vault.clone());
        let moved =
            blocking::run(move || users.adopt_from_vault(&vault).map_err(AgentError::from)).await?;
        if moved > 0 {
            tracing::info!(
                users = moved,
                "moved operator accounts from the vault into the store"
            );
        }
        if c.store.jwt_key(c.tokens.kid())?.is_none() {
            c.raft
                .propose(Command::AddJwtKey {
                    kid: c.tokens.kid().to_string(),
                    node_id: self.node_id.clone(),
                    public_key: hex::encode(c.tokens.public_key()),
                })
                .await?;
        }
        if c.store.cert(&self.cert_serial)?.is_none() {
            let (issuer, der, id) = (
                c.issuer.clone(),
                self.cert_der.clone(),
                self.node_id.clone(),
            );
            blocking::run(move || issuer.record_local(&der, &id).map_err(AgentError::from)).await?;
        }
        let previous = c.store.node(&self.node_id)?;
        let record = NodeRecord {
            node_id: self.node_id.clone(),
            role: NodeRole::Coordinator,
            state: NodeState::Alive,
            addresses: self.endpoint_ips.clone(),
            api_address: self.api_address.clone(),
            version: VERSION.to_string(),
            cert_serial: Some(self.cert_serial.clone()),
            cert_not_after: Some(self.cert_not_after),
            last_state_change: match previous {
                Some(p) if p.state == NodeState::Alive => p.last_state_change,
                _ => now,
            },
        };
        if c.store.node(&self.node_id)?.as_ref() != Some(&record) {
            c.raft.propose(Command::UpsertNode { node: record }).await?;
        }
        Ok(())
    }

    /// After serving: joins the group if needed, then repeats the writes until they commit.
    pub fn spawn(
        self,
        pki: Arc<crate::pki::NodePki>,
        mut shutdown: tokio::sync::watch::Receiver<bool>,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        let mut handles = Vec::new();
        if !self.control.raft.is_voter() {
            let me = Coordinator {
                node_id: self.node_id.clone(),
                api_address: self.api_address.clone(),
            };
            handles.push(spawn_join(
                self.control.raft.clone(),
                pki,
                self.join_through.clone(),
                me,
                shutdown.clone(),
            ));
        }
        handles.push(tokio::spawn(async move {
            let mut backoff = Backoff::new(Duration::from_secs(10));
            loop {
                match self.run_once().await {
                    Ok(()) => return,
                    Err(e) => {
                        tracing::warn!(error = %e, "coordinator start-up writes did not commit yet; retrying")
                    }
                }
                if !backoff.wait(&mut shutdown).await {
                    return;
                }
            }
        }));
        handles
    }
}
