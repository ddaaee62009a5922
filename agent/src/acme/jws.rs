//! JSON Web Signatures as ACME uses them (RFC 8555 section 6.2, RFC 7515/7518/7638/8037):
//! the flattened serialisation only, one protected header, algorithms ES256, ES384, RS256
//! and EdDSA (Ed25519), and the HMAC-signed external account binding. Pure: no I/O.

use aws_lc_rs::signature::{self, UnparsedPublicKey};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Why a request's signature or key is not accepted; each maps to an ACME problem type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwsError {
    #[error("{0}")]
    Malformed(String),
    #[error("unsupported signature algorithm `{0}` (use ES256, ES384, RS256 or EdDSA)")]
    BadAlgorithm(String),
    #[error("{0}")]
    BadKey(String),
    #[error("the signature does not verify")]
    BadSignature,
}

/// A flattened JWS. A general serialisation or an unprotected header is refused.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flattened {
    pub protected: String,
    pub payload: String,
    pub signature: String,
}

/// The protected header fields ACME reads.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Protected {
    pub alg: String,
    #[serde(default)]
    pub nonce: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub jwk: Option<serde_json::Value>,
    #[serde(default)]
    pub kid: Option<String>,
}

/// A parsed request: its header and decoded payload (empty for POST-as-GET).
#[derive(Debug, Clone)]
pub struct Parsed {
    pub jws: Flattened,
    pub header: Protected,
    pub payload: Vec<u8>,
}

fn b64(field: &str, text: &str) -> Result<Vec<u8>, JwsError> {
    B64.decode(text)
        .map_err(|_| JwsError::Malformed(format!("`{field}` is not base64url without padding")))
}

pub fn parse(body: &[u8]) -> Result<Parsed, JwsError> {
    let jws: Flattened = serde_json::from_slice(body)
        .map_err(|e| JwsError::Malformed(format!("not a flattened JWS: {e}")))?;
    let header: Protected = serde_json::from_slice(&b64("protected", &jws.protected)?)
        .map_err(|e| JwsError::Malformed(format!("bad protected header: {e}")))?;
    let payload = b64("payload", &jws.payload)?;
    Ok(Parsed {
        jws,
        header,
        payload,
    })
}

/// A public key from a JWK, checked and in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kty")]
pub enum PublicJwk {
    #[serde(rename = "EC")]
    Ec { crv: String, x: String, y: String },
    #[serde(rename = "RSA")]
    Rsa { n: String, e: String },
    #[serde(rename = "OKP")]
    Okp { crv: String, x: String },
}

const MIN_RSA_BITS: usize = 2048;

impl PublicJwk {
    /// Reads the public members only (a private `d` is ignored, never kept).
    pub fn from_value(v: &serde_json::Value) -> Result<Self, JwsError> {
        let field = |name: &str| -> Result<String, JwsError> {
            v.get(name)
                .and_then(|f| f.as_str())
                .map(str::to_string)
                .ok_or_else(|| JwsError::BadKey(format!("the JWK has no `{name}`")))
        };
        let key = match field("kty")?.as_str() {
            "EC" => PublicJwk::Ec {
                crv: field("crv")?,
                x: field("x")?,
                y: field("y")?,
            },
            "RSA" => PublicJwk::Rsa {
                n: field("n")?,
                e: field("e")?,
            },
            "OKP" => PublicJwk::Okp {
                crv: field("crv")?,
                x: field("x")?,
            },
            other => return Err(JwsError::BadKey(format!("unsupported key type `{other}`"))),
        };
        key.check()?;
        Ok(key)
    }

