//! The seed corpus: one valid input of every shape each decoder meets, built with the
//! project's own encoders so it follows the formats as they change. `corpus/<target>/`
//! holds them (regenerate with `P2P_REGENERATE=1 cargo test -p p2p-fuzz`), and the fixed
//! keys and clock here are the ones the checks verify against.

use std::net::SocketAddr;
use std::time::Duration;

use base64::Engine;
use p2p_gossip::{
    Config as GossipConfig, DigestEntry, Msg, Packet, State, Swim, SyncRequest, SyncResponse,
    Update,
};
use p2p_shared::api::{GossipKeyring, Role};
use p2p_shared::jointoken::JoinToken;
use p2p_shared::logs::{LogBatch, LogLevel, LogRecord};
use p2p_shared::tls::SpkiPin;
use p2pd::membership::seal::{Keys, Sealer};
use p2pd::membership::sync::encode_body;
use p2pd::operators::jwt::{TokenError, TokenKeys};
use p2pd::secrets::vault::{KdfParams, Vault, VaultError};
use time::OffsetDateTime;

/// The node the gossip checks run as, and the peers it already knows.
pub const RECEIVER: &str = "fuzz-node";
pub const KNOWN_PEERS: [&str; 2] = ["peer-a", "peer-b"];
/// Payloads above this are LZ4-compressed before sealing (the agent's default).
pub const COMPRESSION_THRESHOLD: usize = 256;
pub const TOKEN_ISSUER: &str = "p2p-core/fuzz";
pub const TOKEN_TTL: Duration = Duration::from_secs(3600);
pub const VAULT_PASSWORD: &str = "fuzz-vault-password";
/// The cheapest key derivation a vault header may declare, so a check runs in microseconds.
pub const VAULT_PARAMS: KdfParams = KdfParams {
    m_kib: 8,
    t: 1,
    p: 1,
};

