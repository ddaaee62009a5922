//! Every decoder that reads bytes a stranger or a damaged disk can choose, wrapped as a check
//! over arbitrary input. A check never panics on bad input; it panics only when a property
//! that must hold is broken (what we encode decodes back to itself, what we answer a peer
//! is something a peer accepts, what we admit from another node is within our limits). It
//! returns whether the decoder accepted the input, so the seed corpus can be checked to
//! still be valid.
//!
//! The same checks run two ways: under libFuzzer (`cargo fuzz`, nightly, `fuzz_targets/`)
//! and as stable property tests in `cargo test` (`tests/properties.rs`).

pub mod seeds;

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use p2p_gossip::{Config as GossipConfig, Millis, Packet, Swim, SyncRequest, SyncResponse, Update};
use p2p_shared::jointoken::JoinToken;
use p2p_shared::logs::LogBatch;
use p2pd::config::Config;
use p2pd::logs::{MAX_MESSAGE, admit, untrusted};
use p2pd::membership::seal::{self, Sealer};
use p2pd::membership::sync::{MAX_SYNC_BODY, decode_body, encode_body};
use p2pd::secrets::vault::{self, Vault};
use p2pd::services::manifest::Manifest;
use time::OffsetDateTime;

/// The receiving node's clock in the gossip checks.
const NOW: Millis = 1_000_000;
/// Retention the log check admits records against.
const LOG_RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);

/// Names of the checks, which are also the fuzz targets and the corpus directories.
pub const TARGETS: [&str; 9] = [
    "gossip_packet",
    "sealed_datagram",
    "sync_body",
    "join_token",
    "jwt",
    "vault_file",
    "config_yaml",
    "service_manifest",
    "log_batch",
];

/// Runs the check called `target` (one of [`TARGETS`]); `None` for an unknown name.
pub fn check(target: &str, data: &[u8]) -> Option<bool> {
    let f: fn(&[u8]) -> bool = match target {
        "gossip_packet" => gossip_packet,
        "sealed_datagram" => sealed_datagram,
        "sync_body" => sync_body,
        "join_token" => join_token,
        "jwt" => jwt,
        "vault_file" => vault_file,
        "config_yaml" => config_yaml,
        "service_manifest" => service_manifest,
        "log_batch" => log_batch,
        _ => return None,
    };
    Some(f(data))
}

fn peer() -> SocketAddr {
    SocketAddr::from(([192, 0, 2, 10], 7946))
}

/// A receiving node that already knows two peers, so updates about known members (suspect,
/// dead, refutations, metadata) reach the merge logic, not only the "new member" path.
fn receiver() -> Swim {
    let mut swim = Swim::new(
        GossipConfig::lan(),
        seeds::RECEIVER,
        vec![SocketAddr::from(([192, 0, 2, 1], 7946))],
        3,
        7,
        NOW,
    );
    swim.apply_sync(
        NOW,
        seeds::KNOWN_PEERS
            .iter()
            .map(|name| Update::Alive {
                node: name.to_string(),
                incarnation: 5,
                addrs: vec![peer()],
            })
            .collect(),
    );
    swim
}

/// Runs a few protocol periods so timers, probes and suspicions set up by the input fire.
fn drive(swim: &mut Swim) {
    for step in 0..4 {
        swim.tick(NOW + step * 1_000);
        while swim.poll_output().is_some() {}
        while swim.poll_event().is_some() {}
    }
}

/// One gossip UDP payload, as the core receives it after the datagram was opened.
pub fn gossip_packet(data: &[u8]) -> bool {
    let decoded = Packet::decode(data).ok();
    if let Some(p) = &decoded {
        assert_eq!(
            Packet::decode(&p.encode()).ok().as_ref(),
            Some(p),
            "a packet changes when re-encoded"
        );
    }
    let mut swim = receiver();
    swim.handle_packet(NOW, peer(), data);
    drive(&mut swim);
    decoded.is_some()
}

/// One sealed datagram off the socket, then what it holds.
pub fn sealed_datagram(data: &[u8]) -> bool {
    let sealer = Sealer::new(seeds::gossip_keys(), seeds::COMPRESSION_THRESHOLD);
    let opened = sealer.open(data);
    if let Ok(plain) = &opened {
        gossip_packet(plain);
    }
    // Whatever we seal opens to itself, once.
    if let Some(datagram) = sealer.seal(data) {
        assert_eq!(
            sealer.open(&datagram).ok().as_deref(),
            Some(data),
            "a sealed datagram does not open to its payload"
        );
        assert!(
            matches!(sealer.open(&datagram), Err(seal::Drop::Replayed)),
            "a replayed datagram was accepted"
        );
    }
    opened.is_ok()
}

