//! An RFC 8555 ACME server for workloads, on every coordinator under `/acme/`: accounts
//! bound to an admin's external account binding key, orders for DNS names and IP addresses
//! (RFC 8738) the account's patterns allow, `http-01` validation through the fenced
//! call-back, and certificates marked as workload certificates, which the cluster never
//! accepts as a node or operator identity.
//!
//! `jws` (signatures), `nonces`, `model` (the records and their rules) and `csr` are pure;
//! `http01` makes the one outbound request; `flow` applies the decisions through the store's
//! writer (so accounts and orders are replicated like every control-plane change); the
//! HTTP routes are `api::acme_routes`.

pub mod csr;
pub mod flow;
pub mod http01;
pub mod jws;
pub use crate::store::acme_records as model;
pub mod nonces;
pub mod problem;

use std::time::Duration;

/// Longest a certificate an account gets may live unless its binding key says otherwise.
pub const DEFAULT_MAX_VALIDITY: Duration = Duration::from_secs(90 * 86400);
/// How long a binding key can be used to create an account, by default.
pub const DEFAULT_EAB_TTL: Duration = Duration::from_secs(86400);
/// A pending order and its authorizations expire after this.
pub const ORDER_LIFETIME: Duration = Duration::from_secs(86400);
/// Most identifiers one order may name.
pub const MAX_IDENTIFIERS: usize = 20;
/// What `Retry-After` says on resources still pending.
pub const RETRY_AFTER_SECS: u64 = 1;

/// A coordinator's ACME state that is not replicated: its nonces and its `http-01` client.
#[derive(Debug)]
pub struct Acme {
    pub nonces: nonces::Nonces,
    pub http01: http01::Http01,
}

impl Acme {
    pub fn new(http_port: u16) -> Result<Self, reqwest::Error> {
        Ok(Self {
            nonces: nonces::Nonces::default(),
            http01: http01::Http01::new(http_port)?,
        })
    }
}

/// A binding key's HMAC secret: derived from the CA key, so every coordinator knows it and
/// the store never holds it.
pub fn eab_secret(ca: &crate::pki::ca::ClusterCa, key_id: &str) -> zeroize::Zeroizing<[u8; 32]> {
    ca.derive("acme-eab", key_id)
}
