//! API request and response bodies (`/v1/...`). Field names are snake_case and stable: they
//! are the JSON contract for operators' scripts (see README "JSON output").

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub use crate::stats::{
    CacheStats, CacheStatsList, ConnectionPoolStats, GossipStats, LimitClassStats, LimitStats,
};

/// What a signed-in operator may do. Ordered: `Admin` > `Operator` > `Viewer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Viewer,
    Operator,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Operator, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Operator => "operator",
            Role::Viewer => "viewer",
        }
    }

    /// True when a caller with this role may use a route that needs `required`.
    pub fn allows(self, required: Role) -> bool {
        self >= required
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "admin" => Ok(Role::Admin),
            "operator" => Ok(Role::Operator),
            "viewer" => Ok(Role::Viewer),
            other => Err(format!(
                "unknown role `{other}`: expected admin, operator or viewer"
            )),
        }
    }
}

/// `GET /v1/health`: answered to anyone, authenticated or not.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HealthResponse {
    pub status: String,
    pub node_id: String,
    pub role: NodeRole,
    pub version: String,
}

/// `POST /v1/auth/login`.
#[derive(Clone, Serialize, Deserialize)]
pub struct LoginRequest {
    pub user: String,
    pub password: String,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .finish()
    }
}

#[derive(Clone, Serialize, Deserialize)]
pub struct LoginResponse {
    pub token: String,
    pub token_type: String,
    pub user: String,
    pub role: Role,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

impl std::fmt::Debug for LoginResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginResponse")
            .field("token", &"<redacted>")
            .field("user", &self.user)
            .field("role", &self.role)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// How the caller of a request proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    Jwt,
    ClientCertificate,
}

/// `GET /v1/auth/whoami`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WhoAmI {
    pub user: String,
    pub role: Role,
    pub auth_method: AuthMethod,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    /// The node that answered.
    pub node_id: String,
}

/// `GET /ui/session`: whom the dashboard's cookie signs in. Answered 200 either way, so a
/// page that is not signed in yet shows its login form without an error.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct UiSession {
    pub signed_in: bool,
    pub who: Option<WhoAmI>,
    /// Why a cookie the browser sent no longer signs in (expired, logged out, ended);
    /// `null` when it sent none.
    pub ended: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeRole {
    Coordinator,
    Worker,
}

impl std::fmt::Display for NodeRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NodeRole::Coordinator => "coordinator",
            NodeRole::Worker => "worker",
        })
    }
}

/// Membership state of a node, as the answering node sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeState {
    Alive,
    Suspect,
    Dead,
    Left,
}

impl std::fmt::Display for NodeState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NodeState::Alive => "alive",
            NodeState::Suspect => "suspect",
            NodeState::Dead => "dead",
            NodeState::Left => "left",
        })
    }
}

/// One member of the cluster (`GET /v1/nodes`, `GET /v1/nodes/{id}`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NodeInfo {
    pub node_id: String,
    pub role: NodeRole,
    pub state: NodeState,
    /// Every address the node advertises, preferred first.
    pub addresses: Vec<String>,
    /// `host:port` of the node's HTTPS listener.
    pub api_address: String,
    pub version: String,
    /// Hex serial of the node's current certificate, if it has one.
    pub cert_serial: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub cert_not_after: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub last_state_change: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NodeList {
    pub nodes: Vec<NodeInfo>,
}

/// An operator account (`GET /v1/users`). Never carries the password hash.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct UserInfo {
    pub name: String,
    pub role: Role,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct UserList {
    pub users: Vec<UserInfo>,
}

/// `POST /v1/users`.
#[derive(Clone, Serialize, Deserialize)]
pub struct CreateUserRequest {
    pub name: String,
    pub role: Role,
    pub password: String,
}

impl std::fmt::Debug for CreateUserRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateUserRequest")
            .field("name", &self.name)
            .field("role", &self.role)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// `PUT /v1/users/{name}/password`.
#[derive(Clone, Serialize, Deserialize)]
pub struct SetPasswordRequest {
    pub password: String,
    /// The account's current password: required when users change their own (an admin
    /// resetting someone's does not need it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_password: Option<String>,
}

impl std::fmt::Debug for SetPasswordRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SetPasswordRequest { password: <redacted> }")
    }
}

