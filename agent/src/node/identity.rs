//! Start-up step 5: who this node is. A coordinator loads its CA, ensures its own
//! certificate (the renewal rules decide whether to reissue it) and builds the control
//! plane around the store. A worker loads its certificate from the vault, or enrols with its
//! join token (retrying transient failures with backoff for up to two minutes) and stores
//! the result before using it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use p2p_shared::api::CoordinatorInfo;
use p2p_shared::jointoken::JoinToken;
use time::OffsetDateTime;

use super::addresses::{Endpoint, dns_hostname};
use super::bootstrap::{self, BootstrapError};
use super::settle::Settle;
use super::{AgentError, Basics};
use crate::blocking;
use crate::config::Config;
use crate::context::ControlPlane;
use crate::membership::rotation::{self, Keyring};
use crate::operators::{TokenKeys, Users};
use crate::pki::enroll::{Claim, Credential, Obtained, Target, obtain};
use crate::pki::issuer::Issuer;
use crate::pki::own_cert::{self, CertPolicy, NodeCert, NodeSubject};
use crate::pki::renew::{Source, persist};
use crate::pki::revocations::refresh_from_store;
use crate::pki::{Material, NodePki, stored_coordinators};
use crate::raft::join::fetch_secrets;
use crate::raft::replicator::{Replicator, ReplicatorOptions};
use crate::retry::Backoff;
use crate::secrets::{Vault, entries};
use crate::store::{Store, Writer};

/// How long a first start keeps trying to reach a coordinator before it gives up.
const JOIN_DEADLINE: Duration = Duration::from_secs(120);
/// How long a control-plane write waits for a Raft leader, and then for its commit.
const RAFT_HOLD: Duration = Duration::from_secs(5);
/// How long one enrolment request may take.
const ENROL_TIMEOUT: Duration = Duration::from_secs(15);

/// The node's identity and, on a coordinator, its control plane.
pub struct Identity {
    pub pki: Arc<NodePki>,
    pub control: Option<ControlPlane>,
    /// Where renewed certificates come from.
    pub source: Source,
    /// A coordinator's start-up writes still to commit once it serves (see `settle.rs`).
    pub settle: Option<Settle>,
}

pub async fn establish(b: &Basics, token: Option<&JoinToken>) -> Result<Identity, AgentError> {
    let (config, node_id, vault, endpoint) = (&b.config, b.node_id.as_str(), &b.vault, &b.endpoint);
    if config.coordinator_mode {
        let joining = lock(vault).get(entries::CA_KEY).is_none();
        if joining {
            join_cluster(config, node_id, vault, endpoint.port, token).await?;
        }
        let store = super::open::store(&config.state_directory).await?;
        let (pki, control, settle) = coordinator(config, node_id, vault, &store, endpoint).await?;
        let source = Source::Local(control.issuer.clone());
        Ok(Identity {
            pki,
            control: Some(control),
            source,
            settle,
        })
    } else {
        let pki = worker(config, node_id, vault, endpoint.port, token).await?;
        Ok(Identity {
            pki: Arc::new(pki),
            control: None,
            source: Source::Remote {
                configured: config.coordinator_addresses.clone(),
            },
            settle: None,
        })
    }
}

fn lock(vault: &Mutex<Vault>) -> std::sync::MutexGuard<'_, Vault> {
    vault.lock().unwrap_or_else(|p| p.into_inner())
}

/// The coordinator's certificate from its own CA, and its JWT keys.
fn coordinator_material(
    config: &Config,
    node_id: &str,
    vault: &Mutex<Vault>,
    endpoint: &Endpoint,
) -> Result<(crate::pki::ca::ClusterCa, NodeCert, TokenKeys), AgentError> {
    let mut v = lock(vault);
    let ca = bootstrap::load_ca(&v)?;
    let hostname = dns_hostname();
    let subject = NodeSubject {
        node_id,
        ips: &endpoint.ips,
        hostname: hostname.as_deref(),
    };
    let policy = CertPolicy {
        validity: config.pki.cert_validity,
        renew_before: config.pki.renew_before,
    };
    let node_cert =
        own_cert::ensure_coordinator_cert(&mut v, &ca, &subject, policy, OffsetDateTime::now_utc())
            .map_err(BootstrapError::from)?;
    let tokens = TokenKeys::from_pkcs8(
        bootstrap::jwt_key(&v)?,
        ca.cluster_id(),
        config.pki.token_ttl,
    )
    .map_err(BootstrapError::from)?;
    if let Some(reason) = &node_cert.renewed {
        tracing::info!(serial = %node_cert.info.serial_hex, %reason, "issued a new node certificate");
    }
    Ok((ca, node_cert, tokens))
}

