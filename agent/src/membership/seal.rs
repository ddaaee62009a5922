//! Sealing gossip datagrams: LZ4 above a threshold, then AES-256-GCM under the cluster
//! keyring's primary key. Any key of the ring opens (that is what makes rotation flap-free).
//!
//! Datagram: `version (1) | nonce (12) | ciphertext | tag (16)`; plaintext: `flags (1) | body`.
//! The nonce is this process's random 8-byte instance id and a 4-byte counter, so nonces never
//! repeat under a key and the receiver can drop replays with a sliding window per instance.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use p2p_shared::api::GossipKeyring;
use zeroize::Zeroizing;

pub const WIRE_VERSION: u8 = 1;
/// Largest datagram we send or accept.
pub const MAX_DATAGRAM: usize = 1472;
/// Largest plaintext a compressed body may expand to.
const MAX_PLAINTEXT: usize = 64 * 1024;
const HEADER: usize = 1 + 12;
const TAG: usize = 16;
/// Bytes sealing adds to a payload.
pub const OVERHEAD: usize = HEADER + TAG + 1;
const FLAG_LZ4: u8 = 1;
const REPLAY_WINDOW: u32 = 1024;
const MAX_INSTANCES: usize = 8192;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum KeyringError {
    #[error("the gossip keyring is empty")]
    Empty,
    #[error("gossip key {0} is not 32 bytes of base64")]
    BadKey(usize),
}

/// Decoded keys, primary first.
#[derive(Clone)]
pub struct Keys {
    pub version: u64,
    ciphers: Vec<Aes256Gcm>,
}

impl Keys {
    /// No key yet (a worker enrolled by an older coordinator): nothing is sent or accepted
    /// until the keyring arrives.
    pub fn none() -> Keys {
        Keys {
            version: 0,
            ciphers: Vec::new(),
        }
    }

    pub fn from_api(ring: &GossipKeyring) -> Result<Keys, KeyringError> {
        if ring.keys.is_empty() {
            return Err(KeyringError::Empty);
        }
        let mut ciphers = Vec::new();
        for (i, k) in ring.keys.iter().enumerate() {
            let raw = Zeroizing::new(
                base64::engine::general_purpose::STANDARD
                    .decode(k)
                    .map_err(|_| KeyringError::BadKey(i))?,
            );
            let cipher = Aes256Gcm::new_from_slice(&raw).map_err(|_| KeyringError::BadKey(i))?;
            ciphers.push(cipher);
        }
        Ok(Keys {
            version: ring.version,
            ciphers,
        })
    }
}

/// A fresh random key, base64.
pub fn generate_key() -> String {
    let mut raw = Zeroizing::new([0u8; 32]);
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, raw.as_mut());
    base64::engine::general_purpose::STANDARD.encode(raw.as_ref())
}

/// Why a datagram was dropped; each has a counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drop {
    Oversized,
    Malformed,
    Unauthenticated,
    Replayed,
}

#[derive(Debug, Default)]
pub struct SealStats {
    pub sealed: AtomicU64,
    pub opened: AtomicU64,
    pub compressed: AtomicU64,
    pub bytes_saved: AtomicU64,
    pub oversized: AtomicU64,
    pub malformed: AtomicU64,
    pub unauthenticated: AtomicU64,
    pub replayed: AtomicU64,
}

struct Window {
    highest: u32,
    seen: u128,
    bits: Vec<u64>,
}

impl Window {
    fn new(counter: u32) -> Window {
        let mut w = Window {
            highest: counter,
            seen: 0,
            bits: vec![0; (REPLAY_WINDOW / 64) as usize],
        };
        w.mark(counter);
        w
    }

    fn slot(&mut self, counter: u32) -> (usize, u64) {
        let i = (counter % REPLAY_WINDOW) as usize;
        (i / 64, 1u64 << (i % 64))
    }

    fn mark(&mut self, counter: u32) {
        let (w, b) = self.slot(counter);
        self.bits[w] |= b;
        self.seen += 1;
    }

    /// True if `counter` is new; records it.
    fn accept(&mut self, counter: u32) -> bool {
        if counter > self.highest {
            // Clear the slots the window slides past.
            let advance = (counter - self.highest).min(REPLAY_WINDOW);
            for c in 1..=advance {
                let (w, b) = self.slot(self.highest.wrapping_add(c));
                self.bits[w] &= !b;
            }
            self.highest = counter;
            self.mark(counter);
            return true;
        }
        if self.highest - counter >= REPLAY_WINDOW {
            return false;
        }
        let (w, b) = self.slot(counter);
        if self.bits[w] & b != 0 {
            return false;
        }
        self.bits[w] |= b;
        true
    }
}

