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

/// Extensions ride after the packet: postcard stops reading at the packet's end, so nodes
/// that predate an extension ignore it. Each is a tag and a fixed-size value.
const EXT_VIEW: u8 = 1;

impl Packet {
    pub fn encode(&self) -> Vec<u8> {
        self.encode_with_view(None)
    }

    /// Encodes the packet, followed by the sender's short view hash if given (acks carry it,
    /// so a prober learns whether its view equals the target's without a push-pull).
    pub fn encode_with_view(&self, view: Option<u32>) -> Vec<u8> {
        // Serialising plain structs into a Vec cannot fail.
        let mut out = postcard::to_allocvec(self).unwrap_or_default();
        if let Some(v) = view {
            out.push(EXT_VIEW);
            out.extend_from_slice(&v.to_be_bytes());
        }
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Packet, DecodeError> {
        Ok(Self::decode_with_view(bytes)?.0)
    }

    /// The packet and the sender's short view hash, if it sent one. Unknown extensions are
    /// ignored (a newer node's).
    pub fn decode_with_view(bytes: &[u8]) -> Result<(Packet, Option<u32>), DecodeError> {
        let (packet, rest) = postcard::take_from_bytes::<Packet>(bytes)?;
        let view = match rest {
            [EXT_VIEW, a, b, c, d, ..] => Some(u32::from_be_bytes([*a, *b, *c, *d])),
            _ => None,
        };
        Ok((packet, view))
    }
}

/// Bytes the view extension adds to a datagram's payload.
pub const VIEW_EXT_LEN: usize = 5;

pub(crate) fn encoded_len<T: Serialize>(value: &T) -> usize {
    postcard::experimental::serialized_size(value).unwrap_or(usize::MAX / 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_extension_round_trips_and_older_decoders_ignore_it() {
        let p = Packet {
            msg: Msg::Ack { seq: 7 },
            updates: vec![Update::Left {
                node: "a".into(),
                incarnation: 3,
            }],
        };
        let bytes = p.encode_with_view(Some(0xdead_beef));
        assert_eq!(bytes.len(), p.encode().len() + VIEW_EXT_LEN);
        assert_eq!(
            Packet::decode_with_view(&bytes).unwrap(),
            (p.clone(), Some(0xdead_beef))
        );
        // What a node without the extension runs: plain postcard, trailing bytes ignored.
        assert_eq!(postcard::from_bytes::<Packet>(&bytes).unwrap(), p);
        assert_eq!(Packet::decode_with_view(&p.encode()).unwrap(), (p, None));
    }
}
