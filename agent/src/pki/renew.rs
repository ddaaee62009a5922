//! The renewal task: every `cert_check_interval` it asks the pure [`renewal_reason`] whether
//! the certificate still fits (addresses, host name, time left) and renews when it does not,
//! or at once when an operator asks. Workers renew at a coordinator over mTLS with their
//! current certificate, retrying with backoff and jitter across every known coordinator;
//! coordinators sign their own. The new certificate is persisted, then hot-swapped.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use p2p_shared::NodeIdentity;
use p2p_shared::api::RenewResult;
use rcgen::KeyPair;
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot, watch};
use zeroize::Zeroizing;

use super::enroll::EnrollError;
use super::enroll::{Claim, Credential, Obtained, Target, obtain};
use super::issuer::IssueError;
use super::issuer::Issuer;
use super::{NodePki, PkiError};
use crate::blocking::{self, TaskFailed};
use crate::config::PkiConfig;
use crate::pki::ca::{CaError, CertInfo, NodeCertRequest};
use crate::pki::renewal::{RenewReason, Wanted, renewal_reason};
use crate::retry::Backoff;
use crate::secrets::VaultError;
use crate::secrets::entries;
use crate::secrets::vault::Vault;
use crate::store::Command;

const MAX_BACKOFF: Duration = Duration::from_secs(60);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// Where new certificates come from.
#[derive(Clone)]
pub enum Source {
    /// This node is a coordinator and signs its own.
    Local(Arc<Issuer>),
    /// Ask the coordinators (configured addresses plus those learned at enrolment).
    Remote { configured: Vec<String> },
}

/// Everything the task needs; the closures let tests and the agent decide how addresses
/// and the host name are found.
pub struct RenewContext {
    pub pki: Arc<NodePki>,
    pub vault: Arc<Mutex<Vault>>,
    pub source: Source,
    pub addresses: Box<dyn Fn() -> Vec<IpAddr> + Send + Sync>,
    pub hostname: Option<String>,
    pub api_port: u16,
    /// Challenge port, validity, renewal window and check interval.
    pub config: PkiConfig,
}

