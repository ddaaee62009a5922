//! Operator tokens: Ed25519-signed JWTs with `exp`, `jti` and the role. Logout revokes the
//! `jti` through the store, so a logged-out token stays refused after a restart. Each
//! coordinator signs with its own key, named by `kid` (a hash of the public key) in the
//! header; the public keys are replicated in the store, so any coordinator verifies a
//! token any of them issued.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use p2p_shared::Role;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    pub jti: String,
    pub iat: i64,
    /// Not valid before (= `iat`).
    #[serde(default)]
    pub nbf: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    /// The user's session generation at issue: a later revocation refuses the token.
    #[serde(default)]
    pub generation: u64,
}

const AUDIENCE: &str = "p2pctl";
/// Seconds of clock difference between coordinators that still pass.
const LEEWAY: i64 = 5;

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("signing key is unusable: {0}")]
    Key(#[from] rcgen::Error),
    #[error("cannot sign token: {0}")]
    Sign(#[from] jsonwebtoken::errors::Error),
    #[error("invalid or expired token")]
    Invalid,
}

/// Issues and checks tokens for one cluster.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// Raw Ed25519 public key and its id.
    public_key: Vec<u8>,
    kid: String,
    issuer: String,
    ttl: Duration,
    /// Where the other coordinators' public keys are (absent in unit tests).
    peers: Option<std::sync::Arc<crate::store::Store>>,
    /// Tokens already verified by this key set.
    verified: super::verified::VerifiedTokens,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys")
            .field("issuer", &self.issuer)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

/// A new Ed25519 key as PKCS#8 DER, for the vault.
pub fn generate_signing_key() -> Result<zeroize::Zeroizing<Vec<u8>>, TokenError> {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519)?;
    Ok(zeroize::Zeroizing::new(key.serialize_der()))
}

impl TokenKeys {
    pub fn from_pkcs8(pkcs8: &[u8], issuer: &str, ttl: Duration) -> Result<Self, TokenError> {
        let key = rcgen::KeyPair::try_from(pkcs8)?;
        let public_key = key.public_key_raw().to_vec();
        let kid = {
            use sha2::Digest;
            hex::encode(&sha2::Sha256::digest(&public_key)[..8])
        };
        Ok(Self {
            encoding: EncodingKey::from_ed_der(pkcs8),
            decoding: DecodingKey::from_ed_der(&public_key),
            public_key,
            kid,
            issuer: issuer.to_string(),
            ttl,
            peers: None,
            verified: super::verified::VerifiedTokens::new(LEEWAY),
        })
    }

    /// Also accepts tokens signed by the coordinators whose keys `store` holds.
    pub fn with_peer_keys(mut self, store: std::sync::Arc<crate::store::Store>) -> Self {
        self.peers = Some(store);
        self
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The raw Ed25519 public key.
    pub fn public_key(&self) -> &[u8] {
        &self.public_key
    }

    /// The key that signed `token`: ours (also for tokens from before key ids), or a
    /// peer's from the store (then its kid).
    fn decoding_for(
        &self,
        token: &str,
    ) -> Result<(std::borrow::Cow<'_, DecodingKey>, Option<String>), TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Invalid)?;
        match header.kid {
            None => Ok((std::borrow::Cow::Borrowed(&self.decoding), None)),
            Some(kid) if kid == self.kid => Ok((std::borrow::Cow::Borrowed(&self.decoding), None)),
            Some(kid) => {
                let raw = self
                    .peers
                    .as_ref()
                    .and_then(|s| s.jwt_key(&kid).ok().flatten())
                    .ok_or(TokenError::Invalid)?;
                Ok((
                    std::borrow::Cow::Owned(DecodingKey::from_ed_der(&raw)),
                    Some(kid),
                ))
            }
        }
    }

    /// Whether the store still holds a peer's key.
    fn still_holds(&self, peer_kid: Option<&str>) -> bool {
        match (peer_kid, &self.peers) {
            (None, _) => true,
            (Some(kid), Some(store)) => store.jwt_key(kid).ok().flatten().is_some(),
            (Some(_), None) => false,
        }
    }

    /// What the verified-token cache holds and how it served.
    pub fn cache_stats(&self) -> p2p_shared::api::CacheStats {
        self.verified.stats()
    }

    pub fn issue(
        &self,
        user: &str,
        role: Role,
        generation: u64,
        now: OffsetDateTime,
    ) -> Result<(String, Claims), TokenError> {
        let mut jti = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut jti);
        let claims = Claims {
            sub: user.to_string(),
            role,
            jti: hex::encode(jti),
            iat: now.unix_timestamp(),
            nbf: now.unix_timestamp(),
            exp: (now + self.ttl).unix_timestamp(),
            iss: self.issuer.clone(),
            aud: AUDIENCE.to_string(),
            generation,
        };
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        let token = jsonwebtoken::encode(&header, &claims, &self.encoding)?;
        Ok((token, claims))
    }

