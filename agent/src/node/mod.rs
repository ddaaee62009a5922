//! The composition root: starting and stopping a node. [`start`] runs the numbered steps
//! of ARCHITECTURE.md's start-up order, one call per step (each needs the one before);
//! [`RunningAgent::shutdown`] runs them in reverse. Nothing else in the agent builds
//! subsystems or wires them together.

pub mod addresses;
pub mod bootstrap;
pub mod dev;
mod dev_agent;
mod discover;
mod error;
mod identity;
mod open;
mod running;
mod settle;
mod tasks;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use p2p_shared::jointoken::JoinToken;
use zeroize::Zeroizing;

use crate::config::Config;
use crate::logs::capture::CaptureSlot;
use crate::pki::server_tls::server_config;
use crate::secrets::{KdfParams, Vault};
use crate::store::LocalStore;

pub use error::AgentError;
pub use running::RunningAgent;

/// Everything needed to start a node.
pub struct AgentOptions {
    pub config: Config,
    pub password: Zeroizing<String>,
    /// Argon2id cost for a vault created by this start.
    pub kdf: KdfParams,
    /// Admin password for a vault created by this start (generated if `None`).
    pub admin_password: Option<Zeroizing<String>>,
    /// Join token for a worker that has no certificate yet.
    pub join_token: Option<JoinToken>,
    /// Where the process's tracing layer sends the agent's own events; connected to this
    /// agent's log pipeline once it runs. `CaptureSlot::default()` captures nothing.
    pub log_capture: CaptureSlot,
}

/// How long start-up took, split so the KDF (a deliberate cost) is visible on its own.
#[derive(Debug, Clone, Copy)]
pub struct StartupTimings {
    pub total: Duration,
    pub kdf: Duration,
}

/// What every start-up step after the vault needs.
pub(crate) struct Basics {
    pub config: Config,
    pub node_id: String,
    pub vault: Arc<Mutex<Vault>>,
    /// The node-local tables (`local.db`); coordinators' replicated store is in `ControlPlane`.
    pub local: Arc<LocalStore>,
    pub endpoint: addresses::Endpoint,
}

pub async fn start(opts: AgentOptions) -> Result<RunningAgent, AgentError> {
    let started = Instant::now();
    // 1. The configuration (parsed and merged with the flags by the caller).
    let config = opts.config;
    let node_id = config.node_name()?;
    // 2. State directory; 3. vault.
    open::state_directory(&config.state_directory)?;
    let has_token = opts.join_token.is_some();
    let opened = open::vault(
        &config,
        &opts.password,
        opts.kdf,
        opts.admin_password,
        has_token,
    );
    let opened = opened.await?;
    // 4. Listener and gossip socket, bound but not serving.
    let sockets = addresses::Sockets::bind(&config.http).await?;
    let endpoint = addresses::Endpoint::new(&config.http, sockets.listener.local_addr);
    // 5. Node-local store, and identity (a coordinator's control plane and its store, or
    // a worker's enrolment).
    let local = open::local_store(&config.state_directory).await?;
    let vault = Arc::new(Mutex::new(opened.vault));
    let basics = Basics {
        config,
        node_id,
        vault,
        local,
        endpoint,
    };
    let identity = identity::establish(&basics, opts.join_token.as_ref()).await?;
    // 6. TLS configuration.
    let pki = identity.pki.clone();
    let tls = server_config(pki.ca_der.clone(), pki.cell.clone(), pki.revoked.clone())?;
    let mut tasks = tasks::Tasks::new();
    // 7. Membership.
    let membership = tasks.membership(&basics, &identity, sockets.gossip)?;
    // 8. Renewal, and on workers the revocation and keyring followers.
    let renewer = tasks.certificates(&basics, &identity, &membership)?;
    // 9. Logs, then the service supervisor.
    let logs = tasks.logs(&basics, &pki, opts.log_capture).await?;
    let services = tasks.services(&basics, &membership, &logs)?;
    let shared = tasks.shared_cache(&basics, &identity)?;
    // 10. Serve, and report ready.
    let subsystems = tasks::Subsystems {
        renewer,
        membership,
        services,
        logs,
        shared,
    };
    let timings = StartupTimings {
        total: started.elapsed(),
        kdf: opened.kdf,
    };
    let serving = tasks::Serving {
        listener: sockets.listener,
        tls,
        timings,
    };
    let agent = tasks.serve(
        basics,
        identity,
        subsystems,
        serving,
        opened.generated_admin_password,
    );
    agent.log_ready();
    Ok(agent)
}
