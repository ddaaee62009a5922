//! Operator accounts: the rules (names, password strength, hashing with Argon2id) and the
//! checks. The accounts themselves are in the store (`store/users.rs`), so every
//! coordinator knows them; a vault made by `p2pd init` carries the first admin until the
//! coordinator's first start moves it into the store ([`Users::adopt_from_vault`]).

use std::sync::{Arc, Mutex};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use p2p_shared::Role;
use p2p_shared::identity::is_valid_name;
use time::OffsetDateTime;

use crate::secrets::entries;
use crate::secrets::vault::{Vault, VaultError};
use crate::store::{Command, OnceKey, Rejection, Store, StoreError, Writer};

pub use crate::store::UserRecord;

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("user `{0}` already exists")]
    Exists(String),
    #[error("no user named `{0}`")]
    NotFound(String),
    #[error("invalid user name `{0}`: use 1-63 characters of a-z, 0-9, '-', '_' or '.'")]
    BadName(String),
    #[error("passwords must be at least 8 characters long")]
    WeakPassword,
    #[error("cannot remove or demote the last admin")]
    LastAdmin,
    #[error("password hashing failed")]
    Hash,
    #[error("user list in the vault is corrupt")]
    Corrupt,
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for UserError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Rejected(Rejection::UserExists { name }) => UserError::Exists(name),
            StoreError::Rejected(Rejection::UnknownUser { name }) => UserError::NotFound(name),
            StoreError::Rejected(Rejection::LastAdmin) => UserError::LastAdmin,
            other => UserError::Store(other),
        }
    }
}

pub const MIN_PASSWORD_LEN: usize = 8;

pub fn hash_password(password: &str) -> Result<String, UserError> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| UserError::Hash)
}

fn verify_hash(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Users, backed by the store.
#[derive(Clone, Debug)]
pub struct Users {
    store: Arc<Store>,
    writer: Arc<dyn Writer>,
    /// Verified against when the user does not exist, so a login takes as long for an
    /// unknown name as for a wrong password (no user enumeration by timing).
    dummy_hash: Arc<String>,
}

impl Users {
    pub fn new(store: Arc<Store>, writer: Arc<dyn Writer>) -> Result<Self, UserError> {
        Ok(Self {
            store,
            writer,
            dummy_hash: Arc::new(hash_password("not-a-real-password")?),
        })
    }

    /// Moves accounts a vault still holds (the first admin, from `p2pd init`, or every
    /// account of an older p2pd) into the store, then drops them from the vault. Accounts
    /// already in the store win, so a crash between the two steps repeats harmlessly.
    pub fn adopt_from_vault(&self, vault: &Mutex<Vault>) -> Result<usize, UserError> {
        let mut vault = vault.lock().unwrap_or_else(|p| p.into_inner());
        let held = read(&vault)?;
        if held.is_empty() {
            return Ok(0);
        }
        let mut moved = 0;
        for user in held {
            match self.writer.write(&Command::AddUser { user }) {
                Ok(()) => moved += 1,
                Err(StoreError::Rejected(Rejection::UserExists { .. })) => {}
                Err(e) => return Err(e.into()),
            }
        }
        vault.remove(entries::USERS);
        vault.save()?;
        Ok(moved)
    }

    pub fn list(&self) -> Result<std::sync::Arc<Vec<UserRecord>>, UserError> {
        Ok(self.store.users()?)
    }

    /// Checks a password; `None` for an unknown user or a wrong password alike.
    pub fn authenticate(
        &self,
        name: &str,
        password: &str,
    ) -> Result<Option<UserRecord>, UserError> {
        match self.store.user(name)? {
            Some(u) if verify_hash(password, &u.password_hash) => Ok(Some(u)),
            Some(_) => Ok(None),
            None => {
                verify_hash(password, &self.dummy_hash);
                Ok(None)
            }
        }
    }

    /// Creates an account; with `once`, a retry of the same request is answered with the
    /// account the first attempt made.
    pub fn add(
        &self,
        name: &str,
        role: Role,
        password: &str,
        once: Option<&OnceKey>,
    ) -> Result<UserRecord, UserError> {
        if !is_valid_name(name) {
            return Err(UserError::BadName(name.to_string()));
        }
        check_strength(password)?;
        let rec = UserRecord {
            name: name.to_string(),
            role,
            password_hash: hash_password(password)?,
            created_at: OffsetDateTime::now_utc().unix_timestamp(),
        };
        let cmd = Command::AddUser { user: rec.clone() };
        self.writer.write(&match once {
            Some(k) => k.wrap(0, cmd),
            None => cmd,
        })?;
        Ok(self.store.user(name)?.unwrap_or(rec))
    }

    /// Deletes the account and ends its sessions (with `once`, a retry is not refused for
    /// want of the account its first attempt removed).
    pub fn remove(&self, name: &str, once: Option<&OnceKey>) -> Result<(), UserError> {
        let cmd = Command::RemoveUser {
            name: name.to_string(),
        };
        Ok(self.writer.write(&match once {
            Some(k) => k.wrap(0, cmd),
            None => cmd,
        })?)
    }

    /// Replaces the password and ends the account's sessions.
    pub fn set_password(&self, name: &str, password: &str) -> Result<(), UserError> {
        check_strength(password)?;
        let password_hash = hash_password(password)?;
        let name = name.to_string();
        Ok(self.writer.write(&Command::SetUserPassword {
            name,
            password_hash,
        })?)
    }
}

fn check_strength(password: &str) -> Result<(), UserError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(UserError::WeakPassword);
    }
    Ok(())
}

