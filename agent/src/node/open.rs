//! Start-up steps 2 and 3: the state directory and the vault (the Argon2id KDF, off the
//! async workers). A coordinator with no vault creates its cluster; a worker with no vault
//! creates an empty one, but only when it has a join token to fill it with.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use super::AgentError;
use super::bootstrap::{self, BootstrapError};
use crate::blocking;
use crate::config::Config;
use crate::secrets::{KdfParams, Vault};
use crate::store::{LocalStore, Store};

/// Creates the state directory (0700) if it does not exist, and makes sure it is ours and
/// closed to everyone else: a wider mode is narrowed (with a warning), a directory of
/// another user is refused.
pub fn state_directory(path: &Path) -> Result<(), AgentError> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
    let io = |source| AgentError::StateDir {
        path: path.to_path_buf(),
        source,
    };
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)
        .map_err(io)?;
    let meta = std::fs::metadata(path).map_err(io)?;
    let me = nix::unistd::Uid::effective().as_raw();
    if meta.uid() != me {
        return Err(AgentError::StateDirNotOurs {
            path: path.to_path_buf(),
            owner: meta.uid(),
        });
    }
    let mode = meta.mode() & 0o777;
    if mode & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700)).map_err(io)?;
        tracing::warn!(path = %path.display(), mode = format!("{mode:o}"), "the state directory was open to others; it is 0700 now");
    }
    Ok(())
}

/// The vault as opened (or created) by this start.
pub struct Opened {
    pub vault: Vault,
    /// Set when this start created the cluster and generated the admin password.
    pub generated_admin_password: Option<Zeroizing<String>>,
    /// Time spent in the KDF, reported on its own (a deliberate cost).
    pub kdf: Duration,
}

/// Opens the vault, or creates it: with a new cluster (a coordinator without a join token)
/// or empty, to be filled by enrolment (a worker, or a coordinator joining with a
/// coordinator token).
pub async fn vault(
    config: &Config,
    password: &Zeroizing<String>,
    kdf: KdfParams,
    admin_password: Option<Zeroizing<String>>,
    has_join_token: bool,
) -> Result<Opened, AgentError> {
    let state_dir = config.state_directory.as_path();
    let path = bootstrap::vault_path(state_dir);
    let password = password.clone();
    let started = Instant::now();
    let (vault, generated_admin_password) = if path.exists() {
        let v = blocking::run(move || Ok::<_, AgentError>(Vault::open(&path, &password)?)).await?;
        (v, None)
    } else if config.coordinator_mode && !has_join_token {
        let admin = admin_password;
        let dir = state_dir.to_path_buf();
        let outcome = blocking::run(move || {
            let keep = |pw: &str| write_initial_password(&dir, pw);
            Ok::<_, AgentError>(bootstrap::initialize(&path, &password, admin, kdf, keep)?)
        })
        .await?;
        tracing::info!(
            cluster_id = %outcome.cluster_id,
            ca_fingerprint = %outcome.fingerprint,
            "created a new cluster"
        );
        (outcome.vault, outcome.generated_admin_password)
    } else if has_join_token {
        let v = blocking::run(move || Ok::<_, AgentError>(Vault::create(&path, &password, kdf)?))
            .await?;
        (v, None)
    } else {
        return Err(AgentError::NotEnrolled);
    };
    let kdf = started.elapsed();
    Ok(Opened {
        vault,
        generated_admin_password,
        kdf,
    })
}

fn write_initial_password(state_dir: &Path, pw: &str) -> Result<(), BootstrapError> {
    let path = bootstrap::initial_password_path(state_dir);
    p2p_shared::fsutil::write_atomic(&path, format!("{pw}\n").as_bytes(), 0o600).map_err(
        |source| BootstrapError::Write {
            path: path.clone(),
            source,
        },
    )?;
    tracing::warn!(
        path = %path.display(),
        "generated the password of user `admin`; it is in this file (read it, then delete it)"
    );
    Ok(())
}

/// Opens (or creates) the node's store.
pub async fn store(state_dir: &Path) -> Result<Arc<Store>, AgentError> {
    let path = bootstrap::store_path(state_dir);
    let store = blocking::run(move || Ok::<_, AgentError>(Store::open(&path)?)).await?;
    Ok(Arc::new(store))
}

/// Opens (or creates) the node-local store; a new one takes over the node-local tables an
/// older p2pd kept in the store, so open it before the store.
pub async fn local_store(state_dir: &Path) -> Result<Arc<LocalStore>, AgentError> {
    let path = bootstrap::local_store_path(state_dir);
    let legacy = bootstrap::store_path(state_dir);
    let store =
        blocking::run(move || Ok::<_, AgentError>(LocalStore::open(&path, &legacy)?)).await?;
    Ok(Arc::new(store))
}
