//! Control-plane state in SQLite (WAL) under the state directory.
//!
//! Invariant: every mutation is a [`Command`] passed to [`Store::apply`], the one place that
//! writes. Commands are plain serialisable data, so replicating them between coordinators
//! (a Raft log feeding `apply`) changes no caller.

mod acme;
pub mod acme_records;
mod cert_changes;
mod files;
mod local;
mod members;
mod once;
mod pki;
mod reads;
pub mod replica;
mod services;
mod sessions;
mod users;

pub use acme::ORDER_RETENTION_SECS;
pub use files::{open_durable, private_file};

pub use local::{LocalStore, RevocationCopy};
pub use members::{MemberRecord, MembershipSnapshot};
pub use once::OnceKey;
pub use pki::{CertRecord, JoinTokenRecord, JoinUse};
pub use users::UserRecord;

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use p2p_shared::api::{NodeInfo, NodeRole, NodeState};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("store data is corrupt: {0}")]
    Corrupt(String),
    #[error("the store was written by a newer p2pd (schema {found}, this build knows {known})")]
    TooNew { found: i64, known: i64 },
    /// A conditional command whose condition does not hold; nothing was changed.
    #[error(transparent)]
    Rejected(#[from] Rejection),
    #[error(transparent)]
    Task(#[from] crate::blocking::TaskFailed),
    /// A replicated write that could not be committed: no leader, or no quorum of
    /// coordinators. Nothing was applied; the caller may retry.
    #[error("{0}")]
    NoQuorum(String),
    #[error("cannot prepare {path}: {source}")]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// Why a conditional command changed nothing. Part of a command's outcome, so every replica
/// that applies the command reaches the same verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Rejection {
    #[error("no join token with id {token_id}")]
    UnknownToken { token_id: String },
    #[error("join token {token_id} is {status}")]
    TokenNotActive {
        token_id: String,
        status: p2p_shared::api::JoinTokenStatus,
    },
    #[error("no certificate with serial {serial}")]
    UnknownCertificate { serial: String },
    #[error(
        "node {node_id} is already enrolled; to re-enrol it use a token made with --node-id {node_id}, or revoke its certificate first"
    )]
    AlreadyEnrolled { node_id: String },
    #[error("user `{name}` already exists")]
    UserExists { name: String },
    #[error("no user named `{name}`")]
    UnknownUser { name: String },
    #[error("cannot remove or demote the last admin")]
    LastAdmin,
    #[error("no external account binding key {key_id}")]
    UnknownEab { key_id: String },
    #[error("external account binding key {key_id} has expired or is already bound")]
    EabNotUsable { key_id: String },
    #[error("the key is already the key of account {account_id}")]
    AccountKeyInUse { account_id: String },
    #[error("no ACME account {account_id}")]
    UnknownAccount { account_id: String },
    #[error("order {order_id} changed meanwhile")]
    StaleOrder { order_id: String },
}

