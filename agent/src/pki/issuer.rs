//! The coordinator's signing desk: checks who is asking (a join token, or the node's own
//! current certificate), calls back every claimed address, then signs a certificate built
//! from policy. Only the public key is taken from the CSR.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use p2p_shared::api::{
    CertIssued, CertKind, CertRequest, CoordinatorInfo, GossipKeyring, NodeRole, NodeState,
    OperatorCertIssued, OperatorCertRequest, RejectedAddress,
};
use p2p_shared::identity::{OperatorIdentity, is_valid_name};
use rcgen::CertificateSigningRequestParams;
use time::OffsetDateTime;
use tokio::sync::watch;

use super::challenge::{MAX_CLAIMED_ADDRESSES, Verifier};
pub use super::join_tokens::TokenSpec;
use crate::pki::ca::{CaError, CertInfo, ClusterCa, NodeCertRequest};
use crate::pki::own_cert::is_dns_name;
use crate::store::{
    CertRecord, Command, JoinUse, NodeRecord, Rejection, Store, StoreError, Writer, ts,
};

/// Default and longest lifetime of operator certificates.
pub const OPERATOR_CERT_TTL: Duration = Duration::from_secs(30 * 86400);

/// Why the signing desk refused or failed. `api/error.rs` picks the HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    /// The request itself is malformed (names, addresses, CSR, lifetimes).
    #[error("{0}")]
    InvalidRequest(String),
    #[error("a join token is required to enrol")]
    TokenRequired,
    /// Unknown id and wrong secret alike, so the answer tells a guesser nothing.
    #[error("invalid join token")]
    BadToken,
    /// The token is real but expired, used up or revoked (told only to its holder).
    #[error("join token {id} is {status}")]
    TokenUnusable {
        id: String,
        status: p2p_shared::api::JoinTokenStatus,
    },
    #[error("join token {id} is only for node {node}")]
    TokenScoped { id: String, node: String },
    #[error("{}", super::join_tokens::wrong_role(.id, *.coordinator_token))]
    WrongRole { id: String, coordinator_token: bool },
    #[error("node {caller} may only renew its own certificate, not {subject}'s")]
    NotOwnCertificate { caller: String, subject: String },
    #[error("no claimed address answered the challenge ({0})")]
    ChallengeFailed(String),
    #[error(
        "node {0} is already enrolled; to re-enrol it use a token made with --node-id {0}, or revoke its certificate first"
    )]
    AlreadyEnrolled(String),
    /// A renewal with a certificate that a newer one replaced.
    #[error(
        "certificate {serial} was replaced by a newer one and cannot renew; restart the node with a join token made with --node-id if it lost the newer one"
    )]
    Superseded { serial: String },
    /// The store refused a conditional command (a token used up by a racing join, a serial
    /// it does not know).
    #[error(transparent)]
    Rejected(Rejection),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Task(#[from] crate::blocking::TaskFailed),
    #[error(transparent)]
    Ca(CaError),
    #[error("cannot build the call-back client: {0}")]
    CallbackClient(#[from] reqwest::Error),
}

impl From<CaError> for IssueError {
    fn from(e: CaError) -> Self {
        match e {
            CaError::BadName(_) => IssueError::InvalidRequest(e.to_string()),
            _ => IssueError::Ca(e),
        }
    }
}

/// Who is asking for a node certificate.
#[derive(Debug, Clone, Copy)]
pub enum Authorization<'a> {
    /// A new node with the join token in the request.
    JoinToken,
    /// An enrolled node, authenticated over mTLS by its current certificate (`serial`).
    Renewal { node_id: &'a str, serial: &'a str },
}

pub struct Issuer {
    ca: ClusterCa,
    store: Arc<Store>,
    /// Where its changes go (the replicated log on a running coordinator).
    writer: Arc<dyn Writer>,
    verifier: Verifier,
    node_validity: Duration,
    coordinators: Vec<CoordinatorInfo>,
    gossip_keys: watch::Receiver<GossipKeyring>,
    crl: super::crl::Crl,
}

impl std::fmt::Debug for Issuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issuer")
            .field("ca", &self.ca)
            .finish_non_exhaustive()
    }
}

