//! `p2pd dev`: a working local cluster in one command. Three coordinators on 127.0.0.1-3
//! that replicate the control plane with Raft (the second and third join with a
//! coordinator token), and two workers on 127.0.0.4 and 127.0.0.5; all enrol through the
//! real flow (join token, pinned TLS, address challenge, CSR). They are named c1-c3 and
//! w1-w2. A temporary state directory (or one kept with --dev-state-dir, which starts
//! again where it stopped), and a ready `p2pctl` context named `dev`.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use p2p_shared::jointoken::JoinToken;

use p2p_shared::Role;
use p2p_shared::contexts::{Context, ContextError, CtlConfig};

use crate::config::{Config, NodeName};
use crate::node::bootstrap::ADMIN_USER;
use crate::node::{AgentError, AgentOptions, RunningAgent, start};
use crate::secrets::random_hex;
use crate::secrets::vault::KdfParams;

pub const CONTEXT_NAME: &str = "dev";

#[derive(Debug, thiserror::Error)]
pub enum DevError {
    #[error(transparent)]
    Agent(#[from] AgentError),
    #[error(transparent)]
    Context(#[from] ContextError),
    #[error("cannot create a temporary state directory: {0}")]
    TempDir(std::io::Error),
    #[error("join token: {0}")]
    Token(#[from] p2p_shared::jointoken::JoinTokenError),
    #[error("the dev coordinators did not form a Raft group within {0:?}")]
    NoGroup(Duration),
    #[error("cannot keep the dev cluster's password in {0}: {1}")]
    Secret(PathBuf, std::io::Error),
    #[error("cannot start a dev agent's runtime: {0}")]
    Runtime(std::io::Error),
}

/// Where a dev cluster keeps its vault and admin passwords (mode 0600, beside the nodes).
const VAULT_PASSWORD_FILE: &str = "vault-password";
const ADMIN_PASSWORD_FILE: &str = "admin-password";

/// The secret in `dir/name`, or a new random one of `bytes` bytes saved there.
fn kept_secret(
    dir: &std::path::Path,
    name: &str,
    bytes: usize,
) -> Result<zeroize::Zeroizing<String>, DevError> {
    let path = dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(s) if !s.trim().is_empty() => return Ok(zeroize::Zeroizing::new(s.trim().to_string())),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(DevError::Secret(path, e)),
    }
    std::fs::create_dir_all(dir).map_err(|e| DevError::Secret(dir.to_path_buf(), e))?;
    let secret = random_hex(bytes);
    p2p_shared::fsutil::write_atomic(&path, secret.as_bytes(), 0o600)
        .map_err(|e| DevError::Secret(path, e))?;
    Ok(secret)
}

/// Coordinators and workers `p2pd dev` starts.
pub const DEV_COORDINATORS: usize = 3;
pub const DEV_WORKERS: usize = 2;
/// How long the dev cluster waits for its coordinators to form the Raft group.
const FORM_GROUP: Duration = Duration::from_secs(30);

/// A running dev cluster; its temporary state goes when this is dropped.
pub struct DevCluster {
    /// The first founded the cluster; the context points at it.
    pub coordinators: Vec<RunningAgent>,
    pub workers: Vec<RunningAgent>,
    pub state_dir: PathBuf,
    pub ctl_config: PathBuf,
    pub admin_password: zeroize::Zeroizing<String>,
    /// The services directory every node supervises, if one was given.
    pub services_dir: Option<PathBuf>,
    /// Each agent's runtime (see `dev_agent.rs`), kept until the agents have stopped.
    runtimes: super::dev_agent::Runtimes,
    _temp: Option<tempfile::TempDir>,
}

/// Starts the dev cluster; with `services_dir`, every node supervises the manifests there.
pub async fn start_dev(
    port: u16,
    state_dir: Option<PathBuf>,
    ctl_config: PathBuf,
    services_dir: Option<PathBuf>,
    terminal_level: &str,
) -> Result<DevCluster, DevError> {
    let mut runtimes = super::dev_agent::Runtimes::default();
    // Each agent on a runtime of its own, with its own tracing (see `dev_agent.rs`).
    let mut start = async |mut opts: AgentOptions| -> Result<RunningAgent, DevError> {
        let name = opts
            .config
            .node_id
            .as_ref()
            .map(|n| n.as_str().to_string())
            .unwrap_or_default();
        let (runtime, capture) =
            super::dev_agent::runtime(&name, terminal_level).map_err(DevError::Runtime)?;
        opts.log_capture = capture;
        let started = runtime.spawn(start(opts));
        runtimes.0.push(runtime);
        Ok(started
            .await
            .map_err(|e| DevError::Runtime(std::io::Error::other(e)))??)
    };
    let services_dir = services_dir.map(|d| std::path::absolute(&d).unwrap_or(d));
    let (state_dir, temp) = match state_dir {
        Some(d) => (d, None),
        None => {
            let t = tempfile::Builder::new()
                .prefix("p2pd-dev-")
                .tempdir()
                .map_err(DevError::TempDir)?;
            (t.path().to_path_buf(), Some(t))
        }
    };
    // Kept with the state, so a cluster kept with --dev-state-dir starts again (its vaults
    // open with the same password, and the summary shows the admin password that works).
    let restarting = state_dir.join("c1").exists();
    let vault_password = kept_secret(&state_dir, VAULT_PASSWORD_FILE, 16)?;
    let admin_password = kept_secret(&state_dir, ADMIN_PASSWORD_FILE, 12)?;
    // A local cluster runs its services as the developer who started it.
    let dev_user = crate::services::launch::agent_user().ok().map(|u| u.name);
    let node = |name: &str, host: u8, coordinator: bool| {
        let mut config = Config {
            node_id: NodeName::parse(name).ok(),
            coordinator_mode: coordinator,
            state_directory: state_dir.join(name),
            ..Config::default()
        };
        config.http.port = port;
        config.http.bind_address = IpAddr::from([127, 0, 0, host]);
        config.services.directory = services_dir.clone();
        config.services.default_user = dev_user.clone();
        config
    };
    let options = |config: Config, join: Option<&str>| -> Result<AgentOptions, DevError> {
        Ok(AgentOptions {
            config,
            password: vault_password.clone(),
            kdf: KdfParams::DEFAULT,
            admin_password: None,
            join_token: join.map(JoinToken::parse).transpose()?,
            log_capture: Default::default(),
        })
    };
    let mut first = options(node("c1", 1, true), None)?;
    first.admin_password = Some(admin_password.clone());
    let founder = start(first).await?;
    let coordinator_addresses: Vec<String> = (1..=DEV_COORDINATORS)
        .map(|i| format!("127.0.0.{i}:{}", founder.local_addr.port()))
        .collect();
    // A restart needs no tokens (every node has its identity), and could not make one: the
    // founder alone has no quorum until the others are back.
    let join =
        match restarting {
            true => None,
            false => Some(founder.create_coordinator_token(
                Duration::from_secs(600),
                (DEV_COORDINATORS - 1) as u32,
            )?),
        };
    let mut coordinators = vec![founder];
    for i in 2..=DEV_COORDINATORS {
        let mut config = node(&format!("c{i}"), i as u8, true);
        config.coordinator_addresses = coordinator_addresses[..1].to_vec();
        coordinators.push(start(options(config, join.as_deref())?).await?);
    }
    let voters = || {
        coordinators[0]
            .coordinators()
            .map_or(0, |l| l.coordinators.iter().filter(|c| c.voter).count())
    };
    let deadline = tokio::time::Instant::now() + FORM_GROUP;
    while voters() < DEV_COORDINATORS {
        if tokio::time::Instant::now() > deadline {
            return Err(DevError::NoGroup(FORM_GROUP));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let coordinator = &coordinators[0];
    let join = match restarting {
        true => None,
        false => Some(coordinator.create_join_token(
            Duration::from_secs(600),
            None,
            DEV_WORKERS as u32,
        )?),
    };
    let mut workers = Vec::with_capacity(DEV_WORKERS);
    for i in 0..DEV_WORKERS {
        let host = (DEV_COORDINATORS + 1 + i) as u8;
        let mut config = node(&format!("w{}", i + 1), host, false);
        config.coordinator_addresses = coordinator_addresses.clone();
        workers.push(start(options(config, join.as_deref())?).await?);
    }
    let token = coordinator.issue_token(ADMIN_USER, Role::Admin)?;
    let mut cfg = CtlConfig::load(&ctl_config)?;
    cfg.upsert_current(
        CONTEXT_NAME,
        Context {
            server: format!("https://{}", coordinator.local_addr),
            ca_fingerprint: coordinator.ca_fingerprint.to_string(),
            user: Some(ADMIN_USER.to_string()),
            token: Some(token),
            client_cert: None,
            client_key: None,
            servers: coordinators[1..]
                .iter()
                .map(|c| format!("https://{}", c.local_addr))
                .collect(),
        },
    );
    cfg.save(&ctl_config)?;
    Ok(DevCluster {
        coordinators,
        workers,
        state_dir,
        ctl_config,
        admin_password,
        services_dir,
        runtimes,
        _temp: temp,
    })
}

impl DevCluster {
    /// What an operator needs to know, for stdout.
    pub fn summary(&self) -> String {
        let c = &self.coordinators[0];
        let temp_note = if self._temp.is_some() {
            " (temporary, removed on exit)"
        } else {
            ""
        };
        format!(
            "p2pd dev: local cluster is up\n\
             \n{coordinators}{workers}  \
             state         {state}{temp_note}\n  \
             CA            {fp}\n  \
             admin login   user `admin`, password {pw}\n\
             \np2pctl context `{ctx}` written to {cfg} and made current. Try:\n\
             \n  p2pctl nodes ls\n  p2pctl cluster coordinators\n  p2pctl cert ls{services}  p2pctl whoami\n\
             \nPress Ctrl-C to stop.\n",
            coordinators = self
                .coordinators
                .iter()
                .map(|k| format!("  coordinator   {}  https://{}\n", k.node_id, k.local_addr))
                .collect::<String>(),
            workers = self
                .workers
                .iter()
                .map(|w| format!(
                    "  worker        {}  https://{}  (enrolled, certificate {})\n",
                    w.node_id,
                    w.local_addr,
                    w.cert_serial()
                ))
                .collect::<String>(),
            services = match &self.services_dir {
                Some(d) => format!(
                    "\n  p2pctl svc ls          (services from {})\n  p2pctl logs -f\n",
                    d.display()
                ),
                None =>
                    "\n  p2pctl svc ls          (none: start with --services-dir DIR to run some)\n"
                        .to_string(),
            },
            state = self.state_dir.display(),
            fp = c.ca_fingerprint,
            pw = self.admin_password.as_str(),
            ctx = CONTEXT_NAME,
            cfg = self.ctl_config.display(),
        )
    }

    /// Workers first (their last calls still find the coordinators), then every
    /// coordinator at once: one by one, the last ones would wait out a lost quorum.
    pub async fn shutdown(self) {
        futures_util::future::join_all(self.workers.into_iter().map(RunningAgent::shutdown)).await;
        futures_util::future::join_all(self.coordinators.into_iter().map(RunningAgent::shutdown))
            .await;
        drop(self.runtimes);
    }
}
