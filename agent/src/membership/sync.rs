//! Push-pull anti-entropy over the mTLS HTTPS channel: `POST /v1/gossip/sync`, bodies are
//! LZ4-compressed postcard messages of `p2p_gossip::SyncRequest` / `SyncResponse`. The peer
//! is authenticated by its node certificate, and when we know who it should be, by name.

use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use p2p_gossip::{SyncRequest, SyncResponse};
use p2p_shared::{ApiClient, ClientError};

use super::Membership;
use crate::pki::NodePki;

pub const SYNC_CONTENT_TYPE: &str = "application/x-p2p-gossip-sync";
/// Largest decompressed sync body accepted (a full view of ~20 000 members with metadata).
const MAX_SYNC_PLAIN: usize = 4 * 1024 * 1024;
/// Largest sync body on the wire, either way (LZ4 never grows a body by much).
pub const MAX_SYNC_BODY: usize = 2 * MAX_SYNC_PLAIN;
const SYNC_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("malformed sync body: {0}")]
    Malformed(String),
    #[error(transparent)]
    Client(#[from] ClientError),
}

pub fn encode_body(bytes: &[u8]) -> Vec<u8> {
    lz4_flex::block::compress_prepend_size(bytes)
}

pub fn decode_body(body: &[u8]) -> Result<Vec<u8>, SyncError> {
    if body.len() < 4 {
        return Err(SyncError::Malformed("too short".into()));
    }
    let size = u32::from_le_bytes([body[0], body[1], body[2], body[3]]) as usize;
    if size > MAX_SYNC_PLAIN {
        return Err(SyncError::Malformed(format!("declares {size} bytes")));
    }
    lz4_flex::block::decompress(&body[4..], size).map_err(|e| SyncError::Malformed(e.to_string()))
}

impl Membership {
    /// Responder side of an exchange (the API handler).
    pub fn serve_sync(&self, body: &[u8]) -> Result<Vec<u8>, SyncError> {
        let plain = decode_body(body)?;
        let req = SyncRequest::decode(&plain).map_err(|e| SyncError::Malformed(e.to_string()))?;
        let resp = self.core().handle_sync(self.clock.now(), req);
        self.wake.notify_one();
        Ok(encode_body(&resp.encode()))
    }
}

/// A client for one peer, authenticated with this node's certificate.
pub fn client_for(
    pki: &NodePki,
    server: String,
    expected: Option<String>,
) -> Result<ApiClient, ClientError> {
    pki.peer_client(server, expected, SYNC_TIMEOUT)
}

/// Initiator side: one exchange, page by page (see `p2p_gossip::Exchange`).
pub async fn exchange(m: &Membership, client: &ApiClient, join: bool) -> Result<(), SyncError> {
    let mut ex = m.core().start_exchange(join);
    loop {
        let Some(req) = ex.next_request() else {
            return Ok(());
        };
        let body = client
            .gossip_sync(encode_body(&req.encode()), MAX_SYNC_BODY)
            .await?;
        let plain = decode_body(&body)?;
        let resp = SyncResponse::decode(&plain).map_err(|e| SyncError::Malformed(e.to_string()))?;
        m.core().continue_exchange(m.clock.now(), &mut ex, resp);
        m.wake.notify_one();
    }
}

/// Orders a peer's addresses so those the kernel has a route to come first (connecting a
/// UDP socket asks the routing table without sending anything).
pub fn routable_first(addrs: &[SocketAddr]) -> Vec<SocketAddr> {
    let routable = |a: &SocketAddr| {
        let local: SocketAddr = if a.is_ipv4() {
            ([0, 0, 0, 0], 0).into()
        } else {
            ([0u16; 8], 0).into()
        };
        UdpSocket::bind(local).and_then(|s| s.connect(a)).is_ok()
    };
    let mut v: Vec<(bool, SocketAddr)> = addrs.iter().map(|a| (!routable(a), *a)).collect();
    v.sort_by_key(|(unroutable, _)| *unroutable);
    v.into_iter().map(|(_, a)| a).collect()
}
