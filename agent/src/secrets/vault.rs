//! The vault: one encrypted file holding every secret a node has (CA key, node key, JWT
//! signing key, user password hashes).
//!
//! Layout (all integers little-endian; everything before the ciphertext is the AEAD's
//! associated data, so no header byte can be changed unnoticed):
//!
//! ```text
//! "P2PVAULT" | version u8 | kdf u8 (1 = Argon2id) | m_kib u32 | t u32 | p u32 | salt[16]
//!            | key_check[16] | nonce[12] | AES-256-GCM(ciphertext || tag)
//! ```
//!
//! The Argon2id output is a master secret from which the cipher key and a key check value
//! are hashed apart; the check lets a wrong password be told from a damaged file. Every
//! write uses a fresh random nonce and replaces the file atomically.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

use p2p_shared::fsutil::write_atomic;

const MAGIC: &[u8; 8] = b"P2PVAULT";
const VERSION: u8 = 1;
const KDF_ARGON2ID: u8 = 1;
const SALT_LEN: usize = 16;
const CHECK_LEN: usize = 16;
const NONCE_LEN: usize = 12;
const HEADER_LEN: usize = 8 + 1 + 1 + 4 + 4 + 4 + SALT_LEN + CHECK_LEN + NONCE_LEN;
const TAG_LEN: usize = 16;

/// Argon2id cost parameters, stored in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
}

impl KdfParams {
    /// RFC 9106's second recommended option: 64 MiB, 3 passes, 4 lanes.
    pub const DEFAULT: KdfParams = KdfParams {
        m_kib: 64 * 1024,
        t: 3,
        p: 4,
    };

    /// A crafted header must not make us allocate 4 TiB or spin for hours.
    fn is_sane(self) -> bool {
        (8..=1024 * 1024).contains(&self.m_kib)
            && (1..=16).contains(&self.t)
            && (1..=16).contains(&self.p)
            && self.m_kib >= 8 * self.p
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("cannot access vault {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no vault at {0}: run `p2pd init` first")]
    NotFound(PathBuf),
    #[error("a vault already exists at {0}")]
    AlreadyExists(PathBuf),
    #[error("{0} is not a p2pd vault")]
    NotAVault(PathBuf),
    #[error("vault {0} is truncated")]
    Truncated(PathBuf),
    #[error("vault {path} has format version {version}, which this p2pd does not support")]
    UnsupportedVersion { path: PathBuf, version: u8 },
    #[error("vault {0} has a damaged header (unsupported key-derivation settings)")]
    BadHeader(PathBuf),
    #[error("wrong password for vault {0}")]
    WrongPassword(PathBuf),
    #[error("vault {0} is corrupt or has been tampered with (authentication failed)")]
    Tampered(PathBuf),
    #[error("vault {0} is in use by a running p2pd; stop it first")]
    Locked(PathBuf),
    #[error("key derivation failed: {0}")]
    Kdf(String),
    #[error("cannot encrypt the vault")]
    Encrypt,
}

#[derive(Serialize, Deserialize, Default)]
struct Contents {
    entries: BTreeMap<String, String>,
}

/// An unlocked vault. Secrets stay in memory (zeroised on drop) and are written back,
/// re-encrypted under a fresh nonce, by [`Vault::save`].
pub struct Vault {
    path: PathBuf,
    params: KdfParams,
    salt: [u8; SALT_LEN],
    master: Zeroizing<[u8; 32]>,
    entries: BTreeMap<String, Zeroizing<Vec<u8>>>,
    /// Held for as long as the vault is open for writing, so two writers never race.
    _lock: Option<File>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("path", &self.path)
            .field("entries", &self.entries.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

fn derive_master(
    password: &str,
    salt: &[u8],
    params: KdfParams,
) -> Result<Zeroizing<[u8; 32]>, VaultError> {
    let argon_params = argon2::Params::new(params.m_kib, params.t, params.p, Some(32))
        .map_err(|e| VaultError::Kdf(e.to_string()))?;
    let argon = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon_params,
    );
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(password.as_bytes(), salt, out.as_mut())
        .map_err(|e| VaultError::Kdf(e.to_string()))?;
    Ok(out)
}

fn subkey(master: &[u8; 32], label: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut h = Sha256::new();
    h.update(b"p2pd-vault-v1/");
    h.update(label);
    h.update(master);
    Zeroizing::new(h.finalize().into())
}

fn lock_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".lock");
    PathBuf::from(p)
}

fn take_lock(path: &Path) -> Result<File, VaultError> {
    let lp = lock_path(path);
    let io = |source| VaultError::Io {
        path: lp.clone(),
        source,
    };
    use std::os::unix::fs::OpenOptionsExt;
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(&lp)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(VaultError::Locked(path.to_path_buf())),
        Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
    }
}