fn read(vault: &Vault) -> Result<Vec<UserRecord>, UserError> {
    match vault.get(entries::USERS) {
        None => Ok(Vec::new()),
        Some(bytes) => serde_json::from_slice(bytes).map_err(|_| UserError::Corrupt),
    }
}

fn write(vault: &mut Vault, users: &[UserRecord]) -> Result<(), UserError> {
    let bytes = serde_json::to_vec(users).map_err(|_| UserError::Corrupt)?;
    vault.put(entries::USERS, bytes);
    vault.save()?;
    Ok(())
}

/// Seeds the first admin while initialising a vault.
pub fn seed_admin(vault: &mut Vault, name: &str, password: &str) -> Result<(), UserError> {
    check_strength(password)?;
    let rec = UserRecord {
        name: name.to_string(),
        role: Role::Admin,
        password_hash: hash_password(password)?,
        created_at: OffsetDateTime::now_utc().unix_timestamp(),
    };
    write(vault, &[rec])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::vault::KdfParams;

    fn users() -> (tempfile::TempDir, Users) {
        let dir = tempfile::tempdir().unwrap();
        let mut v = Vault::create(
            &dir.path().join("v"),
            "pw",
            KdfParams {
                m_kib: 256,
                t: 1,
                p: 1,
            },
        )
        .unwrap();
        seed_admin(&mut v, "admin", "admin-password").unwrap();
        let store = Arc::new(Store::open(&dir.path().join("store.db")).unwrap());
        let users = Users::new(store.clone(), store).unwrap();
        let vault = Mutex::new(v);
        assert_eq!(users.adopt_from_vault(&vault).unwrap(), 1);
        assert_eq!(users.adopt_from_vault(&vault).unwrap(), 0, "moved once");
        (dir, users)
    }

    #[test]
    fn add_authenticate_remove() {
        let (_d, u) = users();
        u.add("alice", Role::Viewer, "alice-password", None)
            .unwrap();
        assert!(matches!(
            u.add("alice", Role::Viewer, "x-password", None),
            Err(UserError::Exists(_))
        ));
        assert_eq!(
            u.authenticate("alice", "alice-password")
                .unwrap()
                .map(|r| r.role),
            Some(Role::Viewer)
        );
        assert!(u.authenticate("alice", "wrong-password").unwrap().is_none());
        assert!(
            u.authenticate("nobody", "alice-password")
                .unwrap()
                .is_none()
        );
        u.set_password("alice", "new-password").unwrap();
        assert!(u.authenticate("alice", "new-password").unwrap().is_some());
        u.remove("alice", None).unwrap();
        assert!(matches!(
            u.remove("alice", None),
            Err(UserError::NotFound(_))
        ));
    }

    #[test]
    fn guards() {
        let (_d, u) = users();
        assert!(matches!(u.remove("admin", None), Err(UserError::LastAdmin)));
        assert!(matches!(
            u.add("Bad Name", Role::Viewer, "long-enough", None),
            Err(UserError::BadName(_))
        ));
        assert!(matches!(
            u.add("bob", Role::Viewer, "short", None),
            Err(UserError::WeakPassword)
        ));
        let hashes: Vec<String> = u
            .list()
            .unwrap()
            .iter()
            .map(|r| r.password_hash.clone())
            .collect();
        assert!(hashes.iter().all(|h| h.starts_with("$argon2id$")));
    }
}
