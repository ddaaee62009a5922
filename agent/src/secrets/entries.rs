//! The names of the vault's entries.
//!
//! Every node: `cluster_id`, `ca.crt`, `node.crt`, `node.key`, `gossip_keyring`.
//! Coordinators: `ca.key`, `jwt.key`, `users`. Workers: `coordinators`.

pub const CLUSTER_ID: &str = "cluster_id";
pub const CA_CERT: &str = "ca.crt";
pub const CA_KEY: &str = "ca.key";
pub const JWT_KEY: &str = "jwt.key";
pub const NODE_CERT: &str = "node.crt";
pub const NODE_KEY: &str = "node.key";
/// Workers: the coordinators learned at enrolment (JSON).
pub const COORDINATORS: &str = "coordinators";
/// The cluster gossip keyring (JSON `GossipKeyring`).
pub const GOSSIP_KEYRING: &str = "gossip_keyring";
/// Present on the coordinator that created the cluster: it alone may found the
/// coordinators' Raft group (a joining coordinator never does).
pub const RAFT_FOUNDER: &str = "raft_founder";
/// Operator accounts (JSON, Argon2id hashes) written by `p2pd init`; the coordinator's
/// first start moves them into the store and removes this entry.
pub const USERS: &str = "users";