/// What can be checked of a request without the store.
fn validate(req: &CertRequest) -> Result<(), IssueError> {
    if !is_valid_name(&req.node_id) {
        return Err(IssueError::InvalidRequest(format!(
            "invalid node name `{}`",
            req.node_id
        )));
    }
    if req.addresses.is_empty() || req.addresses.len() > MAX_CLAIMED_ADDRESSES {
        return Err(IssueError::InvalidRequest(format!(
            "claim between 1 and {MAX_CLAIMED_ADDRESSES} addresses"
        )));
    }
    if let Some(h) = &req.hostname
        && !is_dns_name(h)
    {
        return Err(IssueError::InvalidRequest(format!(
            "invalid host name `{h}`"
        )));
    }
    if req.challenge_secret.len() < 32 || req.challenge_secret.len() > 128 {
        return Err(IssueError::InvalidRequest(
            "challenge secret must be 32 to 128 characters".into(),
        ));
    }
    Ok(())
}

/// The outcome of the checks before the call-back.
enum Authorized {
    /// A retried request: its certificate, as issued the first time.
    Again(Box<CertIssued>),
    /// Go on; with a join token's use, for an enrolment.
    Proceed(Option<JoinUse>),
}

fn public_key_of(csr_pem: &str) -> Result<rcgen::PublicKey, IssueError> {
    // `from_pem` checks the CSR's signature (proof that the requester holds the key).
    let csr = CertificateSigningRequestParams::from_pem(csr_pem)
        .map_err(|e| IssueError::InvalidRequest(format!("invalid certificate request: {e}")))?;
    Ok(csr.public_key)
}

/// SHA-256 (hex) of a public key's SubjectPublicKeyInfo, as `SpkiPin` writes it.
fn spki_of(key: &impl rcgen::PublicKeyData) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(key.subject_public_key_info()))
}

/// The store's record of a certificate the CA just signed.
pub fn record_of(der: &[u8], kind: CertKind, subject: &str) -> Result<CertRecord, IssueError> {
    let info = CertInfo::from_der(der).ok_or_else(|| {
        IssueError::Ca(CaError::BadMaterial(
            "a freshly signed certificate does not parse".into(),
        ))
    })?;
    let spki = p2p_shared::tls::SpkiPin::of_cert(der).map(|p| p.to_string());
    Ok(CertRecord {
        spki,
        token_id: None,
        pem: None,
        serial: info.serial_hex,
        kind,
        subject: subject.to_string(),
        role: None,
        ip_addresses: info.ips.iter().map(|ip| ip.to_string()).collect(),
        dns_names: info.dns_names,
        not_before: info.not_before.unix_timestamp(),
        not_after: info.not_after.unix_timestamp(),
        revoked_at: None,
    })
}

impl Issuer {
    pub fn new(
        ca: ClusterCa,
        store: Arc<Store>,
        writer: Arc<dyn Writer>,
        challenge_port: u16,
        node_validity: Duration,
        coordinators: Vec<CoordinatorInfo>,
        gossip_keys: watch::Receiver<GossipKeyring>,
    ) -> Result<Self, IssueError> {
        let verifier = Verifier::new(challenge_port)?;
        Ok(Self {
            ca,
            store,
            writer,
            verifier,
            node_validity,
            coordinators,
            gossip_keys,
            crl: Default::default(),
        })
    }

    /// The CA's revocation list (DER), kept until a revocation or an hour has passed.
    pub fn crl(&self, now: time::OffsetDateTime) -> Result<Arc<Vec<u8>>, super::crl::CrlError> {
        self.crl.der(&self.ca, &self.store, now)
    }

    /// Every coordinator of the cluster, from the replicated node registry (each
    /// registers itself when it starts), this one first; what enrolling and renewing
    /// nodes learn so they can fail over between coordinators.
    pub fn coordinators(&self) -> Vec<CoordinatorInfo> {
        let mut list = self.coordinators.clone();
        if let Ok(nodes) = self.store.nodes() {
            for n in nodes.iter() {
                if n.role == NodeRole::Coordinator && !list.iter().any(|c| c.node_id == n.node_id) {
                    list.push(CoordinatorInfo {
                        node_id: n.node_id.clone(),
                        api_address: n.api_address.clone(),
                    });
                }
            }
        }
        list
    }

