//! Gossip key rotation without flapping. Every node opens with any key of the ring and seals
//! with the first, so the new key is rolled out in three steps, each confirmed by every live
//! member (members publish the keyring version they hold in their metadata):
//! 1. add the new key as secondary: everyone can open it;
//! 2. make it primary (the old one stays secondary): everyone now seals with it;
//! 3. drop the old key.
//!
//! A member that does not confirm a step in time keeps the old key usable: the rotation stops
//! after step 2 and reports it, rather than cutting it off.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use p2p_gossip::State;
use p2p_shared::api::{GossipKeyRotation, GossipKeyring};
use tokio::sync::watch;

use super::seal::{Keys, generate_key};
use super::{META_KEYRING, Membership};
use crate::pki::NodePki;
use crate::pki::follow::{self, Follow};
use crate::secrets::entries;
use crate::secrets::vault::Vault;

const CONFIRM_TIMEOUT: Duration = Duration::from_secs(3);

/// A coordinator's gossip keyring: where it is kept, the version in force (long-pollers
/// wait on it), and the lock that lets one rotation run at a time.
#[derive(Debug)]
pub struct Keyring {
    vault: Arc<Mutex<Vault>>,
    current: watch::Sender<GossipKeyring>,
    rotating: tokio::sync::Mutex<()>,
    /// How long each rotation step waits for confirmations.
    step_timeout: Duration,
}

impl Keyring {
    pub fn new(vault: Arc<Mutex<Vault>>, ring: GossipKeyring, step_timeout: Duration) -> Self {
        Self {
            vault,
            current: watch::Sender::new(ring),
            rotating: tokio::sync::Mutex::new(()),
            step_timeout,
        }
    }

    pub fn current(&self) -> GossipKeyring {
        self.current.borrow().clone()
    }

    pub fn subscribe(&self) -> watch::Receiver<GossipKeyring> {
        self.current.subscribe()
    }

