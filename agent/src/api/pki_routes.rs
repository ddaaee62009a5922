//! Certificate routes: join tokens, enrolment, renewal, revocation, listings, operator
//! certificates, and the node-to-node routes every node serves.

use std::time::Duration;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use p2p_shared::Role;
use p2p_shared::api::{
    CertIssued, CertKind, CertList, CertRequest, CertSummary, CreateJoinTokenRequest,
    JoinTokenCreated, JoinTokenInfo, JoinTokenList, NodeStatus, OperatorCertIssued,
    OperatorCertRequest, RenewResult, RevocationSnapshot, RevokeCertRequest, RevokeCertResponse,
};
use p2p_shared::identity::is_valid_name;
use serde::Deserialize;
use time::OffsetDateTime;

use super::AppState;
use super::error::ApiError;
use super::extract::{ApiJson, Caller, Idempotency, LongPoll, NodeCaller};
use super::server::ConnInfo;
use crate::logs::untrusted;
use crate::pki::issuer::Authorization;
use crate::pki::issuer::TokenSpec;
use crate::pki::revocations::refresh_from_store;
use crate::store::Command;

const MAX_TOKEN_TTL: Duration = Duration::from_secs(30 * 86400);
const MAX_TOKEN_USES: u32 = 10_000;

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