/// A state change. Applying the same command twice leaves the same state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    /// Refuse this JWT id from now on (logout). Kept until the token would have expired.
    RevokeToken { jti: String, expires_at: i64 },
    /// Forget revocations of tokens that have expired anyway.
    PruneRevokedTokens { now: i64 },
    /// Record or update a member of the cluster.
    UpsertNode { node: NodeRecord },
    /// Forget a node's record (a coordinator removed from the group).
    ForgetNode { node_id: String },
    /// Store a new join token (its secret only as a hash).
    CreateJoinToken { token: JoinTokenRecord },
    /// Use one join of a token; rejected unless it is active at `now` and not used up.
    ConsumeJoinToken { token_id: String, now: i64 },
    /// Refuse a join token from now on.
    RevokeJoinToken { token_id: String, now: i64 },
    /// Record a certificate the CA signed.
    RecordCert { cert: CertRecord },
    /// Revoke a certificate by serial; bumps the revocation version.
    RevokeCert { serial: String, now: i64 },
    /// End every session (JWT) of a user: a password change, a deleted account, or an
    /// admin's `user revoke-sessions`. Tokens carry the generation they were issued in.
    RevokeUserSessions { user: String },
    /// Record a node certificate the CA signed; with `join`, use one join of that token in
    /// the same step, rejected unless it is active and (for a token not scoped to the node)
    /// the name holds no valid certificate.
    IssueNodeCert {
        cert: CertRecord,
        join: Option<JoinUse>,
    },
    /// Revoke every node certificate superseded by a later-recorded one of its subject whose
    /// `not_before` is no later than `issued_before`: the renewal's grace period has passed.
    RevokeSuperseded { now: i64, issued_before: i64 },
    /// Create an operator account; rejected if the name is taken.
    AddUser { user: UserRecord },
    /// Replace a user's password hash and end their sessions.
    SetUserPassword { name: String, password_hash: String },
    /// Delete an account and end its sessions; the last admin cannot be removed.
    RemoveUser { name: String },
    /// The public half of a coordinator's token-signing key, so that every coordinator
    /// accepts the tokens any of them signs (`kid` names it in the token header).
    AddJwtKey {
        kid: String,
        node_id: String,
        /// Raw Ed25519 public key, hex.
        public_key: String,
    },
    /// An ACME external account binding key (its secret is derived, never stored).
    CreateEabKey { key: acme_records::EabKey },
    /// An ACME account, bound to its key: rejected unless the key is unbound and unexpired
    /// at `now`, and unless the account key already has an account.
    CreateAcmeAccount {
        account: acme_records::Account,
        now: i64,
    },
    /// A changed ACME account (new key, deactivated); rejected if the new key has another.
    UpdateAcmeAccount { account: acme_records::Account },
    /// A new or changed ACME order (rejected unless its version follows the stored one),
    /// with the certificate it was finalized with, recorded in the same step.
    PutAcmeOrder {
        order: acme_records::Order,
        cert: Option<CertRecord>,
    },
    /// Forget ACME orders created before `before`.
    PruneAcmeOrders { before: i64 },
    /// `cmd` unless a command under `key` was applied in the last day (see `once.rs`):
    /// what makes a retried write apply once.
    Once {
        key: String,
        at: i64,
        cmd: Box<Command>,
    },
}

/// A node as the control plane records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeRecord {
    pub node_id: String,
    pub role: NodeRole,
    pub state: NodeState,
    pub addresses: Vec<String>,
    pub api_address: String,
    pub version: String,
    pub cert_serial: Option<String>,
    pub cert_not_after: Option<i64>,
    pub last_state_change: i64,
}