/// `POST /v1/tokens`: a join token for new workers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CreateJoinTokenRequest {
    /// Lifetime in seconds.
    pub ttl_seconds: u64,
    /// Only a node of this name may join with the token.
    pub node_id: Option<String>,
    /// How many joins the token allows.
    pub uses: u32,
    /// The token enrols coordinators (which receive the CA key and join the Raft group),
    /// not workers.
    #[serde(default)]
    pub coordinator: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinTokenStatus {
    Active,
    Expired,
    UsedUp,
    Revoked,
}

impl std::fmt::Display for JoinTokenStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            JoinTokenStatus::Active => "active",
            JoinTokenStatus::Expired => "expired",
            JoinTokenStatus::UsedUp => "used_up",
            JoinTokenStatus::Revoked => "revoked",
        })
    }
}

/// A join token as listed (`GET /v1/tokens`); never the secret.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct JoinTokenInfo {
    pub token_id: String,
    pub node_id: Option<String>,
    /// It enrols coordinators.
    #[serde(default)]
    pub coordinator: bool,
    pub uses: u32,
    pub uses_left: u32,
    pub status: JoinTokenStatus,
    pub created_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// `POST /v1/tokens` answer: the token text is shown this once.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct JoinTokenCreated {
    /// `p2pjoin1.<token_id>.<secret>.<ca_pin>`.
    pub token: String,
    #[serde(flatten)]
    pub info: JoinTokenInfo,
}

impl std::fmt::Debug for JoinTokenCreated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinTokenCreated")
            .field("token", &"<redacted>")
            .field("info", &self.info)
            .finish()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct JoinTokenList {
    pub tokens: Vec<JoinTokenInfo>,
}

/// What a node asks for when it enrols (`POST /v1/enroll`, with the join token) or renews
/// (`POST /v1/cluster/renew`, over mTLS with its current certificate).
#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct CertRequest {
    /// Join token id and secret; only for enrolment.
    pub token_id: Option<String>,
    pub token_secret: Option<String>,
    pub node_id: String,
    /// PKCS#10 request for the node's locally generated key. Only its public key is used.
    pub csr_pem: String,
    /// Addresses the node claims; each is checked by a call-back on the challenge port.
    pub addresses: Vec<std::net::IpAddr>,
    pub hostname: Option<String>,
    /// Key for the challenge answer (HMAC-SHA256 of the call-back nonce).
    pub challenge_secret: String,
    /// Port of the node's HTTPS listener.
    pub api_port: u16,
    /// The requester's p2pd version.
    pub version: String,
    /// The requester runs with `coordinator_mode: true` (its token must be a coordinator
    /// token, and the certificate carries the coordinator role).
    #[serde(default)]
    pub coordinator: bool,
}

impl std::fmt::Debug for CertRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertRequest")
            .field("token_id", &self.token_id)
            .field("node_id", &self.node_id)
            .field("addresses", &self.addresses)
            .field("hostname", &self.hostname)
            .field("api_port", &self.api_port)
            .finish_non_exhaustive()
    }
}

/// An address left out of a certificate because its call-back failed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RejectedAddress {
    pub address: std::net::IpAddr,
    pub reason: String,
}

/// A coordinator a node can reach.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CoordinatorInfo {
    pub node_id: String,
    pub api_address: String,
}

/// A signed node certificate.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CertIssued {
    pub cluster_id: String,
    pub node_id: String,
    pub cert_pem: String,
    pub ca_pem: String,
    pub serial: String,
    #[serde(with = "time::serde::rfc3339")]
    pub not_after: OffsetDateTime,
    /// Addresses that passed the call-back and are in the certificate.
    pub addresses: Vec<std::net::IpAddr>,
    pub rejected_addresses: Vec<RejectedAddress>,
    pub coordinators: Vec<CoordinatorInfo>,
    /// The gossip keyring, so the node can join membership at once.
    #[serde(default)]
    pub gossip_keyring: Option<GossipKeyring>,
}

/// The cluster's gossip keyring (AES-256 keys, base64, primary first). Handed to nodes over
/// mTLS only: at enrolment, on renewal and through `GET /v1/cluster/gossip-keys`.
#[derive(Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct GossipKeyring {
    /// Increases with every change; pass it back as `after` to wait for the next.
    pub version: u64,
    pub keys: Vec<String>,
}

impl std::fmt::Debug for GossipKeyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        f.debug_struct("GossipKeyring")
            .field("version", &self.version)
            .field("keys", &self.keys.len())
            .finish()
    }
}

