//! Why a node could not start.

use std::net::SocketAddr;
use std::path::PathBuf;

use time::OffsetDateTime;

use super::bootstrap::BootstrapError;
use crate::blocking::TaskFailed;
use crate::config::ConfigError;
use crate::membership::rotation::RotationError;
use crate::operators::UserError;
use crate::pki::PkiError;
use crate::pki::enroll::EnrollError;
use crate::pki::issuer::IssueError;
use crate::pki::renew::PersistError;
use crate::pki::server_tls::TlsError;
use crate::secrets::VaultError;
use crate::services::supervisor::SupervisorError;
use crate::store::StoreError;

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
    Replication(#[from] crate::raft::replicator::ReplicationError),
    #[error(
        "this coordinator has no CA yet: to add it to a cluster, start it with a join token from `p2pctl token create --coordinator` and --coordinator HOST:PORT; to create a new cluster, start it without a join token"
    )]
    CoordinatorNotJoined,
    #[error("enrolled as a coordinator, but no coordinator handed over the CA key: {0}")]
    JoinSecrets(String),
    #[error(transparent)]
    Users(#[from] UserError),
    #[error(transparent)]
    SharedCache(#[from] crate::cache::shared::SharedError),
    #[error("cannot build the ACME validation client: {0}")]
    AcmeClient(#[from] reqwest::Error),
    #[error("cannot create state directory {path}: {source}")]
    StateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the state directory {path} belongs to uid {owner}, not to this p2pd; it holds the vault and keys: fix its owner (chown) or choose another state_directory"
    )]
    StateDirNotOurs { path: PathBuf, owner: u32 },
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
    #[error("enrolment at {coordinator} failed: {source}")]
    Enroll {
        coordinator: String,
        #[source]
        source: EnrollError,
    },
    #[error("cannot save the node certificate: {0}")]
    Persist(#[from] PersistError),
    #[error(transparent)]
    Keyring(#[from] RotationError),
    #[error(transparent)]
    Pki(#[from] PkiError),
    #[error(transparent)]
    Issue(#[from] IssueError),
    #[error(transparent)]
    Services(#[from] SupervisorError),
    #[error("cannot open the log database: {0}")]
    Logs(#[from] crate::logs::LogStoreError),
    #[error(transparent)]
    Task(#[from] TaskFailed),
}