pub struct Sealer {
    keys: RwLock<Keys>,
    instance: Mutex<(u64, u32)>,
    windows: Mutex<HashMap<u64, Window>>,
    compression_threshold: usize,
    pub stats: Arc<SealStats>,
}

impl Sealer {
    pub fn new(keys: Keys, compression_threshold: usize) -> Sealer {
        Sealer {
            keys: RwLock::new(keys),
            instance: Mutex::new((rand::random(), 0)),
            windows: Mutex::new(HashMap::new()),
            compression_threshold,
            stats: Arc::new(SealStats::default()),
        }
    }

    pub fn set_keys(&self, keys: Keys) {
        *self.keys.write().unwrap_or_else(|p| p.into_inner()) = keys;
    }

    pub fn key_version(&self) -> u64 {
        self.keys.read().unwrap_or_else(|p| p.into_inner()).version
    }

    fn next_nonce(&self) -> [u8; 12] {
        let mut g = self.instance.lock().unwrap_or_else(|p| p.into_inner());
        if g.1 == u32::MAX {
            // Counter exhausted: become a new instance rather than ever reuse a nonce.
            *g = (rand::random(), 0);
        }
        g.1 += 1;
        let mut n = [0u8; 12];
        n[..8].copy_from_slice(&g.0.to_be_bytes());
        n[8..].copy_from_slice(&g.1.to_be_bytes());
        n
    }