/// One push-pull body (LZ4 + postcard), read as a request by the responder and as a
/// response by the initiator.
pub fn sync_body(data: &[u8]) -> bool {
    let Ok(plain) = decode_body(data) else {
        return false;
    };
    let mut accepted = false;
    if let Ok(req) = SyncRequest::decode(&plain) {
        accepted = true;
        assert_eq!(
            SyncRequest::decode(&req.encode()).ok().as_ref(),
            Some(&req),
            "a sync request changes when re-encoded"
        );
        let mut swim = receiver();
        let resp = swim.handle_sync(NOW, req);
        let body = encode_body(&resp.encode());
        assert!(
            body.len() <= MAX_SYNC_BODY,
            "our sync answer is over the limit"
        );
        assert!(
            decode_body(&body).is_ok_and(|p| SyncResponse::decode(&p).is_ok()),
            "our sync answer is not something a peer accepts"
        );
        drive(&mut swim);
    }
    if let Ok(resp) = SyncResponse::decode(&plain) {
        accepted = true;
        assert_eq!(
            SyncResponse::decode(&resp.encode()).ok().as_ref(),
            Some(&resp),
            "a sync response changes when re-encoded"
        );
        let mut swim = receiver();
        if let Some(next) = swim.sync_continue(NOW, resp) {
            assert!(
                SyncRequest::decode(&next.encode()).is_ok(),
                "our follow-up request does not decode"
            );
        }
        drive(&mut swim);
    }
    accepted
}

/// A join token as pasted on a command line or sent to the enrolment endpoint.
pub fn join_token(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let Ok(token) = JoinToken::parse(text) else {
        return false;
    };
    let again = JoinToken::format(&token.token_id, &token.secret, &token.ca_pin);
    let back = JoinToken::parse(&again);
    assert!(
        back.is_ok_and(|b| b.token_id == token.token_id
            && *b.secret == *token.secret
            && b.ca_pin == token.ca_pin),
        "a join token does not survive formatting"
    );
    true
}

/// A bearer token from an `Authorization` header.
pub fn jwt(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let Ok(keys) = seeds::token_keys() else {
        return false;
    };
    let Ok(claims) = keys.verify_at(text, seeds::token_time()) else {
        return false;
    };
    assert_eq!(
        claims.iss,
        seeds::TOKEN_ISSUER,
        "a foreign issuer was accepted"
    );
    assert!(
        claims.exp.saturating_sub(claims.iat) <= seeds::TOKEN_TTL.as_secs() as i64 + 60,
        "a token longer-lived than the cluster issues was accepted"
    );
    true
}

/// A vault file's bytes: the header always, and the whole file when its key derivation
/// is cheap (the header check alone bounds the cost of the others).
pub fn vault_file(data: &[u8]) -> bool {
    let path = Path::new("fuzz.vault");
    let Ok(header) = vault::parse_header(path, data) else {
        return false;
    };
    let p = header.params;
    if p.m_kib > seeds::VAULT_PARAMS.m_kib || p.t > 1 || p.p > 1 {
        return false;
    }
    let Ok(vault) = Vault::decode(path, data, seeds::VAULT_PASSWORD) else {
        return false;
    };
    for (name, len) in vault.list() {
        assert_eq!(vault.get(&name).map(<[u8]>::len), Some(len));
    }
    true
}

/// A node's YAML configuration file.
pub fn config_yaml(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    match Config::from_yaml(text, Path::new("p2pd.yaml")) {
        Ok(_) => true,
        Err(e) => {
            // The error, with its location and hint, must render for any input.
            let _ = e.to_string();
            false
        }
    }
}

/// A service manifest from the services directory.
pub fn service_manifest(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    match Manifest::parse(text, Path::new("services/fuzz.yaml")) {
        Ok(_) => true,
        Err(e) => {
            let _ = e.to_string();
            false
        }
    }
}

/// A log batch shipped to a coordinator, and each record as the coordinator admits it.
pub fn log_batch(data: &[u8]) -> bool {
    let Ok(batch) = serde_json::from_slice::<LogBatch>(data) else {
        return false;
    };
    let now = OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000);
    let oldest = now - time::Duration::try_from(LOG_RETENTION).unwrap_or(time::Duration::ZERO);
    for record in batch.records {
        let node = untrusted(&record.node_id);
        assert!(node.chars().count() <= 161 && !node.chars().any(char::is_control));
        let r = admit(record, now, LOG_RETENTION);
        assert!(r.timestamp >= oldest && r.timestamp <= now + time::Duration::minutes(1));
        assert!(
            r.message.len() <= MAX_MESSAGE + 64,
            "an admitted message is too long"
        );
        assert!(r.source.len() <= 64 && r.stream.len() <= 16);
    }
    true
}
