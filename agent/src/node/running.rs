//! A started node: what tests and `p2pd dev` may ask of it, and its shutdown, which runs
//! the start-up order in reverse.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use p2p_shared::Role;
use p2p_shared::tls::Fingerprint;
use time::OffsetDateTime;
use tokio::sync::watch;
use zeroize::Zeroizing;

use super::{AgentError, StartupTimings, bootstrap};
use crate::api::AppState;
use crate::membership::{self, rotation::stored_keyring};
use crate::pki::renew::RenewError;
use crate::secrets::Vault;

/// A started node. Dropping it does not stop it: call [`RunningAgent::shutdown`].
pub struct RunningAgent {
    pub local_addr: SocketAddr,
    pub node_id: String,
    pub ca_fingerprint: Fingerprint,
    pub timings: StartupTimings,
    /// Set when this start created the cluster and generated the admin password.
    pub generated_admin_password: Option<Zeroizing<String>>,
    state: AppState,
    shutdown_tx: watch::Sender<bool>,
    server: tokio::task::JoinHandle<()>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    /// Held for the node's lifetime: the vault's lock file keeps a second writer out.
    vault: Arc<Mutex<Vault>>,
}

/// What `start` hands over.
pub(super) struct Parts {
    pub local_addr: SocketAddr,
    pub node_id: String,
    pub ca_fingerprint: Fingerprint,
    pub timings: StartupTimings,
    pub generated_admin_password: Option<Zeroizing<String>>,
    pub state: AppState,
    pub shutdown_tx: watch::Sender<bool>,
    pub server: tokio::task::JoinHandle<()>,
    pub tasks: Vec<tokio::task::JoinHandle<()>>,
    pub vault: Arc<Mutex<Vault>>,
}

impl std::fmt::Debug for RunningAgent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningAgent")
            .field("local_addr", &self.local_addr)
            .field("node_id", &self.node_id)
            .finish_non_exhaustive()
    }
}

impl RunningAgent {
    pub(super) fn new(p: Parts) -> Self {
        Self {
            local_addr: p.local_addr,
            node_id: p.node_id,
            ca_fingerprint: p.ca_fingerprint,
            timings: p.timings,
            generated_admin_password: p.generated_admin_password,
            state: p.state,
            shutdown_tx: p.shutdown_tx,
            server: p.server,
            tasks: p.tasks,
            vault: p.vault,
        }
    }

    pub(super) fn log_ready(&self) {
        tracing::info!(
            node_id = %self.node_id,
            role = %self.state.role,
            local_addr = %self.local_addr,
            ca_fingerprint = %self.ca_fingerprint,
            serial = %self.state.pki.current().info.serial_hex,
            startup_ms = self.timings.total.as_millis() as u64,
            kdf_ms = self.timings.kdf.as_millis() as u64,
            "p2pd ready"
        );
    }

    /// Mints an operator token directly (used by `p2pd dev` to hand `p2pctl` a ready context).
    pub fn issue_token(&self, user: &str, role: Role) -> Result<String, AgentError> {
        self.issue_token_at(user, role, OffsetDateTime::now_utc())
    }

    /// A token as if issued at `at` (it expires `token_ttl` after it).
    pub fn issue_token_at(
        &self,
        user: &str,
        role: Role,
        at: OffsetDateTime,
    ) -> Result<String, AgentError> {
        let control = self.state.control.as_ref().ok_or(AgentError::NotEnrolled)?;
        let generation = control.store.session_generation(user)?;
        control
            .tokens
            .issue(user, role, generation, at)
            .map(|(t, _)| t)
            .map_err(|e| AgentError::Bootstrap(e.into()))
    }

    /// Creates a join token directly (used by `p2pd dev` to enrol its workers).
    pub fn create_join_token(
        &self,
        ttl: Duration,
        node_id: Option<String>,
        uses: u32,
    ) -> Result<String, AgentError> {
        self.create_token(ttl, node_id, uses, false)
    }

    /// A join token for coordinators (`p2pctl token create --coordinator`).
    pub fn create_coordinator_token(&self, ttl: Duration, uses: u32) -> Result<String, AgentError> {
        self.create_token(ttl, None, uses, true)
    }

    fn create_token(
        &self,
        ttl: Duration,
        node_id: Option<String>,
        uses: u32,
        coordinator: bool,
    ) -> Result<String, AgentError> {
        let control = self.state.control.as_ref().ok_or(AgentError::NotEnrolled)?;
        let spec = crate::pki::issuer::TokenSpec {
            ttl,
            node_id,
            uses,
            coordinator,
        };
        let created = control.issuer.create_join_token(
            bootstrap::ADMIN_USER,
            spec,
            OffsetDateTime::now_utc(),
            None,
        )?;
        Ok(created.token)
    }

    /// This node's membership (view, metadata, transport counters).
    pub fn membership(&self) -> &Arc<membership::Membership> {
        &self.state.membership
    }

    /// The gossip keyring this node holds.
    pub fn gossip_keyring(&self) -> Option<p2p_shared::api::GossipKeyring> {
        stored_keyring(&self.vault).ok().flatten()
    }

    /// The node's current certificate serial (changes on renewal).
    pub fn cert_serial(&self) -> String {
        self.state.pki.current().info.serial_hex
    }

    /// The cluster CA certificate, PEM.
    pub fn ca_pem(&self) -> &str {
        &self.state.pki.ca_pem
    }

    /// The coordinators' Raft group as this coordinator sees it (`None` on a worker).
    pub fn coordinators(&self) -> Option<p2p_shared::api::CoordinatorList> {
        self.state.control.as_ref().map(|c| c.raft.coordinators())
    }

    /// This node's certificates, revocation list and kept peer clients.
    pub fn pki(&self) -> &Arc<crate::pki::NodePki> {
        &self.state.pki
    }

    /// Revoked serials this node currently enforces.
    pub fn revoked_count(&self) -> usize {
        self.state.pki.revoked.len()
    }

    /// Renews the node certificate now, as `p2pctl cert renew` would.
    pub async fn renew_now(&self) -> Result<p2p_shared::api::RenewResult, RenewError> {
        self.state.renewer.renew_now().await
    }

    /// Stops the background tasks and accepting, drains in-flight requests (bounded by
    /// `shutdown_timeout`), then releases the store and the vault.
    pub async fn shutdown(self) {
        if let Some(control) = &self.state.control {
            control.raft.stopping();
        }
        let _ = self.shutdown_tx.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
        if let Err(e) = self.server.await {
            tracing::error!(error = %e, "server task failed");
        }
        // Last: until now, requests in flight could still commit writes.
        if let Some(control) = &self.state.control {
            control.raft.shutdown().await;
        }
        tracing::info!(node_id = %self.node_id, "p2pd stopped");
    }
}