/// PKCS#8 v1 wrapping of an Ed25519 private key: this fixed prefix, then the 32-byte seed.
const ED25519_PKCS8_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("token keys: {0}")]
    Token(#[from] TokenError),
    #[error("vault: {0}")]
    Vault(#[from] VaultError),
    #[error("scratch file: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot build a seed for {0}")]
    Unbuildable(&'static str),
    #[error("no such target {0}")]
    UnknownTarget(String),
}

/// The current gossip key and the one before it, as after a rotation.
pub fn gossip_keys() -> Keys {
    let b64 = |b: u8| base64::engine::general_purpose::STANDARD.encode([b; 32]);
    Keys::from_api(&GossipKeyring {
        version: 2,
        keys: vec![b64(0x5a), b64(0x3c)],
    })
    .unwrap_or_else(|_| Keys::none())
}

pub fn token_keys() -> Result<TokenKeys, TokenError> {
    let mut pkcs8 = ED25519_PKCS8_PREFIX.to_vec();
    pkcs8.extend_from_slice(&[0x42; 32]);
    TokenKeys::from_pkcs8(&pkcs8, TOKEN_ISSUER, TOKEN_TTL)
}

/// The moment tokens are issued and verified at.
pub fn token_time() -> OffsetDateTime {
    OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000)
}

/// Seeds of `target`, in a stable order.
pub fn generate(target: &str) -> Result<Vec<Vec<u8>>, SeedError> {
    Ok(match target {
        "gossip_packet" => packets().iter().map(Packet::encode).collect(),
        "sealed_datagram" => sealed()?,
        "sync_body" => sync_bodies(),
        "join_token" => join_tokens(),
        "jwt" => tokens()?,
        "vault_file" => vaults()?,
        "config_yaml" => vec![
            include_bytes!("../../config/coordinator.yaml").to_vec(),
            include_bytes!("../../config/worker.yaml").to_vec(),
            b"node_id: fuzz-1\ncoordinator_mode: false\ncoordinator_addresses: [\"192.0.2.1:8801\"]\ntoken_ttl: 2h\n".to_vec(),
        ],
        "service_manifest" => vec![
            include_bytes!("../../config/services/web.yaml").to_vec(),
            include_bytes!("../../config/services/ticker.yaml").to_vec(),
        ],
        "log_batch" => log_batches(),
        other => return Err(SeedError::UnknownTarget(other.to_string())),
    })
}

fn addr() -> SocketAddr {
    SocketAddr::from(([192, 0, 2, 10], 7946))
}

fn updates() -> Vec<Update> {
    vec![
        Update::Alive {
            node: "peer-c".into(),
            incarnation: 1,
            addrs: vec![addr()],
        },
        Update::Suspect {
            node: RECEIVER.into(),
            incarnation: 3,
            from: "peer-a".into(),
        },
        Update::Dead {
            node: "peer-b".into(),
            incarnation: 5,
            from: "peer-a".into(),
        },
        Update::Left {
            node: "peer-a".into(),
            incarnation: 6,
        },
        Update::Meta {
            node: "peer-a".into(),
            key: "role".into(),
            value: Some("worker".into()),
            version: 1,
        },
        Update::Meta {
            node: "peer-a".into(),
            key: "load".into(),
            value: None,
            version: 2,
        },
    ]
}

fn packets() -> Vec<Packet> {
    let plain = |msg| Packet {
        msg,
        updates: Vec::new(),
    };
    vec![
        plain(Msg::Ping {
            seq: 1,
            target: RECEIVER.into(),
        }),
        plain(Msg::PingReq {
            seq: 2,
            target: "peer-a".into(),
            addrs: vec![addr()],
        }),
        plain(Msg::Ack { seq: 3 }),
        plain(Msg::Nack { seq: 4 }),
        Packet {
            msg: Msg::Gossip,
            updates: updates(),
        },
    ]
}

fn sealed() -> Result<Vec<Vec<u8>>, SeedError> {
    let sealer = Sealer::new(gossip_keys(), COMPRESSION_THRESHOLD);
    let mut payloads: Vec<Vec<u8>> = packets().iter().map(Packet::encode).collect();
    // Large and repetitive: travels compressed.
    let many = (0..40)
        .map(|i| Update::Meta {
            node: "peer-a".into(),
            key: format!("service.web.{i}"),
            value: Some("192.0.2.10:8080".into()),
            version: i + 1,
        })
        .collect();
    payloads.push(
        Packet {
            msg: Msg::Gossip,
            updates: many,
        }
        .encode(),
    );
    payloads
        .iter()
        .map(|p| {
            sealer
                .seal(p)
                .ok_or(SeedError::Unbuildable("sealed_datagram"))
        })
        .collect()
}

fn sync_bodies() -> Vec<Vec<u8>> {
    let mut initiator = Swim::new(GossipConfig::lan(), "peer-a", vec![addr()], 5, 1, 1_000);
    initiator.apply_sync(1_000, updates());
    let digest = initiator.digest();
    let entry = DigestEntry {
        node: "peer-b".into(),
        incarnation: 5,
        state: State::Alive,
        meta_version: 2,
        meta_hash: 0x1234,
    };
    let requests = [
        initiator.sync_start(),
        SyncRequest::Push {
            digest: digest.clone(),
            updates: updates(),
        },
        SyncRequest::Page {
            digest: vec![entry.clone()],
            updates: updates(),
            pull_after: Some(String::new()),
        },
    ];
    let responses = [
        SyncResponse::InSync,
        SyncResponse::Digest { digest },
        SyncResponse::Updates { updates: updates() },
        SyncResponse::Page {
            updates: updates(),
            next: Some("peer-b".into()),
        },
    ];
    requests
        .iter()
        .map(SyncRequest::encode)
        .chain(responses.iter().map(SyncResponse::encode))
        .map(|plain| encode_body(&plain))
        .collect()
}

fn join_tokens() -> Vec<Vec<u8>> {
    let pin = SpkiPin::parse(&"ab".repeat(32));
    let Ok(pin) = pin else {
        return Vec::new();
    };
    vec![
        JoinToken::format("0123456789abcdef", &"5e".repeat(16), &pin)
            .as_bytes()
            .to_vec(),
        format!(
            "  {}\n",
            *JoinToken::format("fedcba9876543210", &"00".repeat(16), &pin)
        )
        .into_bytes(),
    ]
}

fn tokens() -> Result<Vec<Vec<u8>>, SeedError> {
    let keys = token_keys()?;
    [("admin", Role::Admin, 0), ("alice", Role::Viewer, 3)]
        .into_iter()
        .map(|(user, role, generation)| {
            let (token, _) = keys.issue(user, role, generation, token_time())?;
            Ok(token.into_bytes())
        })
        .collect()
}

fn vaults() -> Result<Vec<Vec<u8>>, SeedError> {
    let dir = tempfile::tempdir()?;
    let mut out = Vec::new();
    for (i, entries) in [
        vec![],
        vec![("node.key", vec![7u8; 48]), ("ca.key", vec![1])],
    ]
    .into_iter()
    .enumerate()
    {
        let path = dir.path().join(format!("{i}.vault"));
        let mut vault = Vault::create(&path, VAULT_PASSWORD, VAULT_PARAMS)?;
        for (name, value) in entries {
            vault.put(name, value);
        }
        vault.save()?;
        out.push(std::fs::read(&path)?);
    }
    Ok(out)
}

fn log_batches() -> Vec<Vec<u8>> {
    let record = |seq, level, message: &str| LogRecord {
        node_id: "peer-a".into(),
        seq,
        timestamp: token_time(),
        source: "web".into(),
        stream: "stdout".into(),
        level,
        message: message.into(),
    };
    [
        LogBatch {
            records: Vec::new(),
        },
        LogBatch {
            records: vec![
                record(1, LogLevel::Info, "listening on :8080"),
                record(2, LogLevel::Error, "bad request\u{1b}[31m from \"x\""),
            ],
        },
    ]
    .iter()
    .filter_map(|b| serde_json::to_vec(b).ok())
    .collect()
}