    fn check(&self) -> Result<(), JwsError> {
        let len = |f: &str, s: &str| b64(f, s).map(|b| b.len());
        match self {
            PublicJwk::Ec { crv, x, y } => {
                let size = match crv.as_str() {
                    "P-256" => 32,
                    "P-384" => 48,
                    other => return Err(JwsError::BadKey(format!("unsupported curve `{other}`"))),
                };
                if len("x", x)? != size || len("y", y)? != size {
                    return Err(JwsError::BadKey(format!(
                        "a {crv} point has the wrong size"
                    )));
                }
            }
            PublicJwk::Rsa { n, e } => {
                let n = b64("n", n)?;
                let bits = n.iter().skip_while(|b| **b == 0).count() * 8;
                if bits < MIN_RSA_BITS {
                    return Err(JwsError::BadKey(format!(
                        "RSA keys need at least {MIN_RSA_BITS} bits"
                    )));
                }
                if b64("e", e)?.is_empty() {
                    return Err(JwsError::BadKey("the RSA exponent is empty".into()));
                }
            }
            PublicJwk::Okp { crv, x } => {
                if crv != "Ed25519" {
                    return Err(JwsError::BadKey(format!("unsupported curve `{crv}`")));
                }
                if len("x", x)? != 32 {
                    return Err(JwsError::BadKey("an Ed25519 key is 32 bytes".into()));
                }
            }
        }
        Ok(())
    }