/// Unix seconds as a time; out-of-range values (only from a damaged store) become the epoch.
pub fn ts(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

impl NodeRecord {
    pub fn to_api(&self) -> NodeInfo {
        NodeInfo {
            node_id: self.node_id.clone(),
            role: self.role,
            state: self.state,
            addresses: self.addresses.clone(),
            api_address: self.api_address.clone(),
            version: self.version.clone(),
            cert_serial: self.cert_serial.clone(),
            cert_not_after: self.cert_not_after.map(ts),
            last_state_change: ts(self.last_state_change),
        }
    }
}

const SCHEMA_VERSION: i64 = 12;

const MIGRATIONS: &[&str] = &[
    // v1
    "CREATE TABLE revoked_tokens (
        jti TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL
     );
     CREATE INDEX revoked_tokens_expiry ON revoked_tokens(expires_at);
     CREATE TABLE nodes (
        node_id TEXT PRIMARY KEY,
        record TEXT NOT NULL
     );
     CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
     );",
    // v2: the CA's records
    "CREATE TABLE join_tokens (
        token_id TEXT PRIMARY KEY,
        record TEXT NOT NULL
     );
     CREATE TABLE certs (
        serial TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        subject TEXT NOT NULL,
        not_before INTEGER NOT NULL,
        not_after INTEGER NOT NULL,
        revoked_at INTEGER,
        record TEXT NOT NULL
     );
     CREATE INDEX certs_subject ON certs(kind, subject, not_before);
     CREATE INDEX certs_revoked ON certs(revoked_at) WHERE revoked_at IS NOT NULL;",
    // v3: this node's last view of the membership (node-local, see members.rs)
    "CREATE TABLE members (
        name TEXT PRIMARY KEY,
        record TEXT NOT NULL
     );",
    // v4: what the operator wants of each local service (node-local, see services.rs)
    "CREATE TABLE service_desired (
        name TEXT PRIMARY KEY,
        desired TEXT NOT NULL,
        updated_at INTEGER NOT NULL
     );",
    // v5: a worker's copy of the revocation list it follows (node-local, see local.rs)
    "CREATE TABLE revocation_copy (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL,
        serials TEXT NOT NULL
     );",
    // v6: per-user session generations (a JWT of an older generation is refused)
    "CREATE TABLE user_sessions (
        user TEXT PRIMARY KEY,
        generation INTEGER NOT NULL
     );",
    // v7: the public key of each certificate, for retried requests
    "ALTER TABLE certs ADD COLUMN spki TEXT;
     CREATE INDEX certs_spki ON certs(spki) WHERE spki IS NOT NULL;",
    // v8: node-local tables live in local.db (copied there first, see local.rs), so that
    // this database holds only replicated state
    "DROP TABLE members;
     DROP TABLE service_desired;
     DROP TABLE revocation_copy;
     DELETE FROM meta WHERE key = 'self_incarnation';",
    // v9: operator accounts (they lived in the vault; see operators/users.rs)
    "CREATE TABLE users (
        name TEXT PRIMARY KEY,
        record TEXT NOT NULL
     );",
    // v10: the coordinators' token-verification keys
    "CREATE TABLE jwt_keys (
        kid TEXT PRIMARY KEY,
        node_id TEXT NOT NULL,
        public_key TEXT NOT NULL
     );",
    // v11: idempotency keys of applied writes (see once.rs)
    "CREATE TABLE applied_once (
        key TEXT PRIMARY KEY,
        at INTEGER NOT NULL
     );
     CREATE INDEX applied_once_at ON applied_once(at);",
    // v12: ACME binding keys, accounts and orders (see acme.rs)
    "CREATE TABLE acme_eab (
        key_id TEXT PRIMARY KEY,
        record TEXT NOT NULL
     );
     CREATE TABLE acme_accounts (
        id TEXT PRIMARY KEY,
        thumbprint TEXT NOT NULL UNIQUE,
        record TEXT NOT NULL
     );
     CREATE TABLE acme_orders (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        record TEXT NOT NULL
     );
     CREATE INDEX acme_orders_account ON acme_orders(account_id);
     CREATE INDEX acme_orders_created ON acme_orders(created_at);",
];

/// Where control-plane changes go: the store itself (tests, tools) or, on a running
/// coordinator, the replicated log that applies them on every coordinator
/// (`raft::Replicator`).
pub trait Writer: Send + Sync + std::fmt::Debug {
    /// Commits `cmd` and answers its outcome. Blocks: call from blocking code.
    fn write(&self, cmd: &Command) -> Result<(), StoreError>;
}

impl Writer for Store {
    fn write(&self, cmd: &Command) -> Result<(), StoreError> {
        self.apply(cmd)
    }
}

