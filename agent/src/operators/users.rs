//! Operator accounts, kept in the vault (entry `users`) with Argon2id password hashes.

use std::sync::{Arc, Mutex, MutexGuard};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use p2p_shared::Role;
use p2p_shared::identity::is_valid_name;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::secrets::entries;
use crate::secrets::vault::{Vault, VaultError};

#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct UserRecord {
    pub name: String,
    pub role: Role,
    /// PHC string (`$argon2id$...`).
    pub password_hash: String,
    pub created_at: i64,
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("name", &self.name)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

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

/// Users, backed by the shared vault handle.
#[derive(Clone, Debug)]
pub struct Users {
    vault: Arc<Mutex<Vault>>,
    /// Verified against when the user does not exist, so a login takes as long for an
    /// unknown name as for a wrong password (no user enumeration by timing).
    dummy_hash: Arc<String>,
}

impl Users {
    pub fn new(vault: Arc<Mutex<Vault>>) -> Result<Self, UserError> {
        Ok(Self {
            vault,
            dummy_hash: Arc::new(hash_password("not-a-real-password")?),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Vault> {
        self.vault.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn list(&self) -> Result<Vec<UserRecord>, UserError> {
        read(&self.lock())
    }

    /// Checks a password; `None` for an unknown user or a wrong password alike.
    pub fn authenticate(
        &self,
        name: &str,
        password: &str,
    ) -> Result<Option<UserRecord>, UserError> {
        let user = self.list()?.into_iter().find(|u| u.name == name);
        match user {
            Some(u) if verify_hash(password, &u.password_hash) => Ok(Some(u)),
            Some(_) => Ok(None),
            None => {
                verify_hash(password, &self.dummy_hash);
                Ok(None)
            }
        }
    }

    pub fn add(&self, name: &str, role: Role, password: &str) -> Result<UserRecord, UserError> {
        if !is_valid_name(name) {
            return Err(UserError::BadName(name.to_string()));
        }
        check_strength(password)?;
        let hash = hash_password(password)?;
        let mut vault = self.lock();
        let mut users = read(&vault)?;
        if users.iter().any(|u| u.name == name) {
            return Err(UserError::Exists(name.to_string()));
        }
        let rec = UserRecord {
            name: name.to_string(),
            role,
            password_hash: hash,
            created_at: OffsetDateTime::now_utc().unix_timestamp(),
        };
        users.push(rec.clone());
        write(&mut vault, &users)?;
        Ok(rec)
    }

    pub fn remove(&self, name: &str) -> Result<(), UserError> {
        let mut vault = self.lock();
        let mut users = read(&vault)?;
        let idx = users
            .iter()
            .position(|u| u.name == name)
            .ok_or_else(|| UserError::NotFound(name.to_string()))?;
        let admins = users.iter().filter(|u| u.role == Role::Admin).count();
        if users[idx].role == Role::Admin && admins == 1 {
            return Err(UserError::LastAdmin);
        }
        users.remove(idx);
        write(&mut vault, &users)
    }

    pub fn set_password(&self, name: &str, password: &str) -> Result<(), UserError> {
        check_strength(password)?;
        let hash = hash_password(password)?;
        let mut vault = self.lock();
        let mut users = read(&vault)?;
        let user = users
            .iter_mut()
            .find(|u| u.name == name)
            .ok_or_else(|| UserError::NotFound(name.to_string()))?;
        user.password_hash = hash;
        write(&mut vault, &users)
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
        (dir, Users::new(Arc::new(Mutex::new(v))).unwrap())
    }

    #[test]
    fn add_authenticate_remove() {
        let (_d, u) = users();
        u.add("alice", Role::Viewer, "alice-password").unwrap();
        assert!(matches!(
            u.add("alice", Role::Viewer, "x-password"),
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
        u.remove("alice").unwrap();
        assert!(matches!(u.remove("alice"), Err(UserError::NotFound(_))));
    }

    #[test]
    fn guards() {
        let (_d, u) = users();
        assert!(matches!(u.remove("admin"), Err(UserError::LastAdmin)));
        assert!(matches!(
            u.add("Bad Name", Role::Viewer, "long-enough"),
            Err(UserError::BadName(_))
        ));
        assert!(matches!(
            u.add("bob", Role::Viewer, "short"),
            Err(UserError::WeakPassword)
        ));
        let hashes: Vec<String> = u
            .list()
            .unwrap()
            .into_iter()
            .map(|r| r.password_hash)
            .collect();
        assert!(hashes.iter().all(|h| h.starts_with("$argon2id$")));
    }
}