    /// RFC 7638: base64url(SHA-256) of the required members in lexicographic order.
    pub fn thumbprint(&self) -> String {
        let canonical = match self {
            PublicJwk::Ec { crv, x, y } => {
                format!(r#"{{"crv":"{crv}","kty":"EC","x":"{x}","y":"{y}"}}"#)
            }
            PublicJwk::Rsa { n, e } => format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#),
            PublicJwk::Okp { crv, x } => format!(r#"{{"crv":"{crv}","kty":"OKP","x":"{x}"}}"#),
        };
        B64.encode(Sha256::digest(canonical.as_bytes()))
    }

    /// The algorithm this key signs with; a header naming another is refused.
    fn verify_with(&self, alg: &str, message: &[u8], sig: &[u8]) -> Result<(), JwsError> {
        let raw = |s: &str| B64.decode(s).map_err(|_| JwsError::BadSignature);
        match (alg, self) {
            ("ES256" | "ES384", PublicJwk::Ec { crv, x, y }) => {
                let algorithm: &dyn signature::VerificationAlgorithm = match (alg, crv.as_str()) {
                    ("ES256", "P-256") => &signature::ECDSA_P256_SHA256_FIXED,
                    ("ES384", "P-384") => &signature::ECDSA_P384_SHA384_FIXED,
                    _ => {
                        return Err(JwsError::BadAlgorithm(format!("{alg} with a {crv} key")));
                    }
                };
                let mut point = vec![0x04];
                point.extend(raw(x)?);
                point.extend(raw(y)?);
                UnparsedPublicKey::new(algorithm, &point)
                    .verify(message, sig)
                    .map_err(|_| JwsError::BadSignature)
            }
            ("RS256", PublicJwk::Rsa { n, e }) => signature::RsaPublicKeyComponents {
                n: raw(n)?,
                e: raw(e)?,
            }
            .verify(&signature::RSA_PKCS1_2048_8192_SHA256, message, sig)
            .map_err(|_| JwsError::BadSignature),
            ("EdDSA", PublicJwk::Okp { x, .. }) => {
                UnparsedPublicKey::new(&signature::ED25519, &raw(x)?)
                    .verify(message, sig)
                    .map_err(|_| JwsError::BadSignature)
            }
            ("ES256" | "ES384" | "RS256" | "EdDSA", _) => Err(JwsError::BadAlgorithm(format!(
                "{alg} does not match the key type"
            ))),
            (other, _) => Err(JwsError::BadAlgorithm(other.to_string())),
        }
    }

    /// Whether `spki_key` (a certificate's subjectPublicKey bits) is this key.
    pub fn matches_spki(&self, spki: &x509_parser::x509::SubjectPublicKeyInfo<'_>) -> bool {
        use x509_parser::public_key::PublicKey;
        let raw = |s: &str| B64.decode(s).ok();
        match (self, spki.parsed()) {
            (PublicJwk::Ec { x, y, .. }, Ok(PublicKey::EC(point))) => {
                let (Some(x), Some(y)) = (raw(x), raw(y)) else {
                    return false;
                };
                let data = point.data();
                data.len() == 1 + x.len() + y.len()
                    && data[0] == 0x04
                    && data[1..1 + x.len()] == x[..]
                    && data[1 + x.len()..] == y[..]
            }
            (PublicJwk::Rsa { n, e }, Ok(PublicKey::RSA(rsa))) => {
                let strip = |b: &[u8]| {
                    b.iter()
                        .skip_while(|v| **v == 0)
                        .copied()
                        .collect::<Vec<_>>()
                };
                raw(n).is_some_and(|n| strip(&n) == strip(rsa.modulus))
                    && raw(e).is_some_and(|e| strip(&e) == strip(rsa.exponent))
            }
            (PublicJwk::Okp { x, .. }, _) => {
                spki.algorithm.algorithm == x509_parser::oid_registry::OID_SIG_ED25519
                    && raw(x).is_some_and(|x| x[..] == spki.subject_public_key.data[..])
            }
            _ => false,
        }
    }
}

/// Checks `parsed`'s signature with `key`.
pub fn verify(parsed: &Parsed, key: &PublicJwk) -> Result<(), JwsError> {
    let sig = B64
        .decode(&parsed.jws.signature)
        .map_err(|_| JwsError::BadSignature)?;
    let message = format!("{}.{}", parsed.jws.protected, parsed.jws.payload);
    key.verify_with(&parsed.header.alg, message.as_bytes(), &sig)
}

/// An external account binding (RFC 8555 7.3.4): a JWS whose payload is the account key,
/// MACed with the binding's HMAC key. Answers the binding's key id once the header has been
/// read; call [`verify_binding`] with that key's secret.
pub fn binding_kid(eab: &serde_json::Value) -> Result<(Flattened, Protected, String), JwsError> {
    let jws: Flattened = serde_json::from_value(eab.clone())
        .map_err(|e| JwsError::Malformed(format!("externalAccountBinding: {e}")))?;
    let header: Protected = serde_json::from_slice(&b64("protected", &jws.protected)?)
        .map_err(|e| JwsError::Malformed(format!("externalAccountBinding header: {e}")))?;
    let kid = header
        .kid
        .clone()
        .ok_or_else(|| JwsError::Malformed("externalAccountBinding has no kid".into()))?;
    Ok((jws, header, kid))
}

/// Checks a binding: HS256 (or HS384/HS512), no nonce, the outer `url`, the account key as
/// payload, and the MAC.
pub fn verify_binding(
    jws: &Flattened,
    header: &Protected,
    hmac_key: &[u8],
    outer_url: &str,
    account_key: &PublicJwk,
) -> Result<(), JwsError> {
    use hmac::{Hmac, Mac};
    if header.nonce.is_some() {
        return Err(JwsError::Malformed(
            "externalAccountBinding must not carry a nonce".into(),
        ));
    }
    if header.url.as_deref() != Some(outer_url) {
        return Err(JwsError::Malformed(
            "externalAccountBinding url differs from the request's".into(),
        ));
    }
    let payload: serde_json::Value = serde_json::from_slice(&b64("payload", &jws.payload)?)
        .map_err(|_| JwsError::Malformed("externalAccountBinding payload is not a JWK".into()))?;
    if PublicJwk::from_value(&payload)? != *account_key {
        return Err(JwsError::Malformed(
            "externalAccountBinding binds another key".into(),
        ));
    }
    let sig = b64("signature", &jws.signature)?;
    let message = format!("{}.{}", jws.protected, jws.payload);
    let ok = match header.alg.as_str() {
        "HS256" => Hmac::<Sha256>::new_from_slice(hmac_key).map(|mut m| {
            m.update(message.as_bytes());
            m.verify_slice(&sig).is_ok()
        }),
        "HS384" => Hmac::<sha2::Sha384>::new_from_slice(hmac_key).map(|mut m| {
            m.update(message.as_bytes());
            m.verify_slice(&sig).is_ok()
        }),
        "HS512" => Hmac::<sha2::Sha512>::new_from_slice(hmac_key).map(|mut m| {
            m.update(message.as_bytes());
            m.verify_slice(&sig).is_ok()
        }),
        other => return Err(JwsError::BadAlgorithm(other.to_string())),
    };
    if ok.unwrap_or(false) {
        Ok(())
    } else {
        Err(JwsError::BadSignature)
    }
}

#[cfg(test)]
#[path = "jws_tests.rs"]
mod tests;
