//! What travels inside one (already decrypted) UDP packet. postcard keeps it compact: a ping
//! with no piggybacked updates is about a dozen bytes.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Msg {
    /// "Are you `target`?" The target name guards against a reused address.
    Ping {
        seq: u32,
        target: String,
    },
    /// Ask the receiver to probe `target` for us and relay the answer.
    PingReq {
        seq: u32,
        target: String,
        addrs: Vec<SocketAddr>,
    },
    Ack {
        seq: u32,
    },
    /// A helper could not reach the target in time: proof that the helper is healthy
    /// (Lifeguard counts missing nacks against the requester's own health).
    Nack {
        seq: u32,
    },
    /// Updates only.
    Gossip,
}

/// One piece of membership state. Merges compare incarnations and versions, never clocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Update {
    Alive {
        node: String,
        incarnation: u64,
        addrs: Vec<SocketAddr>,
    },
    Suspect {
        node: String,
        incarnation: u64,
        from: String,
    },
    Dead {
        node: String,
        incarnation: u64,
        from: String,
    },
    Left {
        node: String,
        incarnation: u64,
    },
    /// A metadata key of `node`. `value: None` deletes it. Versions are per origin node.
    Meta {
        node: String,
        key: String,
        value: Option<String>,
        version: u64,
    },
}

impl Update {
    pub fn node(&self) -> &str {
        match self {
            Update::Alive { node, .. }
            | Update::Suspect { node, .. }
            | Update::Dead { node, .. }
            | Update::Left { node, .. }
            | Update::Meta { node, .. } => node,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Packet {
    pub msg: Msg,
    pub updates: Vec<Update>,
}

#[derive(Debug, thiserror::Error)]
#[error("undecodable gossip payload: {0}")]
pub struct DecodeError(#[from] postcard::Error);

impl Packet {
    pub fn encode(&self) -> Vec<u8> {
        // Serialising plain structs into a Vec cannot fail.
        postcard::to_allocvec(self).unwrap_or_default()
    }

    pub fn decode(bytes: &[u8]) -> Result<Packet, DecodeError> {
        Ok(postcard::from_bytes(bytes)?)
    }
}

pub(crate) fn encoded_len<T: Serialize>(value: &T) -> usize {
    postcard::experimental::serialized_size(value).unwrap_or(usize::MAX / 2)
}
