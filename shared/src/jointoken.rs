//! The join token a new worker presents: `p2pjoin1.<token_id>.<secret>.<ca_pin>`.
//!
//! `token_id` (16 hex digits) names the token in listings; `secret` (32 hex digits, 128 bits)
//! proves the holder may join and is stored by coordinators only as a SHA-256 hash; `ca_pin`
//! is the SHA-256 of the cluster CA's public key, so the worker authenticates the coordinator
//! before it sends anything (no trust on first use).

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::tls::SpkiPin;

const PREFIX: &str = "p2pjoin1";
pub const TOKEN_ID_HEX: usize = 16;
pub const SECRET_HEX: usize = 32;

pub struct JoinToken {
    pub token_id: String,
    pub secret: Zeroizing<String>,
    pub ca_pin: SpkiPin,
}

impl std::fmt::Debug for JoinToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinToken")
            .field("token_id", &self.token_id)
            .field("secret", &"<redacted>")
            .field("ca_pin", &self.ca_pin.to_string())
            .finish()
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JoinTokenError {
    #[error(
        "malformed join token: expected p2pjoin1.<16 hex>.<32 hex>.<64 hex>, as printed by `p2pctl token create`"
    )]
    Malformed,
}

fn is_lower_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl JoinToken {
    pub fn parse(text: &str) -> Result<Self, JoinTokenError> {
        let mut parts = text.trim().split('.');
        let (Some(prefix), Some(id), Some(secret), Some(pin), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(JoinTokenError::Malformed);
        };
        if prefix != PREFIX || !is_lower_hex(id, TOKEN_ID_HEX) || !is_lower_hex(secret, SECRET_HEX)
        {
            return Err(JoinTokenError::Malformed);
        }
        let ca_pin = SpkiPin::parse(pin).map_err(|_| JoinTokenError::Malformed)?;
        Ok(Self {
            token_id: id.to_string(),
            secret: Zeroizing::new(secret.to_string()),
            ca_pin,
        })
    }

    pub fn format(token_id: &str, secret: &str, ca_pin: &SpkiPin) -> Zeroizing<String> {
        Zeroizing::new(format!("{PREFIX}.{token_id}.{secret}.{ca_pin}"))
    }
}

/// What coordinators store instead of the secret.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rejects() {
        let pin = SpkiPin::parse(&"ab".repeat(32)).unwrap();
        let text = JoinToken::format(&"1".repeat(16), &"2".repeat(32), &pin);
        let t = JoinToken::parse(&text).unwrap();
        assert_eq!(t.token_id, "1".repeat(16));
        assert_eq!(t.secret.as_str(), "2".repeat(32));
        assert_eq!(t.ca_pin, pin);
        assert!(!format!("{t:?}").contains(&"2".repeat(32)));
        for bad in [
            "",
            "p2pjoin1",
            &text.replace("p2pjoin1", "p2pjoin2"),
            &format!("{}.x", text.as_str()),
            &text.to_uppercase(),
            &text[..text.len() - 2],
        ] {
            assert_eq!(
                JoinToken::parse(bad).map(|_| ()),
                Err(JoinTokenError::Malformed),
                "{bad}"
            );
        }
    }
}
