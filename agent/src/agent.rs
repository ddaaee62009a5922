//! Starting and stopping a node. Start-up order (each step needs the one before):
//! state directory → vault (KDF) → identity (CA, node certificate) → store → TLS config →
//! listener → ready. Shutdown runs in reverse: stop accepting, drain requests until the
//! deadline, close the store, release the vault.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use p2p_shared::Role;
use p2p_shared::api::{NodeRole, NodeState};
use p2p_shared::tls::Fingerprint;
use time::OffsetDateTime;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;
use zeroize::Zeroizing;

use crate::api::server::{ServeOptions, serve};
use crate::api::{AppState, NodeContext, router};
use crate::auth::TokenKeys;
use crate::bootstrap::{self, BootstrapError};
use crate::config::{Config, ConfigError, local_hostname};
use crate::store::{Command, NodeRecord, Store, StoreError};
use crate::tls::{SwappableCert, TlsError, certified_key, server_config};
use crate::users::{UserError, Users};
use crate::vault::{KdfParams, Vault, VaultError};

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Bootstrap(#[from] BootstrapError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error(transparent)]
    Users(#[from] UserError),
    #[error("cannot create state directory {path}: {source}")]
    StateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(
        "this node has no identity yet and is not a coordinator: workers join a cluster through enrollment with a join token, which this build does not support yet"
    )]
    NotEnrolled,
    #[error("internal task failed: {0}")]
    Task(String),
}

/// Everything needed to start a node.
pub struct AgentOptions {
    pub config: Config,
    pub password: Zeroizing<String>,
    /// Argon2id cost for a vault created by this start.
    pub kdf: KdfParams,
    /// Admin password for a vault created by this start (generated if `None`).
    pub admin_password: Option<Zeroizing<String>>,
}

/// How long start-up took, split so the KDF (a deliberate cost) is visible on its own.
#[derive(Debug, Clone, Copy)]
pub struct StartupTimings {
    pub total: Duration,
    pub kdf: Duration,
}

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
    _vault: Arc<Mutex<Vault>>,
}

impl std::fmt::Debug for RunningAgent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningAgent")
            .field("local_addr", &self.local_addr)
            .field("node_id", &self.node_id)
            .finish_non_exhaustive()
    }
}

/// Addresses this node advertises: the configured one, else the bind address if specific,
/// else every interface address that is neither loopback nor link-local (loopback only if
/// nothing else exists).
pub fn advertised_ips(config: &Config) -> Vec<IpAddr> {
    if let Some(a) = config.advertise_address {
        return vec![a];
    }
    if !config.bind_address.is_unspecified() {
        return vec![config.bind_address];
    }
    let mut ips: Vec<IpAddr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.ip())
        .filter(|ip| !ip.is_loopback() && !is_link_local(ip))
        .collect();
    ips.sort();
    ips.dedup();
    if ips.is_empty() {
        ips.push(IpAddr::from([127, 0, 0, 1]));
    }
    ips
}

fn is_link_local(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_link_local(),
        IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) == 0xfe80,
    }
}

fn create_state_dir(path: &PathBuf) -> Result<(), AgentError> {
    use std::os::unix::fs::DirBuilderExt;
    let err = |source| AgentError::StateDir {
        path: path.clone(),
        source,
    };
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)
        .map_err(err)
}

/// Runs blocking work (KDF, disk) off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AgentError> + Send + 'static,
) -> Result<T, AgentError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AgentError::Task(e.to_string()))?
}