    /// Held while a rotation runs; `None` if one already does.
    pub fn try_start_rotation(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        self.rotating.try_lock().ok()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RotationError {
    #[error("cannot save the keyring: {0}")]
    Save(#[from] crate::secrets::VaultError),
    #[error("cannot encode the keyring: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("bad keyring: {0}")]
    Keys(#[from] super::seal::KeyringError),
    #[error(transparent)]
    Task(#[from] crate::blocking::TaskFailed),
    /// Replacing it would cut every node off the gossip, so this is never done silently.
    #[error(
        "the gossip keyring in vault {vault} is unreadable ({reason}); restore the vault from a backup, or copy the keyring from another coordinator; a new key would cut every node off"
    )]
    Corrupt { vault: PathBuf, reason: String },
}

/// The keyring in a vault: `None` if it has none, an error if it has an unusable one.
fn read_keyring(v: &Vault) -> Result<Option<GossipKeyring>, RotationError> {
    let Some(bytes) = v.get(entries::GOSSIP_KEYRING) else {
        return Ok(None);
    };
    let corrupt = |reason: String| RotationError::Corrupt {
        vault: v.path().to_path_buf(),
        reason,
    };
    let ring: GossipKeyring = serde_json::from_slice(bytes).map_err(|e| corrupt(e.to_string()))?;
    Keys::from_api(&ring).map_err(|e| corrupt(e.to_string()))?;
    Ok(Some(ring))
}

/// The keyring in the vault, creating one if the cluster has none yet.
pub fn ensure_keyring(vault: &Mutex<Vault>) -> Result<GossipKeyring, RotationError> {
    let mut v = vault.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(ring) = read_keyring(&v)? {
        return Ok(ring);
    }
    let ring = GossipKeyring {
        version: 1,
        keys: vec![generate_key()],
    };
    save(&mut v, &ring)?;
    Ok(ring)
}

/// The keyring a worker received, if any.
pub fn stored_keyring(vault: &Mutex<Vault>) -> Result<Option<GossipKeyring>, RotationError> {
    read_keyring(&vault.lock().unwrap_or_else(|p| p.into_inner()))
}

fn save(v: &mut Vault, ring: &GossipKeyring) -> Result<(), RotationError> {
    v.put(entries::GOSSIP_KEYRING, serde_json::to_vec(ring)?);
    Ok(v.save()?)
}

/// Puts `ring` in force on this node: vault first (nothing lost on a crash), then the
/// transport, then its metadata.
pub fn install(
    vault: &Mutex<Vault>,
    m: &Membership,
    ring: &GossipKeyring,
) -> Result<(), RotationError> {
    let keys = Keys::from_api(ring)?;
    save(&mut vault.lock().unwrap_or_else(|p| p.into_inner()), ring)?;
    m.sealer.set_keys(keys);
    m.set_meta(META_KEYRING, Some(ring.version.to_string()));
    Ok(())
}

fn publish(keyring: &Keyring, m: &Membership, ring: GossipKeyring) -> Result<(), RotationError> {
    install(&keyring.vault, m, &ring)?;
    keyring.current.send_replace(ring);
    Ok(())
}

/// Live members other than this node: name, whether gossip says it holds `version`, and
/// where to ask it.
fn live_members(m: &Membership, version: u64) -> Vec<(String, bool, String)> {
    let core = m.core();
    core.members()
        .filter(|x| x.state == State::Alive && x.name != m.node_id)
        .map(|x| {
            let says = x
                .meta_value(META_KEYRING)
                .and_then(|s| s.parse::<u64>().ok())
                .is_some_and(|v| v >= version);
            let at = x.preferred.or_else(|| x.addrs.first().copied());
            (
                x.name.clone(),
                says,
                at.map(|a| a.to_string()).unwrap_or_default(),
            )
        })
        .collect()
}

/// Waits until every live member confirms keyring `version`; returns those that did not in
/// time. Gossip metadata only says whom to ask: a confirmation counts when the member itself
/// says so over mTLS (anyone holding the gossip key could forge the metadata).
async fn confirmed(m: &Membership, pki: &NodePki, version: u64, timeout: Duration) -> Vec<String> {
    let deadline = Instant::now() + timeout;
    let mut done = std::collections::BTreeSet::new();
    loop {
        let members = live_members(m, version);
        for (name, says, at) in &members {
            if done.contains(name) || !*says {
                continue;
            }
            let asked = pki
                .peer_client(format!("https://{at}"), Some(name.clone()), CONFIRM_TIMEOUT)
                .map(|c| async move { c.node_status().await });
            if let Ok(ask) = asked
                && let Ok(status) = ask.await
                && status.keyring_version >= version
            {
                done.insert(name.clone());
            }
        }
        let mut lag: Vec<String> = members
            .into_iter()
            .map(|(name, _, _)| name)
            .filter(|n| !done.contains(n))
            .collect();
        lag.sort();
        if lag.is_empty() || Instant::now() >= deadline {
            return lag;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Rolls a new key out in the three confirmed steps. Take [`Keyring::try_start_rotation`]
/// first. With `force`, members that do not confirm do not stop it: the old key is removed
/// anyway (they are cut off until they fetch the new keyring).
pub async fn rotate(
    keyring: &Keyring,
    m: &Arc<Membership>,
    pki: &NodePki,
    force: bool,
) -> Result<GossipKeyRotation, RotationError> {
    let current = keyring.current();
    let new_key = generate_key();
    let mut v = current.version;

    v += 1;
    let mut keys = current.keys.clone();
    keys.push(new_key.clone());
    publish(keyring, m, GossipKeyring { version: v, keys })?;
    let lag = confirmed(m, pki, v, keyring.step_timeout).await;
    if !lag.is_empty() && !force {
        return Ok(outcome(m, v, lag, false));
    }

    v += 1;
    let mut keys = vec![new_key.clone()];
    keys.extend(current.keys.iter().cloned());
    publish(keyring, m, GossipKeyring { version: v, keys })?;
    let lag = confirmed(m, pki, v, keyring.step_timeout).await;
    if !lag.is_empty() && !force {
        return Ok(outcome(m, v, lag, false));
    }

    v += 1;
    publish(
        keyring,
        m,
        GossipKeyring {
            version: v,
            keys: vec![new_key],
        },
    )?;
    let lag = confirmed(m, pki, v, keyring.step_timeout).await;
    Ok(outcome(m, v, lag, true))
}

fn outcome(m: &Membership, version: u64, lagging: Vec<String>, removed: bool) -> GossipKeyRotation {
    let nodes = m
        .core()
        .members()
        .filter(|x| x.state == State::Alive && !lagging.contains(&x.name))
        .map(|x| x.name.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    GossipKeyRotation {
        version,
        nodes,
        lagging,
        old_key_removed: removed,
    }
}

/// A worker's follower: installs every new keyring a coordinator publishes.
pub fn spawn_follower(
    pki: Arc<crate::pki::NodePki>,
    configured: Vec<String>,
    vault: Arc<Mutex<Vault>>,
    m: Arc<Membership>,
    shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let known = Some(m.sealer.key_version()).filter(|v| *v > 0);
    let follow = Follow {
        what: "the gossip keyring",
        path: "/v1/cluster/gossip-keys",
        known,
        apply: Box::new(move |ring: GossipKeyring| {
            let (vault, m) = (vault.clone(), m.clone());
            Box::pin(async move {
                if ring.keys.is_empty() {
                    return;
                }
                let (version, keys) = (ring.version, ring.keys.len());
                match crate::blocking::run(move || install(&vault, &m, &ring)).await {
                    Ok(()) => tracing::info!(version, keys, "gossip keyring updated"),
                    Err(e) => tracing::warn!(error = %e, "cannot install the gossip keyring"),
                }
            })
        }),
    };
    follow::spawn(pki, configured, follow, shutdown)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
    use super::*;
    use crate::secrets::KdfParams;

    fn vault(dir: &std::path::Path) -> Mutex<Vault> {
        let kdf = KdfParams {
            m_kib: 256,
            t: 1,
            p: 1,
        };
        Mutex::new(Vault::create(&dir.join("vault.p2p"), "pw", kdf).unwrap())
    }

    #[test]
    fn a_missing_keyring_is_created_once() {
        let dir = tempfile::tempdir().unwrap();
        let v = vault(dir.path());
        let first = ensure_keyring(&v).unwrap();
        assert_eq!(first.version, 1);
        assert_eq!(ensure_keyring(&v).unwrap(), first);
    }

    #[test]
    fn a_corrupt_keyring_is_an_error_not_a_new_key() {
        let dir = tempfile::tempdir().unwrap();
        let v = vault(dir.path());
        for garbage in [&b"not json"[..], br#"{"version":3,"keys":[]}"#] {
            v.lock()
                .unwrap()
                .put(entries::GOSSIP_KEYRING, garbage.to_vec());
            let err = ensure_keyring(&v).unwrap_err();
            let text = err.to_string();
            assert!(matches!(err, RotationError::Corrupt { .. }), "{text}");
            assert!(
                text.contains("vault.p2p") && text.contains("restore"),
                "{text}"
            );
            // Nothing was replaced.
            assert_eq!(
                v.lock().unwrap().get(entries::GOSSIP_KEYRING),
                Some(garbage)
            );
            assert!(stored_keyring(&v).is_err());
        }
    }
}