pub(super) async fn create_token(
    State(s): State<AppState>,
    caller: Caller,
    idempotency: Idempotency,
    ApiJson(req): ApiJson<CreateJoinTokenRequest>,
) -> Result<(StatusCode, Json<JoinTokenCreated>), ApiError> {
    caller.require(Role::Admin)?;
    s.control()?;
    if req.ttl_seconds == 0 || Duration::from_secs(req.ttl_seconds) > MAX_TOKEN_TTL {
        return Err(ApiError::BadRequest(
            "ttl must be between 1 second and 30 days".into(),
        ));
    }
    if req.uses == 0 || req.uses > MAX_TOKEN_USES {
        return Err(ApiError::BadRequest(format!(
            "uses must be between 1 and {MAX_TOKEN_USES}"
        )));
    }
    if let Some(n) = &req.node_id
        && !is_valid_name(n)
    {
        return Err(ApiError::BadRequest(format!("invalid node name `{n}`")));
    }
    let once = idempotency.scoped(&caller.user, "POST /v1/tokens", now().unix_timestamp());
    let created = s
        .on_store(move |_, c| {
            let spec = TokenSpec {
                ttl: Duration::from_secs(req.ttl_seconds),
                node_id: req.node_id.clone(),
                uses: req.uses,
                coordinator: req.coordinator,
            };
            Ok(c.issuer
                .create_join_token(&caller.user, spec, now(), once.as_ref())?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

pub(super) async fn list_tokens(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<JoinTokenList>, ApiError> {
    caller.require(Role::Admin)?;
    let t = now().unix_timestamp();
    let tokens = s
        .on_store(|_, c| c.store.join_tokens().map_err(ApiError::internal))
        .await?;
    Ok(Json(JoinTokenList {
        tokens: tokens.iter().map(|r| r.to_api(t)).collect(),
    }))
}

pub(super) async fn revoke_token(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<JoinTokenInfo>, ApiError> {
    caller.require(Role::Admin)?;
    let t = now().unix_timestamp();
    let record = s
        .on_store(move |_, c| {
            let store = &c.store;
            if store.join_token(&id).map_err(ApiError::internal)?.is_none() {
                return Err(ApiError::NotFound(format!("no join token with id {id}")));
            }
            c.writer
                .write(&Command::RevokeJoinToken {
                    token_id: id.clone(),
                    now: t,
                })
                .map_err(ApiError::from)?;
            tracing::info!(token_id = %id, by = %caller.user, "join token revoked");
            store
                .join_token(&id)
                .map_err(ApiError::internal)?
                .ok_or_else(|| ApiError::NotFound(format!("no join token with id {id}")))
        })
        .await?;
    Ok(Json(record.to_api(t)))
}

pub(super) async fn enroll(
    State(s): State<AppState>,
    axum::Extension(conn): axum::Extension<ConnInfo>,
    ApiJson(req): ApiJson<CertRequest>,
) -> Result<Json<CertIssued>, ApiError> {
    let issuer = &s.control()?.issuer;
    // Besides the per-source budget at the door: one per token, so guessing a token's
    // secret from many addresses is as slow as from one.
    if let Some(id) = req.token_id.as_deref().filter(|id| is_token_id(id)) {
        let token = crate::limits::rate::Caller::Token(id.to_string());
        s.limits
            .budgets
            .check(crate::config::limits::Class::Enroll, &token)
            .map_err(|limited| {
                s.limits.report_refusal(&limited);
                ApiError::RateLimited(limited)
            })?;
    }
    let result = issuer
        .issue_node(&req, Authorization::JoinToken, conn.remote.ip(), now())
        .await;
    if let Err(e) = &result {
        tracing::warn!(
            node_id = %untrusted(&req.node_id),
            remote = %conn.remote,
            token_id = %untrusted(req.token_id.as_deref().unwrap_or("")),
            error = %untrusted(&e.to_string()),
            "enrolment refused"
        );
    }
    Ok(Json(result?))
}

fn is_token_id(id: &str) -> bool {
    id.len() == p2p_shared::jointoken::TOKEN_ID_HEX
        && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

pub(super) async fn cluster_renew(
    State(s): State<AppState>,
    node: NodeCaller,
    axum::Extension(conn): axum::Extension<ConnInfo>,
    ApiJson(req): ApiJson<CertRequest>,
) -> Result<Json<CertIssued>, ApiError> {
    let issuer = &s.control()?.issuer;
    let serial = conn
        .peer_cert
        .as_ref()
        .and_then(|c| p2p_shared::tls::cert_serial_hex(c))
        .unwrap_or_default();
    let result = issuer
        .issue_node(
            &req,
            Authorization::Renewal {
                node_id: &node.node_id,
                serial: &serial,
            },
            conn.remote.ip(),
            now(),
        )
        .await;
    if let Err(e) = &result {
        tracing::warn!(node_id = %node.node_id, remote = %conn.remote, error = %untrusted(&e.to_string()), "renewal refused");
    }
    Ok(Json(result?))
}

pub(super) async fn revocations(
    State(s): State<AppState>,
    _node: NodeCaller,
    poll: LongPoll,
) -> Result<Json<RevocationSnapshot>, ApiError> {
    let control = s.control()?;
    poll.until_changed(&mut control.issuer.revocation_watch(), |v| *v)
        .await;
    s.on_store(|_, c| {
        let version = c.store.revocation_version().map_err(ApiError::internal)?;
        let serials = c
            .store
            .revoked_serials(now().unix_timestamp())
            .map_err(ApiError::internal)?;
        Ok(Json(RevocationSnapshot { version, serials }))
    })
    .await
}

#[derive(Debug, Deserialize)]
pub(super) struct CertQuery {
    #[serde(default)]
    pub(super) all: bool,
}

pub(super) async fn list_certs(
    State(s): State<AppState>,
    _caller: Caller,
    Query(q): Query<CertQuery>,
) -> Result<Json<CertList>, ApiError> {
    let t = now().unix_timestamp();
    let certs = s
        .on_store(|_, c| c.store.certs().map_err(ApiError::internal))
        .await?;
    let certificates = certs
        .iter()
        .filter(|(_, current)| q.all || *current)
        .map(|(c, current)| c.to_api(t, *current))
        .collect();
    Ok(Json(CertList { certificates }))
}

/// `GET /v1/pki/crl`: the CA's revocation list, DER. Public, like the CA certificate:
/// TLS servers outside the cluster fetch it.
pub(super) async fn crl(State(s): State<AppState>) -> Result<axum::response::Response, ApiError> {
    use axum::http::header;
    use axum::response::IntoResponse;
    let der = s
        .on_store(|_, c| c.issuer.crl(now()).map_err(ApiError::internal))
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pkix-crl"),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        der.to_vec(),
    )
        .into_response())
}

pub(super) async fn node_cert(
    State(s): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<CertSummary>, ApiError> {
    let cert = s
        .on_store(move |_, c| {
            c.store
                .latest_cert(CertKind::Node, &id)
                .map_err(ApiError::internal)?
                .ok_or_else(|| ApiError::NotFound(format!("no certificate for node `{id}`")))
        })
        .await?;
    Ok(Json(cert.to_api(now().unix_timestamp(), true)))
}

pub(super) async fn renew_node_cert(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<RenewResult>, ApiError> {
    caller.require(Role::Operator)?;
    s.control()?;
    if id == s.node_id {
        let result = s.renewer.renew_now().await.map_err(ApiError::internal)?;
        tracing::info!(node_id = %id, by = %caller.user, serial = %result.new_serial, "certificate renewed on request");
        return Ok(Json(result));
    }
    let wanted = id.clone();
    let node = s
        .on_store(move |_, c| {
            c.store
                .node(&wanted)
                .map_err(ApiError::internal)?
                .ok_or_else(|| ApiError::NotFound(format!("no node named `{wanted}`")))
        })
        .await?;
    let client = s
        .pki
        .peer_client(
            format!("https://{}", node.api_address),
            Some(id.clone()),
            Duration::from_secs(60),
        )
        .map_err(ApiError::internal)?;
    let result = client.node_renew_now().await.map_err(|e| {
        ApiError::BadGateway(format!(
            "node {id} at {} did not renew: {e}",
            node.api_address
        ))
    })?;
    tracing::info!(node_id = %id, by = %caller.user, serial = %result.new_serial, "certificate renewed on request");
    Ok(Json(result))
}

pub(super) async fn revoke_cert(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<RevokeCertRequest>,
) -> Result<Json<RevokeCertResponse>, ApiError> {
    caller.require(Role::Admin)?;
    s.on_store(move |s, control| revoke_now(s, control, &caller.user, &req))
        .await
        .map(Json)
}

fn revoke_now(
    s: &AppState,
    control: &crate::context::ControlPlane,
    by: &str,
    req: &RevokeCertRequest,
) -> Result<RevokeCertResponse, ApiError> {
    let t = now().unix_timestamp();
    let targets: Vec<String> = match (&req.node_id, &req.serial) {
        (Some(node), None) => {
            // Every certificate of the node that could still be used, not only the newest.
            let certs = control.store.certs().map_err(ApiError::internal)?;
            let serials: Vec<String> = certs
                .iter()
                .filter(|(c, _)| {
                    c.kind == CertKind::Node
                        && &c.subject == node
                        && c.revoked_at.is_none()
                        && c.not_after > t
                })
                .map(|(c, _)| c.serial.clone())
                .collect();
            if serials.is_empty() {
                return Err(ApiError::NotFound(format!(
                    "node `{node}` has no valid certificate"
                )));
            }
            serials
        }
        (None, Some(serial)) => {
            let serial = serial.trim().to_ascii_lowercase().replace(':', "");
            if control
                .store
                .cert(&serial)
                .map_err(ApiError::internal)?
                .is_none()
            {
                return Err(ApiError::NotFound(format!(
                    "no certificate with serial {serial}"
                )));
            }
            vec![serial]
        }
        _ => {
            return Err(ApiError::BadRequest(
                "give exactly one of node_id and serial".into(),
            ));
        }
    };
    let own = s.pki.current().info.serial_hex;
    if targets.contains(&own) {
        return Err(ApiError::Conflict(format!(
            "that is the certificate of {}, the coordinator answering this request; renew it instead",
            s.node_id
        )));
    }
    control.issuer.revoke(&targets, t)?;
    refresh_from_store(&control.store, &s.pki.revoked).map_err(ApiError::internal)?;
    tracing::warn!(by = %by, serials = ?targets, "certificates revoked");
    let mut revoked = Vec::new();
    for serial in &targets {
        if let Some(c) = control.store.cert(serial).map_err(ApiError::internal)? {
            revoked.push(c.to_api(t, false));
        }
    }
    Ok(RevokeCertResponse { revoked })
}

pub(super) async fn issue_operator_cert(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<OperatorCertRequest>,
) -> Result<(StatusCode, Json<OperatorCertIssued>), ApiError> {
    caller.require(Role::Admin)?;
    let (issued, req) = s
        .on_store(move |_, c| {
            let issued = c.issuer.issue_operator(&req, now())?;
            Ok((issued, req))
        })
        .await?;
    tracing::info!(user = %req.user, role = %req.role, by = %caller.user, "operator certificate issued");
    Ok((StatusCode::CREATED, Json(issued)))
}

pub(super) async fn node_status(State(s): State<AppState>, node: NodeCaller) -> Json<NodeStatus> {
    let current = s.pki.current();
    Json(NodeStatus {
        node_id: s.node_id.clone(),
        role: s.role,
        cert_serial: current.info.serial_hex,
        cert_not_after: current.info.not_after,
        caller: node.node_id,
        keyring_version: s.membership.sealer.key_version(),
    })
}

pub(super) async fn node_renew(
    State(s): State<AppState>,
    node: NodeCaller,
) -> Result<Json<RenewResult>, ApiError> {
    node.require_coordinator("ask for a renewal")?;
    let result = s
        .renewer
        .renew_now()
        .await
        .map_err(|e| ApiError::BadGateway(e.to_string()))?;
    Ok(Json(result))
}