/// The plaintext part of a vault file: what the password is stretched with.
pub struct Header {
    pub params: KdfParams,
    salt: [u8; SALT_LEN],
    check: [u8; CHECK_LEN],
}

/// Reads and checks the header of a vault file's bytes (`path` names it in errors); a
/// crafted header is refused before any key derivation.
pub fn parse_header(path: &Path, bytes: &[u8]) -> Result<Header, VaultError> {
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(if MAGIC.starts_with(bytes) {
            VaultError::Truncated(path.to_path_buf())
        } else {
            VaultError::NotAVault(path.to_path_buf())
        });
    }
    if bytes.len() < HEADER_LEN + TAG_LEN {
        return Err(VaultError::Truncated(path.to_path_buf()));
    }
    if bytes[8] != VERSION {
        return Err(VaultError::UnsupportedVersion {
            path: path.to_path_buf(),
            version: bytes[8],
        });
    }
    if bytes[9] != KDF_ARGON2ID {
        return Err(VaultError::BadHeader(path.to_path_buf()));
    }
    let u32_at =
        |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    let params = KdfParams {
        m_kib: u32_at(10),
        t: u32_at(14),
        p: u32_at(18),
    };
    if !params.is_sane() {
        return Err(VaultError::BadHeader(path.to_path_buf()));
    }
    let mut salt = [0u8; SALT_LEN];
    salt.copy_from_slice(&bytes[22..22 + SALT_LEN]);
    let mut check = [0u8; CHECK_LEN];
    check.copy_from_slice(&bytes[22 + SALT_LEN..22 + SALT_LEN + CHECK_LEN]);
    Ok(Header {
        params,
        salt,
        check,
    })
}

fn read_file(path: &Path) -> Result<Vec<u8>, VaultError> {
    std::fs::read(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            VaultError::NotFound(path.to_path_buf())
        } else {
            VaultError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    })
}

impl Vault {
    /// Creates a new, empty vault (and writes it). Fails if one exists.
    pub fn create(path: &Path, password: &str, params: KdfParams) -> Result<Self, VaultError> {
        let vault = Self::create_unsaved(path, password, params)?;
        vault.save()?;
        Ok(vault)
    }