pub struct Store {
    conn: Mutex<Connection>,
    sessions: std::sync::RwLock<sessions::Sessions>,
    /// Decoded lists of the families hot paths read, dropped by the commands that change them.
    reads: reads::Reads,
    /// The revocation list's version, moved after every commit that changes it, on
    /// whichever coordinator the change was proposed (long-polls and the TLS list follow).
    revocations: tokio::sync::watch::Sender<u64>,
    /// Every certificate issued, renewed or revoked, as applied on this coordinator (live
    /// events; a receiver that falls behind misses some, nothing waits for it).
    cert_changes: tokio::sync::broadcast::Sender<p2p_shared::events::CertChange>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

impl Store {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = open_durable(path, 256)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let store = Self {
            conn: Mutex::new(conn),
            sessions: Default::default(),
            reads: Default::default(),
            revocations: tokio::sync::watch::Sender::new(0),
            cert_changes: tokio::sync::broadcast::Sender::new(cert_changes::CAPACITY),
        };
        store.migrate()?;
        let loaded = sessions::Sessions::load(&store.lock())?;
        *store.sessions.write().unwrap_or_else(|p| p.into_inner()) = loaded;
        store.revocations.send_replace(store.revocation_version()?);
        Ok(store)
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions roll
        // back), so a poisoned lock is safe to keep using.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn migrate(&self) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if current > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                found: current,
                known: SCHEMA_VERSION,
            });
        }
        let tx = conn.transaction()?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The single write path.
    pub fn apply(&self, cmd: &Command) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let applied = apply_in(&tx, cmd)?;
        tx.commit()?;
        // The mirror reads the store again: release the connection first.
        drop(conn);
        if let Some(applied) = applied {
            self.mirror(applied);
        }
        Ok(())
    }

    /// Keeps the in-memory views equal to the committed tables.
    fn mirror(&self, cmd: &Command) {
        self.sessions
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .applied(cmd);
        self.reads.applied(cmd);
        if matches!(
            cmd,
            Command::RevokeCert { .. } | Command::RevokeSuperseded { .. }
        ) {
            self.publish_revocations();
        }
        if self.cert_changes.receiver_count() > 0 {
            for change in cert_changes::of(self, cmd) {
                let _ = self.cert_changes.send(change);
            }
        }
    }

    /// Certificates issued, renewed and revoked from now on.
    pub fn cert_changes(&self) -> tokio::sync::broadcast::Receiver<p2p_shared::events::CertChange> {
        self.cert_changes.subscribe()
    }

    fn publish_revocations(&self) {
        match self.revocation_version() {
            Ok(v) => {
                self.revocations.send_if_modified(|old| {
                    let moved = *old != v;
                    *old = v;
                    moved
                });
            }
            Err(e) => tracing::warn!(error = %e, "cannot read the revocation version"),
        }
    }

    /// Moves whenever the revocation list changes.
    pub fn revocation_watch(&self) -> tokio::sync::watch::Receiver<u64> {
        self.revocations.subscribe()
    }

    /// Runs a read-only query under the connection lock.
    fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        f(&self.lock())
    }

    /// From memory (see `sessions.rs`): asked on every authenticated request.
    pub fn is_token_revoked(&self, jti: &str) -> Result<bool, StoreError> {
        Ok(self
            .sessions
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .is_revoked(jti))
    }

    /// A coordinator's token-verification key (raw Ed25519), by `kid`, from memory.
    pub fn jwt_key(&self, kid: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .sessions
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .jwt_key(kid))
    }

    /// The generation a user's tokens must carry (0 until a first revocation), from memory.
    pub fn session_generation(&self, user: &str) -> Result<u64, StoreError> {
        Ok(self
            .sessions
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .generation(user))
    }

    /// Every node record, by id (kept in memory until a node command is applied).
    pub fn nodes(&self) -> Result<Arc<Vec<NodeRecord>>, StoreError> {
        self.reads.nodes(|| {
            let conn = self.lock();
            let mut stmt = conn.prepare("SELECT record FROM nodes ORDER BY node_id")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            let mut nodes = rows
                .map(|r| from_json::<NodeRecord>(&r?))
                .collect::<Result<Vec<_>, _>>()?;
            // Binary search in `node` relies on Rust's order, not SQLite's collation.
            nodes.sort_by(|a, b| a.node_id.cmp(&b.node_id));
            Ok(nodes)
        })
    }

    pub fn node(&self, node_id: &str) -> Result<Option<NodeRecord>, StoreError> {
        let nodes = self.nodes()?;
        Ok(nodes
            .binary_search_by(|n| n.node_id.as_str().cmp(node_id))
            .ok()
            .map(|i| nodes[i].clone()))
    }

    /// The in-memory read caches' counters.
    pub fn cache_stats(&self) -> [p2p_shared::api::CacheStats; 3] {
        self.reads.stats()
    }

    /// How many commands this store has applied (a cheap progress counter for replication).
    pub fn applied_commands(&self) -> Result<u64, StoreError> {
        let conn = self.lock();
        let v: Option<String> = conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'applied_commands'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        Ok(v.and_then(|s| s.parse().ok()).unwrap_or(0))
    }
}

