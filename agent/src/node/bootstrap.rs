//! Creating a cluster (`p2pd init`, or a coordinator's first start) and reading the
//! cluster's material back from the vault at every start.

use std::path::{Path, PathBuf};

use p2p_shared::tls::Fingerprint;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::operators::jwt::{TokenError, generate_signing_key};
use crate::operators::users::{UserError, seed_admin};
use crate::pki::ca::{CaError, ClusterCa};
use crate::pki::own_cert::OwnCertError;
use crate::secrets::{KdfParams, Vault, VaultError, entries, random_hex};

pub const ADMIN_USER: &str = "admin";

#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Ca(#[from] CaError),
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error(transparent)]
    Users(#[from] UserError),
    #[error(transparent)]
    OwnCert(#[from] OwnCertError),
    #[error("the vault has no `{0}` entry; was it initialised by `p2pd init`?")]
    MissingEntry(&'static str),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub fn vault_path(state_dir: &Path) -> PathBuf {
    state_dir.join("vault.p2p")
}

pub fn store_path(state_dir: &Path) -> PathBuf {
    state_dir.join("store.db")
}

pub fn local_store_path(state_dir: &Path) -> PathBuf {
    state_dir.join("local.db")
}

/// Where the first start writes a generated admin password (0600), like an appliance's
/// "initial password" file; `p2pd init` prints it instead.
pub fn initial_password_path(state_dir: &Path) -> PathBuf {
    state_dir.join("initial-admin-password")
}

/// The outcome of initialising a coordinator.
pub struct InitOutcome {
    pub vault: Vault,
    pub cluster_id: String,
    pub fingerprint: Fingerprint,
    /// Set when no admin password was supplied and one was generated.
    pub generated_admin_password: Option<Zeroizing<String>>,
}

/// Creates the vault of a new cluster: cluster id, CA, JWT key, the admin user. A generated
/// admin password is handed to `keep` (to print or write it) before the vault is written, so
/// a crash can never leave a vault whose admin password nobody saw.
pub fn initialize(
    vault_path: &Path,
    password: &str,
    admin_password: Option<Zeroizing<String>>,
    kdf: KdfParams,
    keep: impl FnOnce(&str) -> Result<(), BootstrapError>,
) -> Result<InitOutcome, BootstrapError> {
    // Everything in memory first; `seed_admin` writes the vault once, with every entry.
    let mut vault = Vault::create_unsaved(vault_path, password, kdf)?;
    let cluster_id = random_hex(8).to_string();
    let ca = ClusterCa::generate(&cluster_id, OffsetDateTime::now_utc())?;
    vault.put(entries::CLUSTER_ID, cluster_id.as_bytes().to_vec());
    vault.put(entries::CA_CERT, ca.cert_pem().as_bytes().to_vec());
    vault.put(entries::CA_KEY, ca.key_pem().as_bytes().to_vec());
    vault.put(entries::JWT_KEY, generate_signing_key()?.to_vec());
    vault.put(entries::RAFT_FOUNDER, b"1".to_vec());
    let (admin_password, generated) = match admin_password {
        Some(p) => (p, None),
        None => {
            let p = random_hex(12);
            keep(&p)?;
            (p.clone(), Some(p))
        }
    };
    // seed_admin saves the vault with every entry above.
    seed_admin(&mut vault, ADMIN_USER, &admin_password)?;
    Ok(InitOutcome {
        vault,
        cluster_id,
        fingerprint: ca.fingerprint(),
        generated_admin_password: generated,
    })
}

fn entry<'a>(vault: &'a Vault, name: &'static str) -> Result<&'a [u8], BootstrapError> {
    vault.get(name).ok_or(BootstrapError::MissingEntry(name))
}

fn entry_str<'a>(vault: &'a Vault, name: &'static str) -> Result<&'a str, BootstrapError> {
    std::str::from_utf8(entry(vault, name)?).map_err(|_| BootstrapError::MissingEntry(name))
}

pub fn cluster_id(vault: &Vault) -> Result<String, BootstrapError> {
    Ok(entry_str(vault, entries::CLUSTER_ID)?.to_string())
}

pub fn load_ca(vault: &Vault) -> Result<ClusterCa, BootstrapError> {
    let id = cluster_id(vault)?;
    let ca = ClusterCa::from_pem(
        &id,
        entry_str(vault, entries::CA_CERT)?,
        entry_str(vault, entries::CA_KEY)?,
    )?;
    Ok(ca)
}

pub fn jwt_key(vault: &Vault) -> Result<&[u8], BootstrapError> {
    entry(vault, entries::JWT_KEY)
}