/// `GET /v1/cluster/coordinators`: the coordinators' Raft group as the answering
/// coordinator sees it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CoordinatorList {
    /// The coordinator that answered.
    pub node_id: String,
    pub coordinators: Vec<CoordinatorStatus>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CoordinatorStatus {
    pub node_id: String,
    pub api_address: String,
    /// It leads the Raft group now (as the answering coordinator knows).
    pub leader: bool,
    /// It votes (a learner that is still catching up does not).
    pub voter: bool,
    /// The Raft term the answering coordinator is in.
    pub term: u64,
    /// The last log index it applied; known for the answering coordinator, and for every
    /// coordinator when the leader answers.
    pub last_applied: Option<u64>,
    /// Entries it is behind the leader's log (leader's view).
    pub lag: Option<u64>,
    /// Milliseconds since the answering coordinator last heard from it (0 for itself).
    pub last_contact_ms: Option<u64>,
}

/// `POST /v1/cluster/gossip-key/rotate`: how the rotation went.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GossipKeyRotation {
    /// Keyring version now in force (only the new key remains).
    pub version: u64,
    /// Members that confirmed each step.
    pub nodes: Vec<String>,
    /// Live members that had not confirmed when a step timed out (then the old key is kept
    /// as a secondary so they are not cut off).
    pub lagging: Vec<String>,
    pub old_key_removed: bool,
}

/// `GET /v1/cluster/revocations`: serials of revoked, not yet expired certificates.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RevocationSnapshot {
    /// Increases with every revocation; pass it back as `after` to wait for the next.
    pub version: u64,
    pub serials: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertKind {
    Node,
    Operator,
    /// Issued through ACME to a workload: never a node or operator identity.
    Workload,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertStatus {
    /// The subject's current certificate, not expired.
    Valid,
    /// Replaced by a newer certificate of the same subject (still cryptographically valid).
    Superseded,
    Expired,
    Revoked,
}

impl std::fmt::Display for CertStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CertStatus::Valid => "valid",
            CertStatus::Superseded => "superseded",
            CertStatus::Expired => "expired",
            CertStatus::Revoked => "revoked",
        })
    }
}

/// A certificate the cluster CA issued (`GET /v1/certs`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CertSummary {
    pub serial: String,
    pub kind: CertKind,
    /// Node id or operator user name.
    pub subject: String,
    /// Operator certificates only.
    pub role: Option<Role>,
    pub ip_addresses: Vec<String>,
    pub dns_names: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub not_before: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub not_after: OffsetDateTime,
    /// Whole days until `not_after` (negative once expired).
    pub days_left: i64,
    pub status: CertStatus,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CertList {
    pub certificates: Vec<CertSummary>,
}

/// `POST /v1/certs/revoke`: one of the two.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RevokeCertRequest {
    pub node_id: Option<String>,
    pub serial: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RevokeCertResponse {
    pub revoked: Vec<CertSummary>,
}

/// `POST /v1/nodes/{id}/cert/renew` answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RenewResult {
    pub node_id: String,
    pub old_serial: Option<String>,
    pub new_serial: String,
    #[serde(with = "time::serde::rfc3339")]
    pub not_after: OffsetDateTime,
}

/// `POST /v1/certs/operator`: sign an operator's client certificate.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OperatorCertRequest {
    pub user: String,
    pub role: Role,
    pub csr_pem: String,
    /// Lifetime in seconds (default 30 days, at most the node certificate lifetime).
    pub ttl_seconds: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OperatorCertIssued {
    pub user: String,
    pub role: Role,
    pub serial: String,
    pub cert_pem: String,
    pub ca_pem: String,
    #[serde(with = "time::serde::rfc3339")]
    pub not_after: OffsetDateTime,
}

/// `GET /v1/node/status` (node route): the answering node and its certificate.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NodeStatus {
    pub node_id: String,
    pub role: NodeRole,
    pub cert_serial: String,
    #[serde(with = "time::serde::rfc3339")]
    pub cert_not_after: OffsetDateTime,
    /// Who called, as the node read it from the client certificate.
    pub caller: String,
    /// The gossip keyring version this node holds (what a key rotation waits for).
    #[serde(default)]
    pub keyring_version: u64,
}

/// Every error response: `{ "error": { "code": "...", "message": "..." } }`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `unauthenticated`, `forbidden`, `not_found`.
    pub code: String,
    pub message: String,
}