pub async fn start(opts: AgentOptions) -> Result<RunningAgent, AgentError> {
    let started = Instant::now();
    let config = opts.config;
    let node_id = config.node_name()?;
    let state_dir = config.state_directory.clone();
    create_state_dir(&state_dir)?;

    // Vault: open, or create a new cluster on a coordinator's first start.
    let vault_path = bootstrap::vault_path(&state_dir);
    let kdf_started = Instant::now();
    let (vault, generated_admin_password) = if vault_path.exists() {
        let password = opts.password.clone();
        let path = vault_path.clone();
        (
            blocking(move || Ok(Vault::open(&path, &password)?)).await?,
            None,
        )
    } else if config.coordinator_mode {
        let (password, admin, kdf) = (opts.password.clone(), opts.admin_password, opts.kdf);
        let path = vault_path.clone();
        let outcome =
            blocking(move || Ok(bootstrap::initialize(&path, &password, admin, kdf)?)).await?;
        tracing::info!(
            cluster_id = %outcome.cluster_id,
            ca_fingerprint = %outcome.fingerprint,
            "created a new cluster"
        );
        (outcome.vault, outcome.generated_admin_password)
    } else {
        return Err(AgentError::NotEnrolled);
    };
    let kdf = kdf_started.elapsed();
    if let Some(pw) = &generated_admin_password {
        let path = bootstrap::initial_password_path(&state_dir);
        p2p_shared::fsutil::write_atomic(&path, format!("{}\n", pw.as_str()).as_bytes(), 0o600)
            .map_err(|source| BootstrapError::Write {
                path: path.clone(),
                source,
            })?;
        tracing::warn!(
            path = %path.display(),
            "generated the password of user `admin`; it is in this file (read it, then delete it)"
        );
    }

    // Identity.
    let mut vault = vault;
    let ca = bootstrap::load_ca(&vault)?;
    let ips = advertised_ips(&config);
    let host = local_hostname();
    let hostname = bootstrap::is_dns_name(&host).then_some(host.as_str());
    let node_cert = bootstrap::ensure_coordinator_cert(
        &mut vault,
        &ca,
        &bootstrap::NodeSubject {
            node_id: &node_id,
            ips: &ips,
            hostname,
        },
        bootstrap::CertPolicy {
            validity: config.cert_validity,
            renew_before: config.renew_before,
        },
        OffsetDateTime::now_utc(),
    )?;
    if let Some(reason) = &node_cert.renewed {
        tracing::info!(serial = %node_cert.info.serial_hex, %reason, "issued a new node certificate");
    }
    let tokens = Arc::new(
        TokenKeys::from_pkcs8(
            bootstrap::jwt_key(&vault)?,
            ca.cluster_id(),
            config.token_ttl,
        )
        .map_err(BootstrapError::from)?,
    );
    let vault = Arc::new(Mutex::new(vault));
    let users = Users::new(vault.clone())?;

    // Store.
    let store_path = bootstrap::store_path(&state_dir);
    let store = Arc::new(blocking(move || Ok(Store::open(&store_path)?)).await?);
    let now = OffsetDateTime::now_utc().unix_timestamp();
    store.apply(&Command::PruneRevokedTokens { now })?;

    // Listener: only now that an identity exists.
    let certified = certified_key(
        node_cert.cert_der.clone(),
        ca.cert_der().clone(),
        &node_cert.key_pkcs8,
    )?;
    let resolver = Arc::new(SwappableCert::new(certified));
    let tls = server_config(ca.cert_der().clone(), resolver)?;
    let bind = SocketAddr::new(config.bind_address, config.port);
    let listener = TcpListener::bind(bind)
        .await
        .map_err(|source| AgentError::Bind { addr: bind, source })?;
    let local_addr = listener
        .local_addr()
        .map_err(|source| AgentError::Bind { addr: bind, source })?;

    let role = if config.coordinator_mode {
        NodeRole::Coordinator
    } else {
        NodeRole::Worker
    };
    let advertised_ip = ips.first().copied().unwrap_or(local_addr.ip());
    let previous = store.node(&node_id)?;
    let record = NodeRecord {
        node_id: node_id.clone(),
        role,
        state: NodeState::Alive,
        addresses: ips.iter().map(|ip| ip.to_string()).collect(),
        api_address: SocketAddr::new(advertised_ip, local_addr.port()).to_string(),
        version: VERSION.to_string(),
        cert_serial: Some(node_cert.info.serial_hex.clone()),
        cert_not_after: Some(node_cert.info.not_after.unix_timestamp()),
        last_state_change: match previous {
            Some(p) if p.state == NodeState::Alive => p.last_state_change,
            _ => now,
        },
    };
    store.apply(&Command::UpsertNode { node: record })?;

    let state = AppState::new(NodeContext {
        node_id: node_id.clone(),
        role,
        version: VERSION.to_string(),
        store,
        users,
        tokens,
    });
    let app = router(state.clone(), config.max_request_body_bytes);
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let serve_opts = ServeOptions {
        max_connections: config.max_connections,
        drain_timeout: config.shutdown_timeout,
    };
    let server = tokio::spawn(serve(
        listener,
        TlsAcceptor::from(tls),
        app,
        serve_opts,
        shutdown_rx,
    ));
    let timings = StartupTimings {
        total: started.elapsed(),
        kdf,
    };
    tracing::info!(
        node_id = %node_id,
        %local_addr,
        ca_fingerprint = %ca.fingerprint(),
        startup_ms = timings.total.as_millis() as u64,
        kdf_ms = timings.kdf.as_millis() as u64,
        "p2pd ready"
    );
    Ok(RunningAgent {
        local_addr,
        node_id,
        ca_fingerprint: ca.fingerprint(),
        timings,
        generated_admin_password,
        state,
        shutdown_tx,
        server,
        _vault: vault,
    })
}

impl RunningAgent {
    /// Mints an operator token directly (used by `p2pd dev` to hand `p2pctl` a ready context).
    pub fn issue_token(&self, user: &str, role: Role) -> Result<String, AgentError> {
        self.state
            .tokens
            .issue(user, role, OffsetDateTime::now_utc())
            .map(|(t, _)| t)
            .map_err(|e| AgentError::Bootstrap(e.into()))
    }

    /// Stops accepting, drains in-flight requests (bounded by `shutdown_timeout`), then
    /// releases the store and the vault.
    pub async fn shutdown(self) {
        let _ = self.shutdown_tx.send(true);
        if let Err(e) = self.server.await {
            tracing::error!(error = %e, "server task failed");
        }
        tracing::info!(node_id = %self.node_id, "p2pd stopped");
    }
}