/// A coordinator's CA, own certificate, Raft node, signing desk and control plane, and
/// its start-up writes if they must wait until it serves.
async fn coordinator(
    config: &Config,
    node_id: &str,
    vault: &Arc<Mutex<Vault>>,
    store: &Arc<Store>,
    endpoint: &Endpoint,
) -> Result<(Arc<NodePki>, ControlPlane, Option<Settle>), AgentError> {
    let (ca, node_cert, tokens) = coordinator_material(config, node_id, vault, endpoint)?;
    let tokens = tokens.with_peer_keys(store.clone());
    let self_info = CoordinatorInfo {
        node_id: node_id.to_string(),
        api_address: endpoint.api_address.clone(),
    };
    let material = Material {
        cluster_id: ca.cluster_id().to_string(),
        ca_pem: ca.cert_pem().to_string(),
        ca_der: ca.cert_der().clone(),
        cert_der: node_cert.cert_der.clone(),
        key_pkcs8: node_cert.key_pkcs8.clone(),
    };
    let pki = Arc::new(NodePki::from_material(
        node_id,
        material,
        vec![self_info.clone()],
    )?);
    // Only the coordinator that created the cluster, or one that ran before replication
    // existed (its store has history), may found the Raft group; a joining one never.
    let may_found =
        lock(vault).get(entries::RAFT_FOUNDER).is_some() || store.applied_commands()? > 0;
    let raft = Replicator::start(ReplicatorOptions {
        node_id: node_id.to_string(),
        api_address: endpoint.api_address.clone(),
        cluster_id: ca.cluster_id().to_string(),
        state_dir: config.state_directory.clone(),
        store: store.clone(),
        pki: pki.clone(),
        may_found,
        hold: RAFT_HOLD,
        compaction: config.raft.clone(),
    })
    .await?;
    let writer: Arc<dyn Writer> = raft.clone();
    let users = Users::new(store.clone(), writer.clone())?;
    let v = vault.clone();
    let ring =
        blocking::run(move || rotation::ensure_keyring(&v).map_err(AgentError::from)).await?;
    let keyring = Keyring::new(vault.clone(), ring, config.gossip.rotation_timeout);
    let issuer = Arc::new(Issuer::new(
        ca,
        store.clone(),
        writer.clone(),
        config.pki.challenge_port,
        config.pki.cert_validity,
        vec![self_info],
        keyring.subscribe(),
    )?);
    refresh_from_store(store, &pki.revoked)?;
    let control = ControlPlane {
        store: store.clone(),
        writer,
        raft,
        users,
        tokens: Arc::new(tokens),
        issuer,
        acme: Arc::new(crate::acme::Acme::new(config.pki.acme_http_port)?),
        keyring,
    };
    let settle = Settle::new(
        &control,
        vault,
        node_id,
        endpoint,
        &node_cert,
        config.coordinator_addresses.clone(),
    );
    if settle.can_run_now() {
        settle.run_once().await?;
        return Ok((pki, control, None));
    }
    Ok((pki, control, Some(settle)))
}

/// A coordinator joining an existing cluster: it enrols with its coordinator join token
/// (the certificate then carries the coordinator role), takes the CA key from a
/// coordinator over that mTLS identity, and makes its own token-signing key. Everything
/// lands in its vault before it goes on as a coordinator.
async fn join_cluster(
    config: &Config,
    node_id: &str,
    vault: &Arc<Mutex<Vault>>,
    api_port: u16,
    token: Option<&JoinToken>,
) -> Result<(), AgentError> {
    let token = token.ok_or(AgentError::CoordinatorNotJoined)?;
    let got = enrol(config, node_id, api_port, token).await?;
    let pki = NodePki::from_material(node_id, got.material(), got.coordinators.clone())?;
    let mut reasons = Vec::new();
    let mut secrets = None;
    for address in &config.coordinator_addresses {
        match fetch_secrets(&pki, address).await {
            Ok(s) => {
                secrets = Some(s);
                break;
            }
            Err(e) => reasons.push(format!("{address}: {e}")),
        }
    }
    let secrets = secrets.ok_or_else(|| AgentError::JoinSecrets(reasons.join("; ")))?;
    // The key must be the CA's: a wrong one would sign certificates nobody trusts.
    crate::pki::ca::ClusterCa::from_pem(&got.cluster_id, &got.ca_pem, &secrets.ca_key_pem)
        .map_err(|e| AgentError::JoinSecrets(format!("the CA key received does not match: {e}")))?;
    let (v, saved) = (vault.clone(), got.clone());
    let ca_key = zeroize::Zeroizing::new(secrets.ca_key_pem.clone().into_bytes());
    blocking::run(move || {
        persist(&v, &saved).map_err(AgentError::from)?;
        let jwt = crate::operators::jwt::generate_signing_key().map_err(BootstrapError::from)?;
        let mut v = lock(&v);
        v.put(entries::CA_KEY, ca_key.to_vec());
        v.put(entries::JWT_KEY, jwt.to_vec());
        v.save().map_err(AgentError::from)
    })
    .await?;
    tracing::info!(serial = %got.info.serial_hex, "enrolled as a coordinator and received the CA key");
    Ok(())
}

