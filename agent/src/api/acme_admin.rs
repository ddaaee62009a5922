//! `/v1/acme/*`: what operators do with the ACME server. Admins make external account
//! binding keys (the HMAC key is shown once; it is derived from the CA key, so no
//! coordinator stores it) and deactivate accounts; any signed-in role lists keys, accounts
//! and the workload certificates issued. Revocation goes through `POST /v1/certs/revoke`.

use std::time::Duration;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use base64::Engine;
use p2p_shared::Role;
use p2p_shared::acme::{
    AcmeAccountInfo, AcmeAccountList, CreateEabRequest, EabCreated, EabInfo, EabList, EabStatus,
};
use p2p_shared::api::{CertKind, CertList, CertStatus};

use super::AppState;
use super::error::ApiError;
use super::extract::{ApiJson, Caller};
use super::pki_routes::CertQuery;
use crate::acme::model::{Account, AccountStatus, EabKey, Patterns};
use crate::store::{Command, ts};

/// A binding key binds an account within 30 days at most.
const MAX_EAB_TTL: Duration = Duration::from_secs(30 * 86400);
const MIN_VALIDITY: Duration = Duration::from_secs(3600);
const MAX_VALIDITY: Duration = Duration::from_secs(398 * 86400);
const MAX_PATTERNS: usize = 64;

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn eab_info(k: &EabKey, now: i64) -> EabInfo {
    let status = if k.account_id.is_some() {
        EabStatus::Bound
    } else if now >= k.expires_at {
        EabStatus::Expired
    } else {
        EabStatus::Unused
    };
    EabInfo {
        key_id: k.key_id.clone(),
        names: k.names.clone(),
        status,
        created_at: ts(k.created_at),
        created_by: k.created_by.clone(),
        expires_at: ts(k.expires_at),
        max_validity_seconds: k.max_validity_secs,
        account_id: k.account_id.clone(),
    }
}

pub(super) async fn create_eab(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateEabRequest>,
) -> Result<(StatusCode, Json<EabCreated>), ApiError> {
    caller.require(Role::Admin)?;
    s.control()?;
    if req.ttl_seconds == 0 || Duration::from_secs(req.ttl_seconds) > MAX_EAB_TTL {
        return Err(ApiError::BadRequest(
            "ttl must be between 1 second and 30 days".into(),
        ));
    }
    let validity = Duration::from_secs(req.max_validity_seconds);
    if !(MIN_VALIDITY..=MAX_VALIDITY).contains(&validity) {
        return Err(ApiError::BadRequest(
            "max validity must be between 1 hour and 398 days".into(),
        ));
    }
    if req.names.is_empty() || req.names.len() > MAX_PATTERNS {
        return Err(ApiError::BadRequest(format!(
            "give 1 to {MAX_PATTERNS} name patterns"
        )));
    }
    Patterns::parse(&req.names).map_err(ApiError::BadRequest)?;
    let t = now();
    let key = EabKey {
        key_id: crate::secrets::random_hex(12).to_string(),
        names: req
            .names
            .iter()
            .map(|n| n.trim().to_ascii_lowercase())
            .collect(),
        created_at: t,
        created_by: caller.user.clone(),
        expires_at: t + req.ttl_seconds as i64,
        max_validity_secs: req.max_validity_seconds,
        account_id: None,
    };
    let created = s
        .on_store(move |_, c| {
            c.writer
                .write(&Command::CreateEabKey { key: key.clone() })
                .map_err(ApiError::from)?;
            let secret = crate::acme::eab_secret(c.issuer.ca(), &key.key_id);
            Ok(EabCreated {
                key_id: key.key_id.clone(),
                hmac_key: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(*secret),
                info: eab_info(&key, t),
            })
        })
        .await?;
    tracing::info!(key_id = %created.key_id, by = %caller.user, names = ?created.info.names,
        "ACME binding key created");
    Ok((StatusCode::CREATED, Json(created)))
}

pub(super) async fn list_eab(
    State(s): State<AppState>,
    _caller: Caller,
) -> Result<Json<EabList>, ApiError> {
    let t = now();
    let keys = s
        .on_store(|_, c| c.store.acme_eab_keys().map_err(ApiError::internal))
        .await?;
    Ok(Json(EabList {
        keys: keys.iter().map(|k| eab_info(k, t)).collect(),
    }))
}

fn account_info(a: &Account, valid_certificates: u64) -> AcmeAccountInfo {
    AcmeAccountInfo {
        account_id: a.id.clone(),
        status: a.status.as_str().to_string(),
        key_id: a.key_id.clone(),
        names: a.names.clone(),
        contact: a.contact.clone(),
        created_at: ts(a.created_at),
        valid_certificates,
    }
}

fn valid_certs_of(c: &crate::context::ControlPlane, id: &str, t: i64) -> Result<u64, ApiError> {
    let certs = c.store.certs().map_err(ApiError::internal)?;
    Ok(certs
        .iter()
        .filter(|(r, _)| r.kind == CertKind::Workload && r.subject == id)
        .filter(|(r, cur)| r.to_api(t, *cur).status == CertStatus::Valid)
        .count() as u64)
}

pub(super) async fn list_accounts(
    State(s): State<AppState>,
    _caller: Caller,
) -> Result<Json<AcmeAccountList>, ApiError> {
    let t = now();
    let accounts = s
        .on_store(move |_, c| {
            let accounts = c.store.acme_accounts().map_err(ApiError::internal)?;
            accounts
                .iter()
                .map(|a| Ok(account_info(a, valid_certs_of(c, &a.id, t)?)))
                .collect::<Result<Vec<_>, ApiError>>()
        })
        .await?;
    Ok(Json(AcmeAccountList { accounts }))
}

/// Deactivates an account: its key signs nothing more. Its certificates stay valid until
/// they are revoked (`p2pctl cert revoke`).
pub(super) async fn deactivate_account(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<AcmeAccountInfo>, ApiError> {
    caller.require(Role::Admin)?;
    let t = now();
    let info = s
        .on_store(move |_, c| {
            let mut account = c
                .store
                .acme_account(&id)
                .map_err(ApiError::internal)?
                .ok_or_else(|| ApiError::NotFound(format!("no ACME account `{id}`")))?;
            account.status = AccountStatus::Deactivated;
            c.writer
                .write(&Command::UpdateAcmeAccount {
                    account: account.clone(),
                })
                .map_err(ApiError::from)?;
            Ok(account_info(&account, valid_certs_of(c, &account.id, t)?))
        })
        .await?;
    tracing::info!(account = %info.account_id, by = %caller.user, "ACME account deactivated");
    Ok(Json(info))
}

/// Workload certificates: by default those neither revoked nor expired; `all=true` every one.
pub(super) async fn list_certs(
    State(s): State<AppState>,
    _caller: Caller,
    Query(q): Query<CertQuery>,
) -> Result<Json<CertList>, ApiError> {
    let t = now();
    let certs = s
        .on_store(|_, c| c.store.certs().map_err(ApiError::internal))
        .await?;
    let certificates = certs
        .iter()
        .filter(|(r, _)| r.kind == CertKind::Workload)
        .map(|(r, cur)| r.to_api(t, *cur))
        .filter(|c| q.all || c.status == CertStatus::Valid)
        .collect();
    Ok(Json(CertList { certificates }))
}