/// Why a renewal did not happen.
#[derive(Debug, thiserror::Error)]
pub enum RenewError {
    #[error("the renewal task has stopped")]
    Stopped,
    #[error("shutting down")]
    ShuttingDown,
    #[error(
        "the node certificate has expired and cannot be renewed with itself; restart p2pd with a new join token (--join-token)"
    )]
    Expired,
    #[error("no coordinator is known")]
    NoCoordinator,
    #[error("{coordinator}: {source}")]
    Coordinator {
        coordinator: String,
        #[source]
        source: EnrollError,
    },
    #[error("cannot save the new certificate: {0}")]
    Persist(#[from] PersistError),
    #[error(transparent)]
    Install(#[from] PkiError),
    #[error("cannot sign a certificate locally: {0}")]
    Local(#[from] IssueError),
    #[error(transparent)]
    Task(#[from] TaskFailed),
}

/// Why a certificate could not be written to the vault.
#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    #[error("cannot encode {0}: {1}")]
    Encode(&'static str, serde_json::Error),
    #[error(transparent)]
    Vault(#[from] VaultError),
}

struct RenewRequest {
    reply: oneshot::Sender<Result<RenewResult, RenewError>>,
}

/// Asks the renewal task to renew now.
#[derive(Debug, Clone)]
pub struct RenewHandle(mpsc::Sender<RenewRequest>);

impl RenewHandle {
    pub async fn renew_now(&self) -> Result<RenewResult, RenewError> {
        let (reply, rx) = oneshot::channel();
        self.0
            .send(RenewRequest { reply })
            .await
            .map_err(|_| RenewError::Stopped)?;
        rx.await.map_err(|_| RenewError::Stopped)?
    }
}

/// Coordinators to ask, preferred first: configured addresses (with their node id once
/// learned), then any other coordinator learned at enrolment.
pub fn targets(configured: &[String], pki: &NodePki) -> Vec<Target> {
    let learned = pki.coordinators();
    let mut out: Vec<Target> = configured
        .iter()
        .map(|a| Target {
            address: a.clone(),
            node_id: learned
                .iter()
                .find(|c| &c.api_address == a)
                .map(|c| c.node_id.clone()),
        })
        .collect();
    for c in learned {
        if !out.iter().any(|t| t.address == c.api_address) {
            out.push(Target {
                address: c.api_address.clone(),
                node_id: Some(c.node_id.clone()),
            });
        }
    }
    out
}

/// Saves a new certificate and key in the vault (before it is used, so a crash never leaves
/// the node serving a certificate it cannot reload).
pub fn persist(vault: &Mutex<Vault>, got: &Obtained) -> Result<(), PersistError> {
    let mut v = vault.lock().unwrap_or_else(|p| p.into_inner());
    v.put(entries::NODE_CERT, got.cert_pem.as_bytes().to_vec());
    v.put(entries::NODE_KEY, got.key_pkcs8.to_vec());
    v.put(entries::CLUSTER_ID, got.cluster_id.as_bytes().to_vec());
    v.put(entries::CA_CERT, got.ca_pem.as_bytes().to_vec());
    if !got.coordinators.is_empty() {
        let json = serde_json::to_vec(&got.coordinators)
            .map_err(|e| PersistError::Encode("the coordinator list", e))?;
        v.put(entries::COORDINATORS, json);
    }
    if let Some(ring) = got.gossip_keyring.as_ref().filter(|r| !r.keys.is_empty()) {
        let json =
            serde_json::to_vec(ring).map_err(|e| PersistError::Encode("the gossip keyring", e))?;
        v.put(entries::GOSSIP_KEYRING, json);
    }
    Ok(v.save()?)
}

pub fn spawn(
    ctx: RenewContext,
    shutdown: watch::Receiver<bool>,
) -> (RenewHandle, tokio::task::JoinHandle<()>) {
    let (tx, rx) = mpsc::channel(8);
    let task = tokio::spawn(run(ctx, rx, shutdown));
    (RenewHandle(tx), task)
}

async fn run(
    ctx: RenewContext,
    mut requests: mpsc::Receiver<RenewRequest>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(ctx.config.cert_check_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Addresses the coordinator could not reach last time: wanting them again would renew
    // in a loop. They are retried with the next renewal that happens for another reason.
    let mut unreachable: Vec<IpAddr> = Vec::new();
    loop {
        let request = tokio::select! {
            _ = shutdown.changed() => return,
            _ = tick.tick() => None,
            r = requests.recv() => match r {
                Some(r) => Some(r),
                None => return,
            },
        };
        let current = ctx.pki.current();
        let now = OffsetDateTime::now_utc();
        let reason = if request.is_some() {
            Some(RenewReason::Requested)
        } else {
            let ips: Vec<IpAddr> = (ctx.addresses)()
                .into_iter()
                .filter(|ip| !unreachable.contains(ip))
                .collect();
            let identity = NodeIdentity::new(&ctx.pki.cluster_id, &ctx.pki.node_id);
            renewal_reason(
                Some(&current.info),
                &Wanted {
                    identity: &identity,
                    ips: &ips,
                    hostname: ctx.hostname.as_deref(),
                    coordinator: matches!(ctx.source, Source::Local(_)),
                },
                now,
                ctx.config.renew_before,
            )
        };
        let Some(reason) = reason else { continue };
        if now >= current.info.not_after && matches!(ctx.source, Source::Remote { .. }) {
            tracing::error!(
                not_after = %current.info.not_after,
                "the node certificate has expired and cannot be renewed with itself; restart p2pd with a new join token (--join-token)"
            );
            if let Some(r) = request {
                let _ = r.reply.send(Err(RenewError::Expired));
            }
            continue;
        }
        tracing::info!(%reason, serial = %current.info.serial_hex, "renewing the node certificate");
        let persistent = request.is_none();
        let outcome = renew(&ctx, persistent, &mut shutdown).await;
        let result = match outcome {
            Ok(got) => {
                unreachable = got.rejected.iter().map(|r| r.address).collect();
                match install(&ctx, &got).await {
                    Ok(()) => Ok(RenewResult {
                        node_id: ctx.pki.node_id.clone(),
                        old_serial: Some(current.info.serial_hex.clone()),
                        new_serial: got.info.serial_hex.clone(),
                        not_after: got.info.not_after,
                    }),
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        };
        if let Err(e) = &result {
            tracing::error!(error = %e, "certificate renewal failed");
        }
        if let Some(r) = request {
            let _ = r.reply.send(result);
        }
    }
}

async fn install(ctx: &RenewContext, got: &Obtained) -> Result<(), RenewError> {
    let vault = ctx.vault.clone();
    let to_save = got.clone();
    blocking::run(move || persist(&vault, &to_save).map_err(RenewError::from)).await?;
    ctx.pki.install(got.cert_der.clone(), &got.key_pkcs8)?;
    if !got.coordinators.is_empty() {
        ctx.pki.set_coordinators(got.coordinators.clone());
    }
    tracing::info!(
        serial = %got.info.serial_hex,
        not_after = %got.info.not_after,
        addresses = ?got.info.ips,
        "Certificate successfully updated from coordinator"
    );
    Ok(())
}

/// One renewal: a single round over the coordinators for an operator's request, or rounds
/// with backoff until it works (or fails for good) for automatic triggers.
async fn renew(
    ctx: &RenewContext,
    persistent: bool,
    shutdown: &mut watch::Receiver<bool>,
) -> Result<Obtained, RenewError> {
    // Addresses are read again for every attempt: they may be changing right now.
    let claim = || Claim {
        node_id: ctx.pki.node_id.clone(),
        ips: (ctx.addresses)(),
        hostname: ctx.hostname.clone(),
        api_port: ctx.api_port,
        challenge_port: ctx.config.challenge_port,
        coordinator: false,
    };
    let configured = match &ctx.source {
        Source::Local(issuer) => {
            // Signing and the replicated write block: off the async workers.
            let (issuer, claim, validity) = (issuer.clone(), claim(), ctx.config.cert_validity);
            return blocking::run(move || renew_locally(&issuer, &claim, validity)).await;
        }
        Source::Remote { configured } => configured,
    };
    let cred = Credential::Current {
        ca_der: ctx.pki.ca_der.clone(),
        cell: ctx.pki.cell.clone(),
        revoked: ctx.pki.revoked.clone(),
    };
    let mut backoff = Backoff::new(MAX_BACKOFF);
    let key = super::enroll::new_key().map_err(|source| RenewError::Coordinator {
        coordinator: String::new(),
        source,
    })?;
    loop {
        let mut last = RenewError::NoCoordinator;
        let claim = claim();
        for target in targets(configured, &ctx.pki) {
            match obtain(&target, &claim, &cred, &key, REQUEST_TIMEOUT).await {
                Ok(got) => return Ok(got),
                Err(source) => {
                    let transient = source.is_transient();
                    last = RenewError::Coordinator {
                        coordinator: target.address.clone(),
                        source,
                    };
                    if !transient {
                        return Err(last);
                    }
                }
            }
        }
        if !persistent {
            return Err(last);
        }
        tracing::warn!(error = %last, failures = backoff.failures() + 1, "no coordinator renewed the certificate; retrying");
        if !backoff.wait(shutdown).await {
            return Err(RenewError::ShuttingDown);
        }
    }
}

fn renew_locally(
    issuer: &Issuer,
    claim: &Claim,
    validity: Duration,
) -> Result<Obtained, RenewError> {
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
        .map_err(|e| IssueError::from(CaError::from(e)))?;
    let req = NodeCertRequest {
        node_id: claim.node_id.clone(),
        ips: claim.ips.clone(),
        dns_names: claim.hostname.iter().cloned().collect(),
        validity,
        coordinator: true,
    };
    let issued = issuer
        .ca()
        .issue_node_cert(&req, &key, OffsetDateTime::now_utc())
        .map_err(IssueError::from)?;
    issuer.record_local(&issued.cert_der, &claim.node_id)?;
    note_node_cert(issuer, &claim.node_id, &issued.serial_hex, issued.not_after);
    let info = CertInfo::from_der(&issued.cert_der)
        .ok_or_else(|| PkiError::BadMaterial("new certificate does not parse".into()))?;
    Ok(Obtained {
        cluster_id: issuer.ca().cluster_id().to_string(),
        cert_der: issued.cert_der,
        cert_pem: issued.cert_pem,
        key_pkcs8: Zeroizing::new(key.serialize_der()),
        ca_der: issuer.ca().cert_der().clone(),
        ca_pem: issuer.ca().cert_pem().to_string(),
        info,
        coordinators: Vec::new(),
        rejected: Vec::new(),
        // A coordinator's keyring lives in its vault already.
        gossip_keyring: None,
    })
}

/// Keeps the node registry's certificate columns in step with a locally issued certificate.
fn note_node_cert(issuer: &Issuer, node_id: &str, serial: &str, not_after: OffsetDateTime) {
    let store = issuer.store();
    if let Ok(Some(mut node)) = store.node(node_id) {
        node.cert_serial = Some(serial.to_string());
        node.cert_not_after = Some(not_after.unix_timestamp());
        if let Err(e) = issuer.writer().write(&Command::UpsertNode { node }) {
            tracing::warn!(error = %e, "could not record the new certificate in the node registry");
        }
    }
}