/// One command inside the caller's transaction: the change and the progress counter.
/// Answers the command whose change was made (the one inside a `Once`), or `None` when a
/// `Once` was skipped.
fn apply_in<'c>(tx: &Connection, cmd: &'c Command) -> Result<Option<&'c Command>, StoreError> {
    let applied = match cmd {
        Command::Once { key, at, cmd } => {
            if matches!(**cmd, Command::Once { .. }) {
                return Err(StoreError::Corrupt("a Once command inside another".into()));
            }
            if once::seen(tx, key)? {
                None
            } else {
                change(tx, cmd)?;
                once::record(tx, key, *at)?;
                Some(&**cmd)
            }
        }
        other => {
            change(tx, other)?;
            Some(other)
        }
    };
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('applied_commands', '1')
         ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
        [],
    )?;
    Ok(applied)
}

/// The change one (unwrapped) command makes.
fn change(tx: &Connection, cmd: &Command) -> Result<(), StoreError> {
    match cmd {
        Command::RevokeToken { jti, expires_at } => {
            tx.execute(
                "INSERT INTO revoked_tokens (jti, expires_at) VALUES (?1, ?2)
                 ON CONFLICT(jti) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)",
                params![jti, expires_at],
            )?;
        }
        Command::PruneRevokedTokens { now } => {
            tx.execute(
                "DELETE FROM revoked_tokens WHERE expires_at < ?1",
                params![now],
            )?;
        }
        Command::UpsertNode { node } => {
            tx.execute(
                "INSERT INTO nodes (node_id, record) VALUES (?1, ?2)
                 ON CONFLICT(node_id) DO UPDATE SET record = excluded.record",
                params![node.node_id, to_json(node)?],
            )?;
        }
        Command::ForgetNode { node_id } => {
            tx.execute("DELETE FROM nodes WHERE node_id = ?1", params![node_id])?;
        }
        Command::RevokeUserSessions { user } => {
            tx.execute(
                "INSERT INTO user_sessions (user, generation) VALUES (?1, 1)
                 ON CONFLICT(user) DO UPDATE SET generation = generation + 1",
                params![user],
            )?;
        }
        Command::CreateJoinToken { .. }
        | Command::ConsumeJoinToken { .. }
        | Command::RevokeJoinToken { .. }
        | Command::RecordCert { .. }
        | Command::IssueNodeCert { .. }
        | Command::RevokeSuperseded { .. }
        | Command::RevokeCert { .. } => pki::apply(tx, cmd)?,
        Command::AddUser { .. } | Command::SetUserPassword { .. } | Command::RemoveUser { .. } => {
            users::apply(tx, cmd)?
        }
        Command::CreateEabKey { .. }
        | Command::CreateAcmeAccount { .. }
        | Command::UpdateAcmeAccount { .. }
        | Command::PutAcmeOrder { .. }
        | Command::PruneAcmeOrders { .. } => acme::apply(tx, cmd)?,
        Command::AddJwtKey {
            kid,
            node_id,
            public_key,
        } => {
            // A kid is a hash of its key: the first record of it stays.
            tx.execute(
                "INSERT OR IGNORE INTO jwt_keys (kid, node_id, public_key) VALUES (?1, ?2, ?3)",
                params![kid, node_id, public_key],
            )?;
        }
        Command::Once { .. } => {
            return Err(StoreError::Corrupt("a Once command inside another".into()));
        }
    }
    Ok(())
}

fn to_json<T: Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

#[cfg(test)]
mod tests;
