//! A small ACME client for the negative cases real clients never send: ES256 requests
//! signed here (aws-lc-rs), external account bindings built by hand, CSRs made with rcgen,
//! and an `http-01` responder that answers what the test tells it to. Talks to the real
//! coordinator over real TLS, trusting only the cluster CA.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test support: a panic is the failure report

use std::net::SocketAddr;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::{Value, json};

/// An answer: status, `Location`, and the body (JSON when it is JSON).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub location: Option<String>,
    pub content_type: String,
    pub body: Value,
    pub text: String,
}

impl Reply {
    /// The problem type without its URN prefix (`badNonce`, ...), or "".
    pub fn problem(&self) -> &str {
        self.body["type"]
            .as_str()
            .unwrap_or("")
            .trim_start_matches("urn:ietf:params:acme:error:")
    }
}

pub struct AcmeClient {
    http: reqwest::Client,
    pub directory: Value,
    key: EcdsaKeyPair,
    pkcs8: Vec<u8>,
    ca_pem: Vec<u8>,
    pub kid: Option<String>,
    pub last_nonce: Option<String>,
}

impl AcmeClient {
    pub async fn new(directory_url: &str, ca_pem: &[u8]) -> Self {
        Self::build(directory_url, ca_pem, None, new_key()).await
    }

    /// The same account key, its requests sent from `source`.
    pub async fn same_key_from(&self, source: std::net::IpAddr) -> Self {
        let mut other = Self::build(
            &self.url("newNonce").replace("/new-nonce", "/directory"),
            &self.ca_pem,
            Some(source),
            self.pkcs8.clone(),
        )
        .await;
        other.kid = self.kid.clone();
        other
    }

    async fn build(
        directory_url: &str,
        ca_pem: &[u8],
        source: Option<std::net::IpAddr>,
        pkcs8: Vec<u8>,
    ) -> Self {
        p2p_shared::tls::crypto_provider();
        let http = reqwest::Client::builder()
            .tls_certs_only([reqwest::Certificate::from_pem(ca_pem).unwrap()])
            .no_proxy()
            .local_address(source)
            .build()
            .unwrap();
        let directory = http
            .get(directory_url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8).unwrap();
        Self {
            http,
            directory,
            key,
            pkcs8,
            ca_pem: ca_pem.to_vec(),
            kid: None,
            last_nonce: None,
        }
    }

    pub fn url(&self, name: &str) -> String {
        self.directory[name].as_str().unwrap().to_string()
    }

    pub fn jwk(&self) -> Value {
        let point = self.key.public_key().as_ref();
        json!({"crv": "P-256", "kty": "EC", "x": B64.encode(&point[1..33]), "y": B64.encode(&point[33..65])})
    }

    pub fn thumbprint(&self) -> String {
        let canonical = serde_json::to_string(&self.jwk()).unwrap();
        B64.encode(aws_lc_rs::digest::digest(
            &aws_lc_rs::digest::SHA256,
            canonical.as_bytes(),
        ))
    }

    pub async fn fresh_nonce(&self) -> String {
        let resp = self.http.head(self.url("newNonce")).send().await.unwrap();
        resp.headers()["replay-nonce"].to_str().unwrap().to_string()
    }

    fn sign(&self, header: Value, payload: &str) -> Value {
        let protected = B64.encode(header.to_string());
        let message = format!("{protected}.{payload}");
        let sig = self
            .key
            .sign(&SystemRandom::new(), message.as_bytes())
            .unwrap();
        json!({"protected": protected, "payload": payload, "signature": B64.encode(sig.as_ref())})
    }

    /// POSTs `payload` (`None`: POST-as-GET) to `url`, signed with the account's kid (or
    /// the jwk before there is one), with `nonce` or a fresh one.
    pub async fn post_with(
        &mut self,
        url: &str,
        payload: Option<&Value>,
        nonce: Option<String>,
        kid: Option<&str>,
    ) -> Reply {
        // Like real clients: the nonce of the last answer, else a new one.
        let nonce = match nonce.or_else(|| self.last_nonce.take()) {
            Some(n) => n,
            None => self.fresh_nonce().await,
        };
        let mut header = json!({"alg": "ES256", "nonce": nonce, "url": url});
        match kid.map(str::to_string).or_else(|| self.kid.clone()) {
            Some(kid) => header["kid"] = json!(kid),
            None => header["jwk"] = self.jwk(),
        }
        let payload = payload.map_or(String::new(), |p| B64.encode(p.to_string()));
        let body = self.sign(header, &payload);
        self.send(url, body.to_string()).await
    }