    /// A new vault in memory, holding the lock of `path` but not written yet: put every
    /// entry, then `save` once, so a crash never leaves a half-initialised vault behind.
    pub fn create_unsaved(
        path: &Path,
        password: &str,
        params: KdfParams,
    ) -> Result<Self, VaultError> {
        if path.exists() {
            return Err(VaultError::AlreadyExists(path.to_path_buf()));
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| VaultError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let lock = take_lock(path)?;
        let mut salt = [0u8; SALT_LEN];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        let master = derive_master(password, &salt, params)?;
        let vault = Self {
            path: path.to_path_buf(),
            params,
            salt,
            master,
            entries: BTreeMap::new(),
            _lock: Some(lock),
        };
        Ok(vault)
    }

    /// Opens and decrypts a vault, holding its lock so no other process writes it.
    pub fn open(path: &Path, password: &str) -> Result<Self, VaultError> {
        // Check the file exists before creating a lock file beside a missing vault.
        if !path.exists() {
            return Err(VaultError::NotFound(path.to_path_buf()));
        }
        let lock = take_lock(path)?;
        let mut vault = Self::decrypt(path, password)?;
        vault._lock = Some(lock);
        Ok(vault)
    }

    /// Decrypts without taking the writer lock, for read-only inspection (`p2pd vault ls`)
    /// while the agent runs.
    pub fn open_read_only(path: &Path, password: &str) -> Result<Self, VaultError> {
        Self::decrypt(path, password)
    }

    fn decrypt(path: &Path, password: &str) -> Result<Self, VaultError> {
        Self::decode(path, &read_file(path)?, password)
    }

    /// Decrypts a vault file's bytes (`path` names it in errors); the result holds no lock.
    pub fn decode(path: &Path, bytes: &[u8], password: &str) -> Result<Self, VaultError> {
        let header = parse_header(path, bytes)?;
        let master = derive_master(password, &header.salt, header.params)?;
        let check = subkey(&master, b"check");
        if check[..CHECK_LEN] != header.check {
            return Err(VaultError::WrongPassword(path.to_path_buf()));
        }
        let key = subkey(&master, b"cipher");
        let cipher = Aes256Gcm::new_from_slice(key.as_ref()).map_err(|_| VaultError::Encrypt)?;
        let nonce = Nonce::from_slice(&bytes[HEADER_LEN - NONCE_LEN..HEADER_LEN]);
        let plaintext = Zeroizing::new(
            cipher
                .decrypt(
                    nonce,
                    Payload {
                        msg: &bytes[HEADER_LEN..],
                        aad: &bytes[..HEADER_LEN],
                    },
                )
                .map_err(|_| VaultError::Tampered(path.to_path_buf()))?,
        );
        // Authenticated but undecodable means a bug or a foreign writer; treat as corrupt.
        let mut contents: Contents = serde_json::from_slice(&plaintext)
            .map_err(|_| VaultError::Tampered(path.to_path_buf()))?;
        let mut entries = BTreeMap::new();
        for (name, value) in std::mem::take(&mut contents.entries) {
            let decoded = B64
                .decode(value.as_bytes())
                .map_err(|_| VaultError::Tampered(path.to_path_buf()))?;
            let mut value = value;
            value.zeroize();
            entries.insert(name, Zeroizing::new(decoded));
        }
        Ok(Self {
            path: path.to_path_buf(),
            params: header.params,
            salt: header.salt,
            master,
            entries,
            _lock: None,
        })
    }

    /// Encrypts every entry under a fresh nonce and atomically replaces the file.
    pub fn save(&self) -> Result<(), VaultError> {
        let mut contents = Contents::default();
        for (name, value) in &self.entries {
            contents
                .entries
                .insert(name.clone(), B64.encode(value.as_slice()));
        }
        let plaintext =
            Zeroizing::new(serde_json::to_vec(&contents).map_err(|_| VaultError::Encrypt)?);
        for v in contents.entries.values_mut() {
            v.zeroize();
        }
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let check = subkey(&self.master, b"check");
        let mut out = Vec::with_capacity(HEADER_LEN + plaintext.len() + TAG_LEN);
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        out.push(KDF_ARGON2ID);
        out.extend_from_slice(&self.params.m_kib.to_le_bytes());
        out.extend_from_slice(&self.params.t.to_le_bytes());
        out.extend_from_slice(&self.params.p.to_le_bytes());
        out.extend_from_slice(&self.salt);
        out.extend_from_slice(&check[..CHECK_LEN]);
        out.extend_from_slice(&nonce);
        let key = subkey(&self.master, b"cipher");
        let cipher = Aes256Gcm::new_from_slice(key.as_ref()).map_err(|_| VaultError::Encrypt)?;
        let ciphertext = cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &plaintext,
                    aad: &out,
                },
            )
            .map_err(|_| VaultError::Encrypt)?;
        out.extend_from_slice(&ciphertext);
        write_atomic(&self.path, &out, 0o600).map_err(|source| VaultError::Io {
            path: self.path.clone(),
            source,
        })
    }

    /// Re-encrypts under a new password (new salt, same entries).
    pub fn rekey(&mut self, new_password: &str) -> Result<(), VaultError> {
        let mut salt = [0u8; SALT_LEN];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        let master = derive_master(new_password, &salt, self.params)?;
        let (old_salt, old_master) = (self.salt, self.master.clone());
        self.salt = salt;
        self.master = master;
        if let Err(e) = self.save() {
            self.salt = old_salt;
            self.master = old_master;
            return Err(e);
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.entries.get(name).map(|v| v.as_slice())
    }

    /// Sets an entry in memory; call [`Vault::save`] to persist.
    pub fn put(&mut self, name: &str, value: Vec<u8>) {
        self.entries.insert(name.to_string(), Zeroizing::new(value));
    }

    pub fn remove(&mut self, name: &str) -> bool {
        self.entries.remove(name).is_some()
    }

    /// Entry names and sizes in bytes; never contents.
    pub fn list(&self) -> Vec<(String, usize)> {
        self.entries
            .iter()
            .map(|(k, v)| (k.clone(), v.len()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Small parameters keep unit tests fast; the format is the same.
    const FAST: KdfParams = KdfParams {
        m_kib: 256,
        t: 1,
        p: 1,
    };

    fn nonce_of(path: &Path) -> Vec<u8> {
        std::fs::read(path).unwrap()[HEADER_LEN - NONCE_LEN..HEADER_LEN].to_vec()
    }

    #[test]
    fn round_trip_with_default_params() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault");
        {
            let mut v = Vault::create(&path, "pw", KdfParams::DEFAULT).unwrap();
            v.put("ca.key", b"secret key bytes".to_vec());
            v.put("empty", Vec::new());
            v.save().unwrap();
        }
        let v = Vault::open(&path, "pw").unwrap();
        assert_eq!(v.get("ca.key"), Some(&b"secret key bytes"[..]));
        assert_eq!(v.get("empty"), Some(&b""[..]));
        assert_eq!(v.params, KdfParams::DEFAULT);
        assert_eq!(
            v.list(),
            vec![("ca.key".to_string(), 16), ("empty".to_string(), 0)]
        );
        // The secret is not on disk in the clear.
        let raw = std::fs::read(&path).unwrap();
        assert!(!raw.windows(6).any(|w| w == b"secret"));
    }

    #[test]
    fn wrong_password_is_refused_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault");
        let mut v = Vault::create(&path, "right", FAST).unwrap();
        v.put("k", b"v".to_vec());
        v.save().unwrap();
        drop(v);
        let before = std::fs::read(&path).unwrap();
        let err = Vault::open(&path, "wrong").unwrap_err();
        assert!(matches!(err, VaultError::WrongPassword(_)), "{err}");
        assert_eq!(
            err.to_string(),
            format!("wrong password for vault {}", path.display())
        );
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn every_flipped_byte_is_detected_and_file_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault");
        let mut v = Vault::create(&path, "pw", FAST).unwrap();
        v.put("node.key", b"0123456789".to_vec());
        v.save().unwrap();
        drop(v);
        let good = std::fs::read(&path).unwrap();
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0x01;
            std::fs::write(&path, &bad).unwrap();
            let res = Vault::open(&path, "pw");
            assert!(res.is_err(), "flip at byte {i} was not detected");
            assert_eq!(std::fs::read(&path).unwrap(), bad, "file changed at {i}");
        }
        // A flip in the ciphertext specifically reports tampering.
        let mut bad = good.clone();
        let last = bad.len() - 1;
        bad[last] ^= 0x80;
        std::fs::write(&path, &bad).unwrap();
        assert!(matches!(
            Vault::open(&path, "pw"),
            Err(VaultError::Tampered(_))
        ));
    }

    #[test]
    fn truncated_and_foreign_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault");
        Vault::create(&path, "pw", FAST).unwrap();
        let good = std::fs::read(&path).unwrap();
        for len in [0, 4, 8, 30, HEADER_LEN, good.len() - 1] {
            std::fs::write(&path, &good[..len]).unwrap();
            let err = Vault::open(&path, "pw").unwrap_err();
            assert!(
                matches!(err, VaultError::Truncated(_) | VaultError::Tampered(_)),
                "len {len}: {err}"
            );
        }
        std::fs::write(&path, b"hello world, not a vault at all, really").unwrap();
        assert!(matches!(
            Vault::open(&path, "pw"),
            Err(VaultError::NotAVault(_))
        ));
    }

    #[test]
    fn absurd_kdf_params_are_refused_before_deriving() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault");
        Vault::create(&path, "pw", FAST).unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[10..14].copy_from_slice(&u32::MAX.to_le_bytes());
        std::fs::write(&path, &bytes).unwrap();
        assert!(matches!(
            Vault::open(&path, "pw"),
            Err(VaultError::BadHeader(_))
        ));
    }

    #[test]
    fn nonces_never_repeat_across_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault");
        let mut v = Vault::create(&path, "pw", FAST).unwrap();
        let mut seen = std::collections::HashSet::new();
        assert!(seen.insert(nonce_of(&path)));
        for i in 0..200u32 {
            v.put("counter", i.to_le_bytes().to_vec());
            v.save().unwrap();
            assert!(seen.insert(nonce_of(&path)), "nonce repeated at write {i}");
        }
        v.rekey("pw2").unwrap();
        assert!(seen.insert(nonce_of(&path)));
    }

    #[test]
    fn rekey_changes_the_password() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault");
        let mut v = Vault::create(&path, "old", FAST).unwrap();
        v.put("k", b"v".to_vec());
        v.rekey("new").unwrap();
        drop(v);
        assert!(matches!(
            Vault::open(&path, "old"),
            Err(VaultError::WrongPassword(_))
        ));
        assert_eq!(Vault::open(&path, "new").unwrap().get("k"), Some(&b"v"[..]));
    }

    #[test]
    fn second_writer_is_locked_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault");
        let _v = Vault::create(&path, "pw", FAST).unwrap();
        assert!(matches!(
            Vault::open(&path, "pw"),
            Err(VaultError::Locked(_))
        ));
        assert!(Vault::open_read_only(&path, "pw").is_ok());
    }

    #[test]
    fn create_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault");
        drop(Vault::create(&path, "pw", FAST).unwrap());
        assert!(matches!(
            Vault::create(&path, "pw", FAST),
            Err(VaultError::AlreadyExists(_))
        ));
    }
}
