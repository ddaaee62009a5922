//! JWS unit tests with keys made here (aws-lc-rs signs what the clients would).

use super::*;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair, KeyPair,
};

fn ec_key() -> (EcdsaKeyPair, serde_json::Value) {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref()).unwrap();
    let point = pair.public_key().as_ref().to_vec();
    let jwk = serde_json::json!({
        "kty": "EC", "crv": "P-256",
        "x": B64.encode(&point[1..33]), "y": B64.encode(&point[33..65]),
    });
    (pair, jwk)
}

fn signed(header: serde_json::Value, payload: &[u8], sign: impl Fn(&[u8]) -> Vec<u8>) -> Vec<u8> {
    let protected = B64.encode(header.to_string());
    let payload = B64.encode(payload);
    let sig = sign(format!("{protected}.{payload}").as_bytes());
    serde_json::json!({"protected": protected, "payload": payload, "signature": B64.encode(sig)})
        .to_string()
        .into_bytes()
}

fn ec_sign(pair: &EcdsaKeyPair) -> impl Fn(&[u8]) -> Vec<u8> + '_ {
    move |m| {
        pair.sign(&SystemRandom::new(), m)
            .unwrap()
            .as_ref()
            .to_vec()
    }
}

#[test]
fn es256_verifies_and_a_changed_payload_does_not() {
    let (pair, jwk) = ec_key();
    let header = serde_json::json!({"alg": "ES256", "jwk": jwk, "nonce": "n", "url": "u"});
    let body = signed(header.clone(), b"{}", ec_sign(&pair));
    let parsed = parse(&body).unwrap();
    let key = PublicJwk::from_value(parsed.header.jwk.as_ref().unwrap()).unwrap();
    verify(&parsed, &key).unwrap();

    let mut tampered = parsed.clone();
    tampered.jws.payload = B64.encode(b"{\"x\":1}");
    assert_eq!(verify(&tampered, &key), Err(JwsError::BadSignature));

    // The same signature claimed as another algorithm.
    let mut other = parsed.clone();
    other.header.alg = "ES384".into();
    assert!(matches!(
        verify(&other, &key),
        Err(JwsError::BadAlgorithm(_))
    ));
    other.header.alg = "HS256".into();
    assert!(matches!(
        verify(&other, &key),
        Err(JwsError::BadAlgorithm(_))
    ));
    other.header.alg = "none".into();
    assert!(matches!(
        verify(&other, &key),
        Err(JwsError::BadAlgorithm(_))
    ));
}

#[test]
fn eddsa_verifies() {
    let rng = SystemRandom::new();
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
    let jwk = serde_json::json!({"kty": "OKP", "crv": "Ed25519",
        "x": B64.encode(pair.public_key().as_ref())});
    let body = signed(serde_json::json!({"alg": "EdDSA", "kid": "k"}), b"", |m| {
        pair.sign(m).as_ref().to_vec()
    });
    let parsed = parse(&body).unwrap();
    assert!(
        parsed.payload.is_empty(),
        "POST-as-GET has an empty payload"
    );
    let key = PublicJwk::from_value(&jwk).unwrap();
    verify(&parsed, &key).unwrap();
}

#[test]
fn malformed_requests_and_keys_are_refused() {
    assert!(matches!(parse(b"not json"), Err(JwsError::Malformed(_))));
    // An unprotected header is not allowed in ACME.
    let body = br#"{"protected":"e30","payload":"","signature":"","header":{}}"#;
    assert!(matches!(parse(body), Err(JwsError::Malformed(_))));
    let short_rsa = serde_json::json!({"kty": "RSA", "n": B64.encode([1u8; 128]), "e": "AQAB"});
    assert!(matches!(
        PublicJwk::from_value(&short_rsa),
        Err(JwsError::BadKey(_))
    ));
    let bad_curve = serde_json::json!({"kty": "EC", "crv": "P-521", "x": "AA", "y": "AA"});
    assert!(matches!(
        PublicJwk::from_value(&bad_curve),
        Err(JwsError::BadKey(_))
    ));
    let short_point = serde_json::json!({"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"});
    assert!(matches!(
        PublicJwk::from_value(&short_point),
        Err(JwsError::BadKey(_))
    ));
}

#[test]
fn thumbprint_matches_rfc_7638() {
    let jwk = serde_json::json!({
        "kty": "RSA", "e": "AQAB", "alg": "RS256", "kid": "2011-04-29",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
    });
    let key = PublicJwk::from_value(&jwk).unwrap();
    assert_eq!(
        key.thumbprint(),
        "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    );
}

#[test]
fn external_account_binding_checks_mac_url_and_key() {
    use hmac::{Hmac, Mac};
    let (_, jwk) = ec_key();
    let key = PublicJwk::from_value(&jwk).unwrap();
    let secret = b"0123456789abcdef0123456789abcdef";
    let mac = |secret: &'static [u8]| {
        move |m: &[u8]| {
            let mut h = Hmac::<Sha256>::new_from_slice(secret).unwrap();
            h.update(m);
            h.finalize().into_bytes().to_vec()
        }
    };
    let eab = |url: &str, secret: &'static [u8], payload: &serde_json::Value| {
        let header = serde_json::json!({"alg": "HS256", "kid": "kid1", "url": url});
        let body = signed(header, payload.to_string().as_bytes(), mac(secret));
        serde_json::from_slice::<serde_json::Value>(&body).unwrap()
    };
    let check = |v: serde_json::Value| {
        let (jws, header, kid) = binding_kid(&v)?;
        assert_eq!(kid, "kid1");
        verify_binding(&jws, &header, secret, "https://ca/acme/new-account", &key)
    };
    check(eab("https://ca/acme/new-account", secret, &jwk)).unwrap();
    assert_eq!(
        check(eab(
            "https://ca/acme/new-account",
            b"wrong key wrong key wrong key!!!",
            &jwk
        )),
        Err(JwsError::BadSignature)
    );
    assert!(matches!(
        check(eab("https://ca/acme/new-order", secret, &jwk)),
        Err(JwsError::Malformed(_))
    ));
    let (_, other) = ec_key();
    assert!(matches!(
        check(eab("https://ca/acme/new-account", secret, &other)),
        Err(JwsError::Malformed(_))
    ));
}