    /// Seals one core payload into a datagram (None if it would exceed the datagram limit).
    pub fn seal(&self, payload: &[u8]) -> Option<Vec<u8>> {
        let mut plain = Vec::with_capacity(payload.len() + 1);
        if payload.len() > self.compression_threshold {
            let packed = lz4_flex::block::compress_prepend_size(payload);
            if packed.len() < payload.len() {
                self.stats.compressed.fetch_add(1, Ordering::Relaxed);
                self.stats
                    .bytes_saved
                    .fetch_add((payload.len() - packed.len()) as u64, Ordering::Relaxed);
                plain.push(FLAG_LZ4);
                plain.extend_from_slice(&packed);
            }
        }
        if plain.is_empty() {
            plain.push(0);
            plain.extend_from_slice(payload);
        }
        if plain.len() + HEADER + TAG > MAX_DATAGRAM {
            return None;
        }
        let nonce = self.next_nonce();
        let keys = self.keys.read().unwrap_or_else(|p| p.into_inner());
        let cipher = keys.ciphers.first()?;
        let sealed = cipher
            .encrypt(Nonce::from_slice(&nonce), plain.as_slice())
            .ok()?;
        let mut out = Vec::with_capacity(HEADER + sealed.len());
        out.push(WIRE_VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        self.stats.sealed.fetch_add(1, Ordering::Relaxed);
        Some(out)
    }

    /// Opens a datagram; every failure is counted and none panics.
    pub fn open(&self, datagram: &[u8]) -> Result<Vec<u8>, Drop> {
        let result = self.open_inner(datagram);
        let counter = match result {
            Ok(_) => &self.stats.opened,
            Err(Drop::Oversized) => &self.stats.oversized,
            Err(Drop::Malformed) => &self.stats.malformed,
            Err(Drop::Unauthenticated) => &self.stats.unauthenticated,
            Err(Drop::Replayed) => &self.stats.replayed,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        result
    }

    fn open_inner(&self, datagram: &[u8]) -> Result<Vec<u8>, Drop> {
        if datagram.len() > MAX_DATAGRAM {
            return Err(Drop::Oversized);
        }
        if datagram.len() < HEADER + TAG + 1 || datagram[0] != WIRE_VERSION {
            return Err(Drop::Malformed);
        }
        let nonce = &datagram[1..HEADER];
        let body = &datagram[HEADER..];
        let plain = {
            let keys = self.keys.read().unwrap_or_else(|p| p.into_inner());
            keys.ciphers
                .iter()
                .find_map(|c| c.decrypt(Nonce::from_slice(nonce), body).ok())
                .ok_or(Drop::Unauthenticated)?
        };
        let mut id = [0u8; 8];
        id.copy_from_slice(&nonce[..8]);
        let mut ctr = [0u8; 4];
        ctr.copy_from_slice(&nonce[8..]);
        let (instance, counter) = (u64::from_be_bytes(id), u32::from_be_bytes(ctr));
        {
            let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
            match windows.get_mut(&instance) {
                Some(w) => {
                    if !w.accept(counter) {
                        return Err(Drop::Replayed);
                    }
                }
                None => {
                    if windows.len() >= MAX_INSTANCES {
                        // Forget the quietest sender; bounded memory beats perfect history.
                        if let Some(k) = windows.iter().min_by_key(|(_, w)| w.seen).map(|(k, _)| *k)
                        {
                            windows.remove(&k);
                        }
                    }
                    windows.insert(instance, Window::new(counter));
                }
            }
        }
        let (&flags, rest) = plain.split_first().ok_or(Drop::Malformed)?;
        match flags {
            0 => Ok(rest.to_vec()),
            FLAG_LZ4 => {
                if rest.len() < 4 {
                    return Err(Drop::Malformed);
                }
                let size = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
                if size > MAX_PLAINTEXT {
                    return Err(Drop::Malformed);
                }
                lz4_flex::block::decompress(&rest[4..], size).map_err(|_| Drop::Malformed)
            }
            _ => Err(Drop::Malformed),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn ring(keys: Vec<String>) -> Keys {
        Keys::from_api(&GossipKeyring { version: 1, keys }).unwrap()
    }

    #[test]
    fn round_trip_compressed_and_plain() {
        let k = generate_key();
        let (a, b) = (
            Sealer::new(ring(vec![k.clone()]), 64),
            Sealer::new(ring(vec![k]), 64),
        );
        let small = b"ping".to_vec();
        let big = vec![7u8; 1000];
        assert_eq!(b.open(&a.seal(&small).unwrap()).unwrap(), small);
        let sealed = a.seal(&big).unwrap();
        assert!(sealed.len() < 200, "1000 repeated bytes compress");
        assert_eq!(b.open(&sealed).unwrap(), big);
        assert_eq!(a.seal(&small).unwrap().len(), small.len() + OVERHEAD);
    }

    #[test]
    fn wrong_key_tampering_replay_and_garbage_are_dropped_and_counted() {
        let (k1, k2) = (generate_key(), generate_key());
        let a = Sealer::new(ring(vec![k1.clone()]), 512);
        let b = Sealer::new(ring(vec![k1]), 512);
        let stranger = Sealer::new(ring(vec![k2]), 512);
        let d = a.seal(b"hello").unwrap();
        assert_eq!(stranger.open(&d), Err(Drop::Unauthenticated));
        for i in 0..d.len() {
            let mut t = d.clone();
            t[i] ^= 0x01;
            assert!(b.open(&t).is_err(), "flip at byte {i} accepted");
        }
        assert_eq!(b.open(&d).unwrap(), b"hello");
        assert_eq!(b.open(&d), Err(Drop::Replayed));
        assert_eq!(b.open(&[]), Err(Drop::Malformed));
        assert_eq!(b.open(&vec![1u8; 4000]), Err(Drop::Oversized));
        assert_eq!(b.stats.replayed.load(Ordering::Relaxed), 1);
        assert!(b.stats.unauthenticated.load(Ordering::Relaxed) >= 1);
    }

    #[test]
    fn out_of_order_is_fine_but_each_counter_once() {
        let k = generate_key();
        let a = Sealer::new(ring(vec![k.clone()]), 512);
        let b = Sealer::new(ring(vec![k]), 512);
        let ds: Vec<_> = (0..50).map(|_| a.seal(b"x").unwrap()).collect();
        for d in ds.iter().rev() {
            assert!(b.open(d).is_ok());
        }
        for d in &ds {
            assert_eq!(b.open(d), Err(Drop::Replayed));
        }
    }

    #[test]
    fn a_secondary_key_opens_during_rotation() {
        let (old, new) = (generate_key(), generate_key());
        let sender = Sealer::new(ring(vec![new.clone()]), 512);
        let receiver = Sealer::new(ring(vec![old.clone(), new]), 512);
        assert!(receiver.open(&sender.seal(b"x").unwrap()).is_ok());
        assert!(
            Keys::from_api(&GossipKeyring {
                version: 1,
                keys: vec!["short".into()]
            })
            .is_err()
        );
        assert!(Keys::from_api(&GossipKeyring::default()).is_err());
    }
}