    pub fn ca(&self) -> &ClusterCa {
        &self.ca
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    pub fn writer(&self) -> &Arc<dyn Writer> {
        &self.writer
    }

    /// Long-pollers of the revocation list wait on this.
    pub fn revocation_watch(&self) -> watch::Receiver<u64> {
        self.store.revocation_watch()
    }

    /// Signs a node certificate for `req` after authorising and validating it.
    /// Checks, calls the node back, signs and records. The store parts run on the blocking
    /// pool (a commit waits for the disk); only the call-back runs on the async workers.
    pub async fn issue_node(
        self: &Arc<Self>,
        req: &CertRequest,
        auth: Authorization<'_>,
        source: IpAddr,
        now: OffsetDateTime,
    ) -> Result<CertIssued, IssueError> {
        validate(req)?;
        let renewal = match auth {
            Authorization::JoinToken => None,
            Authorization::Renewal { node_id, serial } => {
                Some((node_id.to_string(), serial.to_string()))
            }
        };
        let (me, r) = (self.clone(), req.clone());
        let join = match crate::blocking::run(move || me.authorize(&r, renewal, now)).await? {
            Authorized::Again(issued) => return Ok(*issued),
            Authorized::Proceed(join) => join,
        };
        let (addresses, rejected) = self.call_back(req, source).await;
        if addresses.is_empty() {
            let why: Vec<String> = rejected
                .iter()
                .map(|r| format!("{}: {}", r.address, r.reason))
                .collect();
            return Err(IssueError::ChallengeFailed(why.join("; ")));
        }
        let (me, r) = (self.clone(), req.clone());
        crate::blocking::run(move || me.sign_and_record(&r, join, addresses, rejected, now)).await
    }

    /// Whether `req` may have a certificate: the same one again (a retried request), or a
    /// new one (with the join to use up, for an enrolment).
    fn authorize(
        &self,
        req: &CertRequest,
        renewal: Option<(String, String)>,
        now: OffsetDateTime,
    ) -> Result<Authorized, IssueError> {
        let spki = spki_of(&public_key_of(&req.csr_pem)?);
        let unix_now = now.unix_timestamp();
        let again = |issued: Option<CertIssued>| issued.map(|i| Authorized::Again(Box::new(i)));
        let Some((node_id, serial)) = renewal else {
            let token = self.check_token(req, unix_now)?;
            // The same request again (its answer was lost): the same certificate.
            if let Some(a) = again(self.reissue(&spki, req, Some(&token.token_id), unix_now)?) {
                return Ok(a);
            }
            self.check_token_status(&token, req, unix_now)?;
            return Ok(Authorized::Proceed(Some(JoinUse {
                token_id: token.token_id.clone(),
                scoped: token.node_id.is_some(),
                now: unix_now,
            })));
        };
        if node_id != req.node_id {
            return Err(IssueError::NotOwnCertificate {
                caller: node_id,
                subject: req.node_id.clone(),
            });
        }
        let latest = self.store.latest_cert(CertKind::Node, &node_id)?;
        if latest.as_ref().is_some_and(|c| c.serial != serial) {
            // A superseded certificate renews nothing, except to fetch the newer one again
            // when that is what it asked for (same key: a lost answer).
            if let Some(a) = again(self.reissue(&spki, req, None, unix_now)?) {
                return Ok(a);
            }
            return Err(IssueError::Superseded { serial });
        }
        Ok(Authorized::Proceed(None))
    }

    fn may_be_coordinator(
        &self,
        req: &CertRequest,
        join: Option<&JoinUse>,
    ) -> Result<bool, IssueError> {
        match join {
            Some(j) => Ok(self
                .store
                .join_token(&j.token_id)?
                .is_some_and(|t| t.coordinator && req.coordinator)),
            // Coordinators hold the CA key and renew their own; renewals here are workers'.
            None => Ok(false),
        }
    }

    fn sign_and_record(
        &self,
        req: &CertRequest,
        join: Option<JoinUse>,
        addresses: Vec<IpAddr>,
        rejected: Vec<RejectedAddress>,
        now: OffsetDateTime,
    ) -> Result<CertIssued, IssueError> {
        let public_key = public_key_of(&req.csr_pem)?;
        let unix_now = now.unix_timestamp();
        // No DNS SAN: the coordinator cannot check a claimed host name (the call-back proves
        // addresses only), and our own clients authorise by the URI identity.
        let cert_req = NodeCertRequest {
            node_id: req.node_id.clone(),
            ips: addresses.clone(),
            dns_names: Vec::new(),
            validity: self.node_validity,
            // An enrolment's role was checked against its token.
            coordinator: self.may_be_coordinator(req, join.as_ref())?,
        };
        let issued = self.ca.issue_node_cert(&cert_req, &public_key, now)?;
        let mut record = record_of(&issued.cert_der, CertKind::Node, &req.node_id)?;
        record.token_id = join.as_ref().map(|j| j.token_id.clone());
        record.pem = Some(issued.cert_pem.clone());
        let token_id = record.token_id.clone();
        // The token is used up only once everything else has passed (a failed call-back
        // does not cost the operator a token), in the same step that records the
        // certificate: racing joins can neither overuse it nor both take one name.
        match self
            .writer
            .write(&Command::IssueNodeCert { cert: record, join })
        {
            Ok(()) => {}
            Err(StoreError::Rejected(r)) => return Err(IssueError::Rejected(r)),
            Err(e) => return Err(e.into()),
        }
        let previous = self.store.node(&req.node_id)?;
        let node = NodeRecord {
            node_id: req.node_id.clone(),
            role: previous
                .as_ref()
                .map(|p| p.role)
                .unwrap_or(NodeRole::Worker),
            state: NodeState::Alive,
            addresses: addresses.iter().map(|ip| ip.to_string()).collect(),
            api_address: std::net::SocketAddr::new(addresses[0], req.api_port).to_string(),
            version: req.version.clone(),
            cert_serial: Some(issued.serial_hex.clone()),
            cert_not_after: Some(issued.not_after.unix_timestamp()),
            last_state_change: match &previous {
                Some(p) if p.state == NodeState::Alive => p.last_state_change,
                _ => unix_now,
            },
        };
        self.writer.write(&Command::UpsertNode { node })?;
        tracing::info!(
            node_id = %req.node_id,
            serial = %issued.serial_hex,
            addresses = ?addresses,
            hostname = ?req.hostname,
            token_id = ?token_id,
            kind = if token_id.is_some() { "enrolment" } else { "renewal" },
            "signed a node certificate"
        );
        Ok(CertIssued {
            cluster_id: self.ca.cluster_id().to_string(),
            node_id: req.node_id.clone(),
            cert_pem: issued.cert_pem,
            ca_pem: self.ca.cert_pem().to_string(),
            serial: issued.serial_hex,
            not_after: issued.not_after,
            addresses,
            rejected_addresses: rejected,
            coordinators: self.coordinators(),
            gossip_keyring: Some(self.gossip_keys.borrow().clone()),
        })
    }

    /// The certificate already issued for this key to this node (and, for an enrolment,
    /// under this token), if it is still valid: the answer to a retried request.
    fn reissue(
        &self,
        spki: &str,
        req: &CertRequest,
        token_id: Option<&str>,
        now: i64,
    ) -> Result<Option<CertIssued>, IssueError> {
        let Some(prev) = self.store.cert_by_key(spki)? else {
            return Ok(None);
        };
        let same = prev.kind == CertKind::Node
            && prev.subject == req.node_id
            && prev.revoked_at.is_none()
            && prev.not_after > now
            && (token_id.is_none() || prev.token_id.as_deref() == token_id);
        let Some(cert_pem) = prev.pem.clone().filter(|_| same) else {
            return Ok(None);
        };
        tracing::info!(node_id = %req.node_id, serial = %prev.serial, "answering a retried request with the certificate already issued");
        Ok(Some(CertIssued {
            cluster_id: self.ca.cluster_id().to_string(),
            node_id: req.node_id.clone(),
            cert_pem,
            ca_pem: self.ca.cert_pem().to_string(),
            serial: prev.serial.clone(),
            not_after: ts(prev.not_after),
            addresses: prev
                .ip_addresses
                .iter()
                .filter_map(|a| a.parse().ok())
                .collect(),
            rejected_addresses: Vec::new(),
            coordinators: self.coordinators(),
            gossip_keyring: Some(self.gossip_keys.borrow().clone()),
        }))
    }

    /// Calls back every claimed address in parallel.
    async fn call_back(
        &self,
        req: &CertRequest,
        source: IpAddr,
    ) -> (Vec<IpAddr>, Vec<RejectedAddress>) {
        let mut claimed = req.addresses.clone();
        claimed.sort();
        claimed.dedup();
        let mut set = tokio::task::JoinSet::new();
        for ip in claimed.iter().copied() {
            let verifier = self.verifier.clone();
            let secret = zeroize::Zeroizing::new(req.challenge_secret.clone());
            set.spawn(async move { (ip, verifier.check(ip, source, &secret).await) });
        }
        let mut ok = Vec::new();
        let mut rejected = Vec::new();
        while let Some(res) = set.join_next().await {
            match res {
                Ok((ip, Ok(()))) => ok.push(ip),
                Ok((ip, Err(reason))) => {
                    tracing::warn!(node_id = %req.node_id, address = %ip, %reason, "address challenge failed");
                    rejected.push(RejectedAddress {
                        address: ip,
                        reason: reason.to_string(),
                    });
                }
                Err(e) => tracing::error!(error = %e, "call-back task failed"),
            }
        }
        // Keep the requester's order: its first address is its preferred one.
        ok.sort_by_key(|ip| req.addresses.iter().position(|a| a == ip));
        rejected.sort_by_key(|r| r.address);
        (ok, rejected)
    }

    pub fn issue_operator(
        &self,
        req: &OperatorCertRequest,
        now: OffsetDateTime,
    ) -> Result<OperatorCertIssued, IssueError> {
        if !is_valid_name(&req.user) {
            return Err(IssueError::InvalidRequest(format!(
                "invalid user name `{}`",
                req.user
            )));
        }
        let ttl = match req.ttl_seconds {
            Some(0) => return Err(IssueError::InvalidRequest("ttl must be positive".into())),
            Some(s) => Duration::from_secs(s),
            None => OPERATOR_CERT_TTL,
        };
        if ttl > self.node_validity.max(OPERATOR_CERT_TTL) {
            return Err(IssueError::InvalidRequest(format!(
                "ttl may be at most {}",
                humantime::format_duration(self.node_validity.max(OPERATOR_CERT_TTL))
            )));
        }
        let public_key = public_key_of(&req.csr_pem)?;
        let identity = OperatorIdentity {
            cluster_id: self.ca.cluster_id().to_string(),
            user: req.user.clone(),
            role: req.role,
        };
        let issued = self
            .ca
            .issue_operator_cert(&identity, &public_key, ttl, now)?;
        let mut record = record_of(&issued.cert_der, CertKind::Operator, &req.user)?;
        record.role = Some(req.role);
        self.writer.write(&Command::RecordCert { cert: record })?;
        tracing::info!(user = %req.user, role = %req.role, serial = %issued.serial_hex, "signed an operator certificate");
        Ok(OperatorCertIssued {
            user: req.user.clone(),
            role: req.role,
            serial: issued.serial_hex,
            cert_pem: issued.cert_pem,
            ca_pem: self.ca.cert_pem().to_string(),
            not_after: issued.not_after,
        })
    }

    /// Records a locally issued certificate (the coordinator's own).
    pub fn record_local(&self, cert_der: &[u8], node_id: &str) -> Result<(), IssueError> {
        self.writer.write(&Command::RecordCert {
            cert: record_of(cert_der, CertKind::Node, node_id)?,
        })?;
        Ok(())
    }

    /// Revokes the node certificates a renewal replaced at least `grace` ago; wakes the
    /// long-pollers when that revoked any. True if it did.
    pub fn revoke_superseded(
        &self,
        now: OffsetDateTime,
        grace: Duration,
    ) -> Result<bool, StoreError> {
        let before = self.store.revocation_version()?;
        let cutoff = now - grace - crate::pki::ca::BACKDATE;
        self.writer.write(&Command::RevokeSuperseded {
            now: now.unix_timestamp(),
            issued_before: cutoff.unix_timestamp(),
        })?;
        let after = self.store.revocation_version()?;
        if after != before {
            tracing::info!("revoked node certificates replaced by a renewal");
        }
        Ok(after != before)
    }

    /// Revokes certificates by serial; wakes every long-poller.
    pub fn revoke(&self, serials: &[String], now: i64) -> Result<(), IssueError> {
        for serial in serials {
            match self.writer.write(&Command::RevokeCert {
                serial: serial.clone(),
                now,
            }) {
                Ok(()) => {}
                Err(StoreError::Rejected(r)) => return Err(IssueError::Rejected(r)),
                Err(e) => return Err(e.into()),
            }
            tracing::warn!(%serial, "certificate revoked");
        }
        Ok(())
    }
}
