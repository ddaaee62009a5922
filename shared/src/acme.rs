//! The operator API of the ACME server (`/v1/acme/*`): external account binding keys,
//! accounts and the workload certificates they got. The ACME protocol itself is under
//! `/acme/` and spoken by ACME clients, not by this crate.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::api::CertList;
use crate::client::{ApiClient, ClientError, encode_segment};

/// `POST /v1/acme/eab`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CreateEabRequest {
    /// What the bound account may get: DNS names, `*.suffix`, `*`, IP addresses, CIDRs.
    pub names: Vec<String>,
    /// How long the key can bind an account.
    pub ttl_seconds: u64,
    /// Longest validity of a certificate the account gets.
    pub max_validity_seconds: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EabStatus {
    /// Can still bind an account.
    Unused,
    /// Bound an account.
    Bound,
    Expired,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EabInfo {
    pub key_id: String,
    pub names: Vec<String>,
    pub status: EabStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub created_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    pub max_validity_seconds: u64,
    pub account_id: Option<String>,
}

/// Answer to `POST /v1/acme/eab`: the HMAC key is shown only in this answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EabCreated {
    pub key_id: String,
    /// base64url, no padding (what `certbot --eab-hmac-key` and `lego --hmac` take).
    pub hmac_key: String,
    pub info: EabInfo,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EabList {
    pub keys: Vec<EabInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AcmeAccountInfo {
    pub account_id: String,
    /// `valid` or `deactivated`.
    pub status: String,
    pub key_id: String,
    pub names: Vec<String>,
    pub contact: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Its certificates that are neither revoked nor expired.
    pub valid_certificates: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AcmeAccountList {
    pub accounts: Vec<AcmeAccountInfo>,
}

impl ApiClient {
    pub async fn create_eab(&self, req: &CreateEabRequest) -> Result<EabCreated, ClientError> {
        self.call(Method::POST, "/v1/acme/eab", Some(req)).await
    }

    pub async fn eab_keys(&self) -> Result<EabList, ClientError> {
        self.call::<(), _>(Method::GET, "/v1/acme/eab", None).await
    }

    pub async fn acme_accounts(&self) -> Result<AcmeAccountList, ClientError> {
        self.call::<(), _>(Method::GET, "/v1/acme/accounts", None)
            .await
    }

    pub async fn deactivate_acme_account(&self, id: &str) -> Result<AcmeAccountInfo, ClientError> {
        let path = format!("/v1/acme/accounts/{}/deactivate", encode_segment(id));
        self.call::<(), _>(Method::POST, &path, None).await
    }

    /// Workload certificates issued through ACME (`subject` is the account id).
    pub async fn acme_certs(&self, all: bool) -> Result<CertList, ClientError> {
        let path = if all {
            "/v1/acme/certs?all=true"
        } else {
            "/v1/acme/certs"
        };
        self.call::<(), _>(Method::GET, path, None).await
    }
}
