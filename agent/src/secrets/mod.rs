//! Secrets at rest and in memory: the encrypted vault, where its password comes from, the
//! names of its entries, and fresh random secrets.

pub mod entries;
pub mod password;
pub mod vault;

use rand::RngCore;
use zeroize::Zeroizing;

pub use vault::{KdfParams, Vault, VaultError};

/// A random secret of `bytes` bytes from the OS generator, hex-encoded (zeroised on drop).
pub fn random_hex(bytes: usize) -> Zeroizing<String> {
    let mut buf = Zeroizing::new(vec![0u8; bytes]);
    rand::rngs::OsRng.fill_bytes(&mut buf);
    Zeroizing::new(hex::encode(&*buf))
}