/// Loads a worker's identity, enrolling first when it has none (or only an expired one and
/// a token to replace it).
async fn worker(
    config: &Config,
    node_id: &str,
    vault: &Arc<Mutex<Vault>>,
    api_port: u16,
    token: Option<&JoinToken>,
) -> Result<NodePki, AgentError> {
    let (existing, coordinators) = {
        let v = lock(vault);
        (Material::load(&v)?, stored_coordinators(&v))
    };
    if let Some(m) = existing {
        let pki = NodePki::from_material(node_id, m, coordinators)?;
        let not_after = pki.current().info.not_after;
        if not_after > OffsetDateTime::now_utc() {
            return Ok(pki);
        }
        if token.is_none() {
            return Err(AgentError::CertificateExpired(
                not_after,
                node_id.to_string(),
            ));
        }
        tracing::warn!(%not_after, "the node certificate has expired; enrolling again with the join token");
    }
    let token = token.ok_or(AgentError::NotEnrolled)?;
    let got = enrol(config, node_id, api_port, token).await?;
    let (v, saved) = (vault.clone(), got.clone());
    blocking::run(move || persist(&v, &saved).map_err(AgentError::from)).await?;
    for r in &got.rejected {
        tracing::warn!(address = %r.address, reason = %r.reason, "address left out of the certificate: the coordinator could not reach it");
    }
    tracing::info!(serial = %got.info.serial_hex, not_after = %got.info.not_after, "Certificate successfully updated from coordinator");
    Ok(NodePki::from_material(
        node_id,
        got.material(),
        got.coordinators,
    )?)
}

/// A worker's first certificate: the join token, every configured coordinator in turn,
/// retried with backoff while the failure is transient.
async fn enrol(
    config: &Config,
    node_id: &str,
    api_port: u16,
    token: &JoinToken,
) -> Result<Obtained, AgentError> {
    let claim = Claim {
        node_id: node_id.to_string(),
        ips: super::addresses::advertised_ips(&config.http),
        hostname: dns_hostname(),
        api_port,
        challenge_port: config.pki.challenge_port,
        coordinator: config.coordinator_mode,
    };
    let deadline = Instant::now() + JOIN_DEADLINE;
    let mut backoff = Backoff::new(Duration::from_secs(30));
    let key = crate::pki::enroll::new_key().map_err(|source| AgentError::Enroll {
        coordinator: String::new(),
        source,
    })?;
    loop {
        let mut last = None;
        for address in &config.coordinator_addresses {
            let target = Target {
                address: address.clone(),
                node_id: None,
            };
            tracing::info!(coordinator = %address, token_id = %token.token_id, "requesting a certificate with the join token");
            match obtain(
                &target,
                &claim,
                &Credential::Token(token),
                &key,
                ENROL_TIMEOUT,
            )
            .await
            {
                Ok(got) => return Ok(got),
                Err(source) => {
                    let transient = source.is_transient();
                    let failed = AgentError::Enroll {
                        coordinator: address.clone(),
                        source,
                    };
                    if !transient {
                        return Err(failed);
                    }
                    last = Some(failed);
                }
            }
        }
        // Config validation guarantees a worker has at least one coordinator address.
        let last = last.ok_or(AgentError::NotEnrolled)?;
        let delay = backoff.next_delay();
        if Instant::now() + delay > deadline {
            return Err(last);
        }
        tracing::warn!(error = %last, retry_in = ?delay, "enrolment failed; retrying");
        tokio::time::sleep(delay).await;
    }
}