    pub async fn send(&mut self, url: &str, body: String) -> Reply {
        let resp = self
            .http
            .post(url)
            .header("content-type", "application/jose+json")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let location = header("location");
        let content_type = header("content-type").unwrap_or_default();
        self.last_nonce = header("replay-nonce");
        let text = resp.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            location,
            content_type,
            body,
            text,
        }
    }

    pub async fn post(&mut self, url: &str, payload: Option<&Value>) -> Reply {
        self.post_with(url, payload, None, None).await
    }

    /// An external account binding of this client's key, MACed with `hmac_key`.
    pub fn binding(&self, key_id: &str, hmac_key: &[u8]) -> Value {
        let protected = B64.encode(
            json!({"alg": "HS256", "kid": key_id, "url": self.url("newAccount")}).to_string(),
        );
        let payload = B64.encode(self.jwk().to_string());
        let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, hmac_key);
        let tag = aws_lc_rs::hmac::sign(&key, format!("{protected}.{payload}").as_bytes());
        json!({"protected": protected, "payload": payload, "signature": B64.encode(tag.as_ref())})
    }

    /// `newAccount`, keeping the kid it answers.
    pub async fn new_account(&mut self, binding: Option<Value>) -> Reply {
        let mut payload = json!({"termsOfServiceAgreed": true});
        if let Some(b) = binding {
            payload["externalAccountBinding"] = b;
        }
        let url = self.url("newAccount");
        let saved = self.kid.take();
        let reply = self.post(&url, Some(&payload)).await;
        self.kid = reply.location.clone().or(saved);
        reply
    }

    pub async fn new_order(&mut self, identifiers: &[(&str, &str)]) -> Reply {
        let ids: Vec<Value> = identifiers
            .iter()
            .map(|(t, v)| json!({"type": t, "value": v}))
            .collect();
        let url = self.url("newOrder");
        self.post(&url, Some(&json!({ "identifiers": ids }))).await
    }
}

fn new_key() -> Vec<u8> {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    pkcs8.as_ref().to_vec()
}

impl AcmeClient {
    /// `keyChange` to a new key (RFC 8555 7.3.5); on success this client signs with it.
    pub async fn change_key(&mut self) -> Reply {
        let pkcs8 = new_key();
        let new = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8).unwrap();
        let url = self.url("keyChange");
        let old_jwk = self.jwk();
        let old = std::mem::replace(&mut self.key, new);
        let inner_header = json!({"alg": "ES256", "jwk": self.jwk(), "url": url});
        let inner_payload = B64
            .encode(json!({"account": self.kid.clone().unwrap(), "oldKey": old_jwk}).to_string());
        let inner = self.sign(inner_header, &inner_payload);
        let new = std::mem::replace(&mut self.key, old);
        let reply = self.post(&url, Some(&inner)).await;
        if reply.status == 200 {
            self.key = new;
            self.pkcs8 = pkcs8;
        }
        reply
    }
}

/// A base64url DER CSR for `names` (DNS names or IP addresses) and its new key (PEM).
pub fn csr(names: &[&str]) -> (String, String) {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params =
        rcgen::CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .unwrap();
    params.distinguished_name = rcgen::DistinguishedName::new();
    let der = B64.encode(params.serialize_request(&key).unwrap().der());
    (der, key.serialize_pem())
}

/// Serves `body` for every request on `addr` (a stand-in `http-01` responder) until the
/// returned task is aborted.
pub async fn serve(addr: SocketAddr, body: String) -> tokio::task::JoinHandle<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 2048];
                let _ = sock.read(&mut buf).await;
                let resp = format!(
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(resp.as_bytes()).await;
            });
        }
    })
}

/// An `http-01` responder for every token of one account: answers `{token}.{thumbprint}`
/// for `GET /.well-known/acme-challenge/{token}`, until the returned task is aborted.
pub async fn serve_http01(addr: SocketAddr, thumbprint: String) -> tokio::task::JoinHandle<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let thumbprint = thumbprint.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 2048];
                let n = sock.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]);
                let token = head
                    .split_whitespace()
                    .nth(1)
                    .and_then(|p| p.strip_prefix("/.well-known/acme-challenge/"))
                    .unwrap_or("");
                let body = format!("{token}.{thumbprint}");
                let resp = format!(
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(resp.as_bytes()).await;
            });
        }
    })
}