    /// Signature, algorithm, issuer, audience, expiry, not-before and issue time (none in
    /// the future, and no lifetime longer than this cluster issues); revocation is the
    /// caller's check.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        self.verify_at(token, OffsetDateTime::now_utc())
    }

    /// [`TokenKeys::verify`] on an injected clock.
    pub fn verify_at(&self, token: &str, now: OffsetDateTime) -> Result<Claims, TokenError> {
        use super::verified::{Verified, VerifiedTokens};
        let digest = VerifiedTokens::digest(token);
        if let Some(hit) = self.verified.get(&digest) {
            if self.still_holds(hit.peer_kid.as_deref()) {
                self.check_times(&hit.claims, now)?;
                return Ok(hit.claims.clone());
            }
            self.verified.forget(&digest);
        }
        let mut v = Validation::new(Algorithm::EdDSA);
        v.set_issuer(&[&self.issuer]);
        v.set_audience(&[AUDIENCE]);
        v.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        // Times are checked below against `now`, not the library's own clock.
        v.validate_exp = false;
        v.validate_nbf = false;
        let (key, peer_kid) = self.decoding_for(token)?;
        let claims = jsonwebtoken::decode::<Claims>(token, &key, &v)
            .map(|d| d.claims)
            .map_err(|_| TokenError::Invalid)?;
        self.check_times(&claims, now)?;
        self.verified.insert(
            digest,
            Verified {
                claims: claims.clone(),
                peer_kid,
            },
        );
        Ok(claims)
    }

    /// Expiry, not-before, issue time and lifetime against `now`.
    fn check_times(&self, claims: &Claims, now: OffsetDateTime) -> Result<(), TokenError> {
        let now = now.unix_timestamp();
        let ttl = i64::try_from(self.ttl.as_secs()).unwrap_or(i64::MAX);
        let expired = claims.exp.saturating_add(LEEWAY) < now;
        let not_yet = claims.nbf > now.saturating_add(LEEWAY);
        let issued_in_future = claims.iat > now.saturating_add(LEEWAY);
        let too_long = claims.exp.saturating_sub(claims.iat) > ttl.saturating_add(LEEWAY);
        if expired || not_yet || issued_in_future || too_long {
            return Err(TokenError::Invalid);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(issuer: &str, ttl: u64) -> TokenKeys {
        let der = generate_signing_key().unwrap();
        TokenKeys::from_pkcs8(&der, issuer, Duration::from_secs(ttl)).unwrap()
    }

    #[test]
    fn issue_and_verify() {
        let k = keys("c1", 3600);
        let (tok, claims) = k
            .issue("alice", Role::Operator, 0, OffsetDateTime::now_utc())
            .unwrap();
        assert_eq!(k.verify(&tok).unwrap(), claims);
        assert_eq!(claims.jti.len(), 32);
    }

    #[test]
    fn refuses_expired_foreign_and_tampered() {
        let k = keys("c1", 60);
        let past = OffsetDateTime::now_utc() - Duration::from_secs(3600);
        let (old, _) = k.issue("a", Role::Admin, 0, past).unwrap();
        assert!(k.verify(&old).is_err(), "expired token accepted");
        let other = keys("c1", 60);
        let (foreign, _) = other
            .issue("a", Role::Admin, 0, OffsetDateTime::now_utc())
            .unwrap();
        assert!(
            k.verify(&foreign).is_err(),
            "token from another key accepted"
        );
        let wrong_iss = TokenKeys {
            issuer: "c2".into(),
            ..keys("c1", 60)
        };
        let (t, _) = k
            .issue("a", Role::Admin, 0, OffsetDateTime::now_utc())
            .unwrap();
        assert!(wrong_iss.verify(&t).is_err());
        // Flip the role in the payload: signature no longer matches.
        let parts: Vec<&str> = t.split('.').collect();
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let payload = String::from_utf8(b64.decode(parts[1]).unwrap()).unwrap();
        let forged = b64.encode(payload.replace("admin", "viewer"));
        let tampered = format!("{}.{}.{}", parts[0], forged, parts[2]);
        assert!(k.verify(&tampered).is_err());
    }

    #[test]
    fn validity_window_follows_the_injected_clock() {
        let k = keys("c1", 600);
        let at = OffsetDateTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let (t, _) = k.issue("a", Role::Admin, 0, at).unwrap();
        let secs = |s: u64| Duration::from_secs(s);
        assert!(k.verify_at(&t, at).is_ok());
        assert!(k.verify_at(&t, at + secs(600 + LEEWAY as u64)).is_ok());
        assert!(k.verify_at(&t, at + secs(600 + LEEWAY as u64 + 1)).is_err());
        assert!(k.verify_at(&t, at - secs(LEEWAY as u64)).is_ok());
        assert!(k.verify_at(&t, at - secs(LEEWAY as u64 + 1)).is_err());
    }

    #[test]
    fn refuses_tokens_from_the_future_and_longer_than_the_ttl() {
        let k = keys("c1", 600);
        let now = OffsetDateTime::now_utc();
        // Issued an hour from now (a coordinator with a clock far ahead, or a forger).
        let (future, _) = k
            .issue("a", Role::Admin, 0, now + Duration::from_secs(3600))
            .unwrap();
        assert!(
            k.verify(&future).is_err(),
            "a token not valid yet was accepted"
        );
        // Signed by a key whose holder set a week-long lifetime.
        let long = keys("c1", 7 * 86400);
        let same_key = TokenKeys {
            ttl: Duration::from_secs(600),
            ..long
        };
        let (t, _) = TokenKeys {
            ttl: Duration::from_secs(7 * 86400),
            encoding: same_key.encoding.clone(),
            decoding: same_key.decoding.clone(),
            public_key: same_key.public_key.clone(),
            kid: same_key.kid.clone(),
            issuer: "c1".into(),
            peers: None,
            verified: super::super::verified::VerifiedTokens::new(LEEWAY),
        }
        .issue("a", Role::Admin, 0, now)
        .unwrap();
        assert!(
            same_key.verify(&t).is_err(),
            "a week-long token was accepted"
        );
        let (ok, _) = same_key.issue("a", Role::Admin, 0, now).unwrap();
        assert!(same_key.verify(&ok).is_ok());
    }

    #[test]
    fn a_verified_token_is_kept_but_its_times_are_checked_every_time() {
        let k = keys("c1", 600);
        let now = OffsetDateTime::now_utc();
        let (t, claims) = k.issue("a", Role::Admin, 0, now).unwrap();
        assert_eq!(k.verify_at(&t, now).unwrap(), claims);
        assert_eq!(k.verify_at(&t, now).unwrap(), claims);
        let s = k.cache_stats();
        assert_eq!((s.misses, s.hits, s.entries), (1, 1, 1), "{s:?}");
        // Kept, yet refused once expired (or before it is valid).
        let later = now + Duration::from_secs(600 + LEEWAY as u64 + 1);
        assert!(k.verify_at(&t, later).is_err());
        assert!(
            k.verify_at(&t, now - Duration::from_secs(LEEWAY as u64 + 1))
                .is_err()
        );
        // A forgery is never kept: each attempt pays the verification and fails.
        let forged = format!("{}x", &t[..t.len() - 1]);
        for _ in 0..2 {
            assert!(k.verify_at(&forged, now).is_err());
        }
        assert_eq!(k.cache_stats().entries, 1);
    }

    #[test]
    fn a_peer_coordinators_token_verifies_by_its_kid() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            std::sync::Arc::new(crate::store::Store::open(&dir.path().join("s.db")).unwrap());
        let mine = keys("c1", 600).with_peer_keys(store.clone());
        let peer = keys("c1", 600);
        let (token, _) = peer
            .issue("a", Role::Admin, 0, OffsetDateTime::now_utc())
            .unwrap();
        assert!(mine.verify(&token).is_err(), "an unknown kid was accepted");
        store
            .apply(&crate::store::Command::AddJwtKey {
                kid: peer.kid().to_string(),
                node_id: "c2".into(),
                public_key: hex::encode(peer.public_key()),
            })
            .unwrap();
        assert!(mine.verify(&token).is_ok());
        // A kid names one key: a forged token under a known kid still fails.
        let forger = keys("c1", 600);
        let (forged, _) = forger
            .issue("a", Role::Admin, 0, OffsetDateTime::now_utc())
            .unwrap();
        let mut parts: Vec<&str> = forged.split('.').collect();
        let header = jsonwebtoken::encode(
            &{
                let mut h = Header::new(Algorithm::EdDSA);
                h.kid = Some(peer.kid().to_string());
                h
            },
            &serde_json::json!({}),
            &forger.encoding,
        )
        .unwrap();
        let kid_header = header.split('.').next().unwrap().to_string();
        parts[0] = &kid_header;
        assert!(mine.verify(&parts.join(".")).is_err());
    }
}
