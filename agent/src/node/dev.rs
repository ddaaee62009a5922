//! `p2pd dev`: a working local cluster in one command. A coordinator on 127.0.0.1 and two
//! workers on 127.0.0.2 and 127.0.0.3 that enrol through the real flow (join token, pinned
//! TLS, address challenge, CSR), a temporary state directory, and a ready `p2pctl` context
//! named `dev`.

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
}

/// Workers `p2pd dev` starts next to its coordinator.
pub const DEV_WORKERS: usize = 2;

/// A running dev cluster; its temporary state goes when this is dropped.
pub struct DevCluster {
    pub coordinator: RunningAgent,
    pub workers: Vec<RunningAgent>,
    pub state_dir: PathBuf,
    pub ctl_config: PathBuf,
    pub admin_password: zeroize::Zeroizing<String>,
    /// The services directory every node supervises, if one was given.
    pub services_dir: Option<PathBuf>,
    _temp: Option<tempfile::TempDir>,
}

/// Starts the dev cluster; with `services_dir`, every node supervises the manifests there.
pub async fn start_dev(
    port: u16,
    state_dir: Option<PathBuf>,
    ctl_config: PathBuf,
    services_dir: Option<PathBuf>,
) -> Result<DevCluster, DevError> {
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
    let admin_password = random_hex(12);
    // A local cluster runs its services as the developer who started it.
    let dev_user = crate::services::launch::agent_user().ok().map(|u| u.name);
    let mut config = Config {
        node_id: NodeName::parse("coordinator").ok(),
        coordinator_mode: true,
        state_directory: state_dir.join("coordinator"),
        ..Config::default()
    };
    config.http.port = port;
    config.http.bind_address = [127, 0, 0, 1].into();
    config.services.directory = services_dir.clone();
    config.services.default_user = dev_user.clone();
    let coordinator = start(AgentOptions {
        config,
        // The dev vault lives and dies with the temporary directory.
        password: random_hex(16),
        kdf: KdfParams::DEFAULT,
        admin_password: Some(admin_password.clone()),
        join_token: None,
        log_capture: Default::default(),
    })
    .await?;
    let join = coordinator.create_join_token(Duration::from_secs(600), None, DEV_WORKERS as u32)?;
    let mut workers = Vec::with_capacity(DEV_WORKERS);
    for i in 0..DEV_WORKERS {
        let ip = IpAddr::from([127, 0, 0, 2 + i as u8]);
        let mut config = Config {
            node_id: NodeName::parse(&format!("worker-{}", i + 1)).ok(),
            coordinator_mode: false,
            coordinator_addresses: vec![format!("127.0.0.1:{}", coordinator.local_addr.port())],
            state_directory: state_dir.join(format!("worker-{}", i + 1)),
            ..Config::default()
        };
        config.http.port = port;
        config.http.bind_address = ip;
        config.services.directory = services_dir.clone();
        config.services.default_user = dev_user.clone();
        let worker = start(AgentOptions {
            config,
            password: random_hex(16),
            kdf: KdfParams::DEFAULT,
            admin_password: None,
            join_token: Some(JoinToken::parse(&join)?),
            log_capture: Default::default(),
        })
        .await?;
        workers.push(worker);
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
        },
    );
    cfg.save(&ctl_config)?;
    Ok(DevCluster {
        coordinator,
        workers,
        state_dir,
        ctl_config,
        admin_password,
        services_dir,
        _temp: temp,
    })
}

impl DevCluster {
    /// What an operator needs to know, for stdout.
    pub fn summary(&self) -> String {
        let c = &self.coordinator;
        let temp_note = if self._temp.is_some() {
            " (temporary, removed on exit)"
        } else {
            ""
        };
        format!(
            "p2pd dev: local cluster is up\n\
             \n  coordinator   {node}  https://{addr}\n{workers}  \
             state         {state}{temp_note}\n  \
             CA            {fp}\n  \
             admin login   user `admin`, password {pw}\n\
             \np2pctl context `{ctx}` written to {cfg} and made current. Try:\n\
             \n  p2pctl nodes ls\n  p2pctl cert ls{services}  p2pctl whoami\n\
             \nPress Ctrl-C to stop.\n",
            node = c.node_id,
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
            addr = c.local_addr,
            state = self.state_dir.display(),
            fp = c.ca_fingerprint,
            pw = self.admin_password.as_str(),
            ctx = CONTEXT_NAME,
            cfg = self.ctl_config.display(),
        )
    }

    pub async fn shutdown(self) {
        for w in self.workers {
            w.shutdown().await;
        }
        self.coordinator.shutdown().await;
    }
}
