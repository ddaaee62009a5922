//! Starting and stopping a node. Start-up order (each step needs the one before):
//! state directory → vault (KDF) → listener bound (not serving) → identity (coordinator: CA
//! and own certificate; worker: enrolment with the join token if it has no certificate) →
//! store → membership → TLS config → background tasks (renewal, revocation following,
//! gossip, the service supervisor: it kills strays of a crashed previous run before starting
//! any service) → serving → ready.
//! Shutdown runs in reverse: stop the tasks (services get their stop signal, deadline, then
//! SIGKILL), stop accepting, drain requests until the deadline, close the store, release
//! the vault.

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

use p2p_shared::api::CoordinatorInfo;
use p2p_shared::jointoken::JoinToken;

use crate::api::server::{ServeOptions, serve};
use crate::api::{AppState, ControlPlane, NodeContext, router};
use crate::auth::TokenKeys;
use crate::bootstrap::{self, BootstrapError};
use crate::config::{Config, ConfigError, local_hostname};
use crate::logs::capture::CaptureSlot;
use crate::logs::{LogOptions, Logs};
use crate::membership::rotation::{self, stored_keyring};
use crate::membership::{self, Keys, MembershipOptions, Running};
use crate::pki::enroll::{Claim, Credential, Target, backoff_delay, obtain};
use crate::pki::issuer::{IssueError, Issuer};
use crate::pki::renew::{RenewContext, Source, persist};
use crate::pki::revocations::{refresh_from_store, spawn_follower};
use crate::pki::{NodePki, PkiError, renew};
use crate::services::process::marker_for;
use crate::services::supervisor::SupervisorError;
use crate::services::{LogSink, SupervisorOptions};
use crate::store::{Command, NodeRecord, Store, StoreError};
use crate::tls::{TlsError, server_config};
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
        "this worker is not enrolled yet: start it with a join token from `p2pctl token create` (--join-token-file FILE, P2PD_JOIN_TOKEN, or join_token_file in the config)"
    )]
    NotEnrolled,
    #[error(
        "this worker's certificate expired at {0}; it cannot renew with it. Start it with a new join token from `p2pctl token create --node-id {1}`"
    )]
    CertificateExpired(OffsetDateTime, String),
    #[error("enrolment failed: {0}")]
    Enroll(String),
    #[error(transparent)]
    Pki(#[from] PkiError),
    #[error(transparent)]
    Issue(#[from] IssueError),
    #[error(transparent)]
    Services(#[from] SupervisorError),
    #[error("cannot open the log database: {0}")]
    Logs(#[from] crate::logs::LogStoreError),
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

/// How long a first start keeps trying to reach a coordinator before it gives up.
const JOIN_DEADLINE: Duration = Duration::from_secs(120);

/// The node's host name if it can be a DNS SAN.
fn dns_hostname() -> Option<String> {
    let host = local_hostname();
    bootstrap::is_dns_name(&host).then_some(host)
}

/// A worker's first certificate: the join token, every configured coordinator in turn,
/// retried with backoff while the failure is transient.
async fn enrol(
    config: &Config,
    node_id: &str,
    api_port: u16,
    token: &JoinToken,
) -> Result<crate::pki::enroll::Obtained, AgentError> {
    let claim = Claim {
        node_id: node_id.to_string(),
        ips: advertised_ips(config),
        hostname: dns_hostname(),
        api_port,
        challenge_port: config.challenge_port,
    };
    let deadline = Instant::now() + JOIN_DEADLINE;
    let mut attempt = 0u32;
    loop {
        let mut last = String::new();
        for address in &config.coordinator_addresses {
            let target = Target {
                address: address.clone(),
                node_id: None,
            };
            tracing::info!(coordinator = %address, token_id = %token.token_id, "requesting a certificate with the join token");
            match obtain(
                &target,
                &claim,
                &Credential::Token(token),
                Duration::from_secs(15),
            )
            .await
            {
                Ok(got) => return Ok(got),
                Err(e) if e.is_transient() => last = format!("{address}: {e}"),
                Err(e) => return Err(AgentError::Enroll(format!("{address}: {e}"))),
            }
        }
        let delay = backoff_delay(attempt, rand::random::<f64>(), Duration::from_secs(30));
        if Instant::now() + delay > deadline {
            return Err(AgentError::Enroll(last));
        }
        tracing::warn!(error = %last, retry_in = ?delay, "enrolment failed; retrying");
        attempt = attempt.saturating_add(1);
        tokio::time::sleep(delay).await;
    }
}

/// What a worker's vault holds about its identity.
struct WorkerMaterial {
    cluster_id: String,
    ca_pem: String,
    cert_pem: String,
    key: Zeroizing<Vec<u8>>,
    coordinators: Vec<CoordinatorInfo>,
}

fn worker_material(vault: &Vault) -> Option<WorkerMaterial> {
    let text = |name| {
        vault
            .get(name)
            .and_then(|b| std::str::from_utf8(b).ok())
            .map(str::to_string)
    };
    Some(WorkerMaterial {
        cluster_id: text(bootstrap::ENTRY_CLUSTER_ID)?,
        ca_pem: text(bootstrap::ENTRY_CA_CERT)?,
        cert_pem: text(bootstrap::ENTRY_NODE_CERT)?,
        key: Zeroizing::new(vault.get(bootstrap::ENTRY_NODE_KEY)?.to_vec()),
        coordinators: vault
            .get(bootstrap::ENTRY_COORDINATORS)
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or_default(),
    })
}

/// Loads a worker's identity, enrolling first when it has none (or only an expired one and
/// a token to replace it).
async fn worker_identity(
    config: &Config,
    node_id: &str,
    vault: &Arc<Mutex<Vault>>,
    api_port: u16,
    token: Option<&JoinToken>,
) -> Result<NodePki, AgentError> {
    let existing = worker_material(&vault.lock().unwrap_or_else(|p| p.into_inner()));
    if let Some(m) = existing {
        let cert_der = crate::ca::pem_to_der(&m.cert_pem)
            .ok_or_else(|| PkiError::BadMaterial("stored node certificate".into()))?;
        let ca_der = crate::ca::pem_to_der(&m.ca_pem)
            .ok_or_else(|| PkiError::BadMaterial("stored CA certificate".into()))?;
        let pki = NodePki::new(
            m.cluster_id,
            node_id.to_string(),
            m.ca_pem,
            ca_der,
            cert_der,
            &m.key,
            m.coordinators,
        )?;
        let not_after = pki.current().info.not_after;
        if not_after > OffsetDateTime::now_utc() {
            return Ok(pki);
        }
        if token.is_none() {
            return Err(AgentError::CertificateExpired(
                not_after,
                node_id.to_string(),
            ));
        }
        tracing::warn!(%not_after, "the node certificate has expired; enrolling again with the join token");
    }
    let token = token.ok_or(AgentError::NotEnrolled)?;
    let got = enrol(config, node_id, api_port, token).await?;
    let v = vault.clone();
    let saved = got.clone();
    blocking(move || persist(&v, &saved).map_err(AgentError::Enroll)).await?;
    for r in &got.rejected {
        tracing::warn!(address = %r.address, reason = %r.reason, "address left out of the certificate: the coordinator could not reach it");
    }
    tracing::info!(serial = %got.info.serial_hex, not_after = %got.info.not_after, "Certificate successfully updated from coordinator");
    Ok(NodePki::new(
        got.cluster_id,
        node_id.to_string(),
        got.ca_pem,
        got.ca_der,
        got.cert_der,
        &got.key_pkcs8,
        got.coordinators,
    )?)
}

pub async fn start(opts: AgentOptions) -> Result<RunningAgent, AgentError> {
    let started = Instant::now();
    let config = opts.config;
    let node_id = config.node_name()?;
    let state_dir = config.state_directory.clone();
    create_state_dir(&state_dir)?;
    let coordinator = config.coordinator_mode;

    // Vault: open; or create a new cluster on a coordinator's first start; or an empty vault
    // for a worker about to enrol.
    let vault_path = bootstrap::vault_path(&state_dir);
    let kdf_started = Instant::now();
    let (vault, generated_admin_password) = if vault_path.exists() {
        let password = opts.password.clone();
        let path = vault_path.clone();
        (
            blocking(move || Ok(Vault::open(&path, &password)?)).await?,
            None,
        )
    } else if coordinator {
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
        if opts.join_token.is_none() {
            return Err(AgentError::NotEnrolled);
        }
        let (password, kdf) = (opts.password.clone(), opts.kdf);
        let path = vault_path.clone();
        (
            blocking(move || Ok(Vault::create(&path, &password, kdf)?)).await?,
            None,
        )
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

    // Bind before enrolling so the port is ours; serve only once there is an identity.
    let bind = SocketAddr::new(config.bind_address, config.port);
    let listener = TcpListener::bind(bind)
        .await
        .map_err(|source| AgentError::Bind { addr: bind, source })?;
    let local_addr = listener
        .local_addr()
        .map_err(|source| AgentError::Bind { addr: bind, source })?;
    // Gossip shares the port number, over UDP.
    let gossip_bind = SocketAddr::new(config.bind_address, local_addr.port());
    let gossip_socket = tokio::net::UdpSocket::bind(gossip_bind)
        .await
        .map_err(|source| AgentError::Bind {
            addr: gossip_bind,
            source,
        })?;
    let ips = advertised_ips(&config);
    let advertised_ip = ips.first().copied().unwrap_or(local_addr.ip());
    let api_address = SocketAddr::new(advertised_ip, local_addr.port()).to_string();

    let vault = Arc::new(Mutex::new(vault));
    let (pki, control, source) = if coordinator {
        let (pki, control) =
            coordinator_identity(&config, &node_id, &vault, &ips, &api_address).await?;
        let source = Source::Local(control.issuer.clone());
        (pki, Some(control), source)
    } else {
        let pki = worker_identity(
            &config,
            &node_id,
            &vault,
            local_addr.port(),
            opts.join_token.as_ref(),
        )
        .await?;
        let source = Source::Remote {
            configured: config.coordinator_addresses.clone(),
        };
        (pki, None, source)
    };
    let pki = Arc::new(pki);
    let ca_fingerprint = Fingerprint::of(&pki.ca_der);

    let store = match &control {
        Some(c) => c.store.clone(),
        None => {
            let path = bootstrap::store_path(&config.state_directory);
            Arc::new(blocking(move || Ok(Store::open(&path)?)).await?)
        }
    };
    let keyring = match &control {
        Some(c) => Some(c.gossip_keys.borrow().clone()),
        None => stored_keyring(&vault),
    };
    let keys = match keyring.as_ref().map(Keys::from_api) {
        Some(Ok(k)) => k,
        Some(Err(e)) => {
            tracing::warn!(error = %e, "the stored gossip keyring is unusable; waiting for a new one");
            Keys::none()
        }
        None => Keys::none(),
    };
    let membership_opts = MembershipOptions {
        node_id: node_id.clone(),
        addrs: ips
            .iter()
            .map(|ip| SocketAddr::new(*ip, local_addr.port()))
            .collect(),
        seeds: config.coordinator_addresses.clone(),
        role: if coordinator {
            NodeRole::Coordinator
        } else {
            NodeRole::Worker
        },
        version: VERSION.to_string(),
        sync_interval_min: config.gossip_interval_min,
        sync_interval_max: config.gossip_interval_max,
        compression_threshold: config.gossip_compression_threshold,
        keys,
    };
    let (membership, peers) = membership::build(&membership_opts, &store)?;

    let role = if coordinator {
        NodeRole::Coordinator
    } else {
        NodeRole::Worker
    };
    let tls = server_config(pki.ca_der.clone(), pki.cell.clone(), pki.revoked.clone())?;
    let (shutdown_tx, shutdown_rx) = watch::channel(false);

    let mut tasks = Vec::new();
    let advertise_config = config.clone();
    let (renewer, renew_task) = renew::spawn(
        RenewContext {
            pki: pki.clone(),
            vault: vault.clone(),
            source,
            addresses: Box::new(move || advertised_ips(&advertise_config)),
            hostname: dns_hostname(),
            api_port: local_addr.port(),
            challenge_port: config.challenge_port,
            validity: config.cert_validity,
            renew_before: config.renew_before,
            check_interval: config.cert_check_interval,
        },
        shutdown_rx.clone(),
    );
    tasks.push(renew_task);
    if !coordinator {
        tasks.push(spawn_follower(
            pki.clone(),
            config.coordinator_addresses.clone(),
            shutdown_rx.clone(),
        ));
        tasks.push(rotation::spawn_follower(
            pki.clone(),
            config.coordinator_addresses.clone(),
            vault.clone(),
            membership.clone(),
            shutdown_rx.clone(),
        ));
    }
    tasks.push(membership::spawn(
        membership.clone(),
        gossip_socket,
        Running {
            pki: pki.clone(),
            store: store.clone(),
            seeds: config.coordinator_addresses.clone(),
            peers,
            own_api: api_address.clone(),
        },
        shutdown_rx.clone(),
    ));

    let log_path = state_dir.join("logs.db");
    let log_opts = LogOptions {
        node_id: node_id.clone(),
        retention: config.log_retention,
        max_entries: config.max_log_entries,
    };
    let logs = blocking(move || Ok(Logs::start(&log_path, log_opts)?)).await?;
    opts.log_capture.connect(logs.clone());
    if !coordinator {
        let targets = crate::pki::renew::targets(&config.coordinator_addresses, &pki);
        tasks.extend(crate::logs::shipper::spawn(
            logs.clone(),
            pki.clone(),
            targets,
            shutdown_rx.clone(),
        ));
    }

    let (services, services_task) = crate::services::spawn(
        SupervisorOptions {
            directory: config.services_directory.clone(),
            reload_interval: config.services_reload_interval,
            node_id: node_id.clone(),
            marker: marker_for(&state_dir),
            store: store.clone(),
            membership: membership.clone(),
            sink: LogSink::new(logs.clone()),
        },
        shutdown_rx.clone(),
    )?;
    tasks.push(services_task);

    let state = AppState::new(NodeContext {
        node_id: node_id.clone(),
        role,
        version: VERSION.to_string(),
        pki: pki.clone(),
        renewer,
        membership: membership.clone(),
        services,
        logs,
        shutdown: shutdown_rx.clone(),
        control,
    });
    let app = router(state.clone(), config.max_request_body_bytes);
    let serve_opts = ServeOptions {
        max_connections: config.max_connections,
        drain_timeout: config.shutdown_timeout,
        revoked: pki.revoked.clone(),
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
        role = %role,
        %local_addr,
        ca_fingerprint = %ca_fingerprint,
        serial = %pki.current().info.serial_hex,
        startup_ms = timings.total.as_millis() as u64,
        kdf_ms = timings.kdf.as_millis() as u64,
        "p2pd ready"
    );
    Ok(RunningAgent {
        local_addr,
        node_id,
        ca_fingerprint,
        timings,
        generated_admin_password,
        state,
        shutdown_tx,
        server,
        tasks,
        _vault: vault,
    })
}

/// A coordinator's CA, own certificate, store and signing desk.
async fn coordinator_identity(
    config: &Config,
    node_id: &str,
    vault: &Arc<Mutex<Vault>>,
    ips: &[IpAddr],
    api_address: &str,
) -> Result<(NodePki, ControlPlane), AgentError> {
    let (ca, node_cert, tokens) = {
        let mut v = vault.lock().unwrap_or_else(|p| p.into_inner());
        let ca = bootstrap::load_ca(&v)?;
        let hostname = dns_hostname();
        let node_cert = bootstrap::ensure_coordinator_cert(
            &mut v,
            &ca,
            &bootstrap::NodeSubject {
                node_id,
                ips,
                hostname: hostname.as_deref(),
            },
            bootstrap::CertPolicy {
                validity: config.cert_validity,
                renew_before: config.renew_before,
            },
            OffsetDateTime::now_utc(),
        )?;
        let tokens =
            TokenKeys::from_pkcs8(bootstrap::jwt_key(&v)?, ca.cluster_id(), config.token_ttl)
                .map_err(BootstrapError::from)?;
        (ca, node_cert, Arc::new(tokens))
    };
    if let Some(reason) = &node_cert.renewed {
        tracing::info!(serial = %node_cert.info.serial_hex, %reason, "issued a new node certificate");
    }
    let users = Users::new(vault.clone())?;
    let store_path = bootstrap::store_path(&config.state_directory);
    let store = Arc::new(blocking(move || Ok(Store::open(&store_path)?)).await?);
    let now = OffsetDateTime::now_utc().unix_timestamp();
    store.apply(&Command::PruneRevokedTokens { now })?;

    let self_info = CoordinatorInfo {
        node_id: node_id.to_string(),
        api_address: api_address.to_string(),
    };
    let pki = NodePki::new(
        ca.cluster_id().to_string(),
        node_id.to_string(),
        ca.cert_pem().to_string(),
        ca.cert_der().clone(),
        node_cert.cert_der.clone(),
        &node_cert.key_pkcs8,
        vec![self_info.clone()],
    )?;
    let keyring = blocking({
        let vault = vault.clone();
        move || rotation::ensure_keyring(&vault).map_err(|e| AgentError::Task(e.to_string()))
    })
    .await?;
    let (gossip_keys, keys_rx) = watch::channel(keyring);
    let issuer = Arc::new(Issuer::new(
        ca,
        store.clone(),
        config.challenge_port,
        config.cert_validity,
        vec![self_info],
        keys_rx,
    )?);
    if store.cert(&node_cert.info.serial_hex)?.is_none() {
        issuer.record_local(&node_cert.cert_der, node_id)?;
    }
    refresh_from_store(&store, &pki.revoked)?;

    let previous = store.node(node_id)?;
    let record = NodeRecord {
        node_id: node_id.to_string(),
        role: NodeRole::Coordinator,
        state: NodeState::Alive,
        addresses: ips.iter().map(|ip| ip.to_string()).collect(),
        api_address: api_address.to_string(),
        version: VERSION.to_string(),
        cert_serial: Some(node_cert.info.serial_hex.clone()),
        cert_not_after: Some(node_cert.info.not_after.unix_timestamp()),
        last_state_change: match previous {
            Some(p) if p.state == NodeState::Alive => p.last_state_change,
            _ => now,
        },
    };
    store.apply(&Command::UpsertNode { node: record })?;
    Ok((
        pki,
        ControlPlane {
            store,
            users,
            tokens,
            issuer,
            vault: vault.clone(),
            gossip_keys,
            rotation: tokio::sync::Mutex::new(()),
        },
    ))
}

impl RunningAgent {
    /// Mints an operator token directly (used by `p2pd dev` to hand `p2pctl` a ready context).
    pub fn issue_token(&self, user: &str, role: Role) -> Result<String, AgentError> {
        let control = self.state.control.as_ref().ok_or(AgentError::NotEnrolled)?;
        control
            .tokens
            .issue(user, role, OffsetDateTime::now_utc())
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
        let control = self.state.control.as_ref().ok_or(AgentError::NotEnrolled)?;
        let created = control.issuer.create_join_token(
            bootstrap::ADMIN_USER,
            ttl,
            node_id,
            uses,
            OffsetDateTime::now_utc(),
        )?;
        Ok(created.token)
    }

    /// This node's membership (view, metadata, transport counters).
    pub fn membership(&self) -> &Arc<membership::Membership> {
        &self.state.membership
    }

    /// The gossip keyring this node holds.
    pub fn gossip_keyring(&self) -> Option<p2p_shared::api::GossipKeyring> {
        stored_keyring(&self._vault)
    }

    /// The node's current certificate serial (changes on renewal).
    pub fn cert_serial(&self) -> String {
        self.state.pki.current().info.serial_hex
    }

    /// The cluster CA certificate, PEM.
    pub fn ca_pem(&self) -> &str {
        &self.state.pki.ca_pem
    }

    /// Revoked serials this node currently enforces.
    pub fn revoked_count(&self) -> usize {
        self.state.pki.revoked.len()
    }

    /// Renews the node certificate now, as `p2pctl cert renew` would.
    pub async fn renew_now(&self) -> Result<p2p_shared::api::RenewResult, String> {
        self.state.renewer.renew_now().await
    }

    /// Stops the background tasks and accepting, drains in-flight requests (bounded by
    /// `shutdown_timeout`), then releases the store and the vault.
    pub async fn shutdown(self) {
        let _ = self.shutdown_tx.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
        if let Err(e) = self.server.await {
            tracing::error!(error = %e, "server task failed");
        }
        tracing::info!(node_id = %self.node_id, "p2pd stopped");
    }
}
