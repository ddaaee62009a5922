//! The Raft type configuration: what an entry carries (a store [`Command`]), what applying
//! it answers (its [`Rejection`], if any), and how a coordinator is named in the membership.

use std::fmt;
use std::io::Cursor;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::store::{Command, Rejection};

/// A coordinator as the Raft membership records it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coordinator {
    pub node_id: String,
    /// Where its HTTPS API (and so its Raft endpoint) listens.
    pub api_address: String,
}

impl fmt::Display for Coordinator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.node_id, self.api_address)
    }
}

/// What applying an entry answers its proposer: every replica reaches the same verdict.
pub type Outcome = Result<(), Rejection>;

openraft::declare_raft_types!(
    /// p2pd's Raft types.
    pub TypeConfig:
        D = Command,
        R = Outcome,
        NodeId = u64,
        Node = Coordinator,
        SnapshotData = Cursor<Vec<u8>>,
);

pub type RaftId = u64;
pub type LogId = openraft::LogId<RaftId>;
pub type Vote = openraft::Vote<RaftId>;
pub type Entry = openraft::Entry<TypeConfig>;
pub type StoredMembership = openraft::StoredMembership<RaftId, Coordinator>;
pub type SnapshotMeta = openraft::SnapshotMeta<RaftId, Coordinator>;
pub type Snapshot = openraft::Snapshot<TypeConfig>;
pub type StorageError = openraft::StorageError<RaftId>;
pub type Raft = openraft::Raft<TypeConfig>;

/// The Raft id of a node name: the first 8 bytes of its SHA-256. Names are what operators
/// see; Raft needs integers. A collision (about one in 2^32 for 65 000 coordinators) is
/// refused when a coordinator is added.
pub fn raft_id(node_id: &str) -> RaftId {
    let digest = Sha256::digest(node_id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raft_ids_are_stable_and_differ() {
        assert_eq!(raft_id("coord-1"), raft_id("coord-1"));
        assert_ne!(raft_id("coord-1"), raft_id("coord-2"));
        // Pinned: the id is persisted in every replica's log and membership.
        assert_eq!(raft_id("a"), 0xca978112ca1bbdca);
    }
}
