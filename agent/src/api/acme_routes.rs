//! `/acme/*`: the RFC 8555 endpoints (coordinators; workers answer 421). Every answer,
//! error or not, carries a fresh `Replay-Nonce`, a `Link` to the directory and
//! `Cache-Control: no-store` (`acme_verify::acme_headers`). Each POST is a JWS checked by
//! `acme_verify::verify` before anything else. The decisions are in `acme::flow`; this
//! file is the wire format.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::AppState;
pub use super::acme_verify::acme_headers;
use super::acme_verify::{AcmeRequest, Base, Signer, Verified, not_coordinator, verify, with_flow};
use crate::acme::RETRY_AFTER_SECS;
use crate::acme::flow::AccountOutcome;
use crate::acme::jws::{self, PublicJwk};
use crate::acme::model::{Account, AccountStatus, Authz, Order, Status};
use crate::acme::problem::Problem;

const PEM_CHAIN: &str = "application/pem-certificate-chain";

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

pub async fn directory(State(s): State<AppState>, base: Base) -> Result<Response, Problem> {
    s.control().map_err(|_| not_coordinator())?;
    Ok(axum::Json(json!({
        "newNonce": base.url("/acme/new-nonce"),
        "newAccount": base.url("/acme/new-account"),
        "newOrder": base.url("/acme/new-order"),
        "revokeCert": base.url("/acme/revoke-cert"),
        "keyChange": base.url("/acme/key-change"),
        "meta": {
            "externalAccountRequired": true,
            "website": "https://github.com/p2p-core",
        },
    }))
    .into_response())
}

/// `HEAD` answers 200 and `GET` 204 (RFC 8555 7.2); the nonce is added on the way out.
pub async fn new_nonce(State(s): State<AppState>, method: axum::http::Method) -> Response {
    if s.control().is_err() {
        return not_coordinator().into_response();
    }
    if method == axum::http::Method::HEAD {
        StatusCode::OK.into_response()
    } else {
        StatusCode::NO_CONTENT.into_response()
    }
}

fn with_location(status: StatusCode, location: &str, body: Value) -> Response {
    let mut resp = (status, axum::Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

fn rfc3339(unix: i64) -> String {
    crate::store::ts(unix)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn account_json(base: &Base, a: &Account) -> Value {
    json!({
        "status": a.status.as_str(),
        "contact": a.contact,
        "orders": base.url(&format!("/acme/acct/{}/orders", a.id)),
    })
}

fn status_str(s: Status) -> Value {
    serde_json::to_value(s).unwrap_or(Value::Null)
}

fn challenge_json(base: &Base, order: &Order, n: usize, a: &Authz) -> Value {
    let mut c = json!({
        "type": "http-01",
        "url": base.url(&format!("/acme/chall/{}/{n}", order.id)),
        "status": status_str(a.challenge),
        "token": a.token,
    });
    if let Some(at) = a.validated_at {
        c["validated"] = json!(rfc3339(at));
    }
    if let Some(e) = &a.error {
        c["error"] = json!({"type": e.kind, "detail": e.detail});
    }
    c
}

fn authz_json(base: &Base, order: &Order, n: usize, a: &Authz, now: i64) -> Value {
    let status = if a.status == Status::Pending && now >= order.expires_at {
        Status::Expired
    } else {
        a.status
    };
    json!({
        "status": status_str(status),
        "expires": rfc3339(order.expires_at),
        "identifier": a.identifier,
        "challenges": [challenge_json(base, order, n, a)],
    })
}

fn order_json(base: &Base, o: &Order, now: i64) -> Value {
    let mut v = json!({
        "status": status_str(o.status(now)),
        "expires": rfc3339(o.expires_at),
        "identifiers": o.identifiers,
        "authorizations": (0..o.authorizations.len())
            .map(|n| base.url(&format!("/acme/authz/{}/{n}", o.id)))
            .collect::<Vec<_>>(),
        "finalize": base.url(&format!("/acme/order/{}/finalize", o.id)),
    });
    if let Some(serial) = &o.cert_serial {
        v["certificate"] = json!(base.url(&format!("/acme/cert/{serial}")));
    }
    let failed = o
        .error
        .clone()
        .or_else(|| o.authorizations.iter().find_map(|a| a.error.clone()));
    if let Some(e) = failed {
        v["error"] = json!({"type": e.kind, "detail": e.detail});
    }
    v
}

/// A payload field holding base64url DER (`csr`, `certificate`).
fn der_field(payload: &Value, field: &str, request: &str) -> Result<Vec<u8>, Problem> {
    use base64::Engine;
    payload
        .get(field)
        .and_then(|c| c.as_str())
        .and_then(|c| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(c)
                .ok()
        })
        .ok_or_else(|| Problem::malformed(format!("{request} needs `{field}`, base64url DER")))
}

/// `Retry-After` while the client has to wait for something.
fn retry_after_if(pending: bool, mut resp: Response) -> Response {
    if pending {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
    }
    resp
}

pub async fn new_account(State(s): State<AppState>, req: AcmeRequest) -> Result<Response, Problem> {
    let v = verify(&s, req, Signer::Key).await?;
    let payload = v.json()?;
    let key = v.key.clone().ok_or_else(|| Problem::malformed("no jwk"))?;
    let url = v.req.url.clone();
    let now = now().unix_timestamp();
    let outcome = with_flow(&s, move |f| f.new_account(key, &payload, &url, now)).await?;
    let base = &v.req.base;
    Ok(match outcome {
        AccountOutcome::Created(a) => {
            tracing::info!(account = %a.id, key_id = %a.key_id, "ACME account created");
            let url = base.url(&format!("/acme/acct/{}", a.id));
            with_location(StatusCode::CREATED, &url, account_json(base, &a))
        }
        AccountOutcome::Existing(a) => {
            let url = base.url(&format!("/acme/acct/{}", a.id));
            with_location(StatusCode::OK, &url, account_json(base, &a))
        }
    })
}

/// The signing account, which must be the one the URL names.
fn own_account(v: &Verified, id: &str) -> Result<Account, Problem> {
    let account = v.account()?;
    if account.id != id {
        return Err(Problem::unauthorized("a request for another account"));
    }
    Ok(account)
}

/// `POST /acme/acct/{id}`: read, update contacts, or deactivate (RFC 8555 7.3.2, 7.3.6).
pub async fn account(
    State(s): State<AppState>,
    Path(id): Path<String>,
    req: AcmeRequest,
) -> Result<Response, Problem> {
    let v = verify(&s, req, Signer::Account).await?;
    let mut account = own_account(&v, &id)?;
    let payload = v.json()?;
    if !v.is_post_as_get() {
        match payload.get("status").and_then(|s| s.as_str()) {
            Some("deactivated") => account.status = AccountStatus::Deactivated,
            Some(other) => {
                return Err(Problem::malformed(format!(
                    "an account can only be deactivated, not made {other}"
                )));
            }
            None => {}
        }
        if payload.get("contact").is_some() {
            account.contact = crate::acme::flow::contacts(&payload)?;
        }
        let changed = account.clone();
        account = with_flow(&s, move |f| f.update_account(changed)).await?;
        if account.status == AccountStatus::Deactivated {
            tracing::info!(account = %account.id, "ACME account deactivated by its holder");
        }
    }
    Ok(axum::Json(account_json(&v.req.base, &account)).into_response())
}

pub async fn account_orders(
    State(s): State<AppState>,
    Path(id): Path<String>,
    req: AcmeRequest,
) -> Result<Response, Problem> {
    let v = verify(&s, req, Signer::Account).await?;
    let account = own_account(&v, &id)?;
    let now = now().unix_timestamp();
    let orders = with_flow(&s, move |f| {
        f.store
            .acme_orders_of(&account.id, 1000)
            .map_err(crate::acme::flow::store_problem)
    })
    .await?;
    let urls: Vec<String> = orders
        .iter()
        .filter(|o| matches!(o.status(now), Status::Pending | Status::Ready))
        .map(|o| v.req.base.url(&format!("/acme/order/{}", o.id)))
        .collect();
    Ok(axum::Json(json!({ "orders": urls })).into_response())
}

pub async fn new_order(State(s): State<AppState>, req: AcmeRequest) -> Result<Response, Problem> {
    let v = verify(&s, req, Signer::Account).await?;
    let account = v.account()?;
    let payload = v.json()?;
    let now = now().unix_timestamp();
    let order = with_flow(&s, move |f| f.new_order(&account, &payload, now)).await?;
    let base = &v.req.base;
    let url = base.url(&format!("/acme/order/{}", order.id));
    Ok(with_location(
        StatusCode::CREATED,
        &url,
        order_json(base, &order, now),
    ))
}

async fn owned_order(s: &AppState, v: &Verified, id: String) -> Result<Order, Problem> {
    let account = v.account()?;
    with_flow(s, move |f| f.order_of(&account, &id)).await
}

pub async fn order(
    State(s): State<AppState>,
    Path(id): Path<String>,
    req: AcmeRequest,
) -> Result<Response, Problem> {
    let v = verify(&s, req, Signer::Account).await?;
    let order = owned_order(&s, &v, id).await?;
    let now = now().unix_timestamp();
    let pending = matches!(order.status(now), Status::Pending | Status::Processing);
    Ok(retry_after_if(
        pending,
        axum::Json(order_json(&v.req.base, &order, now)).into_response(),
    ))
}

pub async fn authz(
    State(s): State<AppState>,
    Path((id, n)): Path<(String, usize)>,
    req: AcmeRequest,
) -> Result<Response, Problem> {
    let v = verify(&s, req, Signer::Account).await?;
    let mut order = owned_order(&s, &v, id).await?;
    let now = now().unix_timestamp();
    let payload = v.json()?;
    if payload.get("status").and_then(|s| s.as_str()) == Some("deactivated") {
        let mut next = order.clone();
        let a = next
            .authorizations
            .get_mut(n)
            .ok_or_else(|| Problem::not_found("authorization"))?;
        a.status = Status::Deactivated;
        next.version += 1;
        let put = next.clone();
        with_flow(&s, move |f| {
            f.writer
                .write(&crate::store::Command::PutAcmeOrder {
                    order: put,
                    cert: None,
                })
                .map_err(crate::acme::flow::store_problem)
        })
        .await?;
        order = next;
    }
    let a = order
        .authorizations
        .get(n)
        .ok_or_else(|| Problem::not_found("authorization"))?;
    Ok(retry_after_if(
        a.status == Status::Pending,
        axum::Json(authz_json(&v.req.base, &order, n, a, now)).into_response(),
    ))
}

/// `POST /acme/chall/{order}/{n}` with `{}`: validate now (the client already serves the
/// answer); POST-as-GET: how it stands.
pub async fn challenge(
    State(s): State<AppState>,
    Path((id, n)): Path<(String, usize)>,
    req: AcmeRequest,
) -> Result<Response, Problem> {
    let v = verify(&s, req, Signer::Account).await?;
    let account = v.account()?;
    let mut order = owned_order(&s, &v, id).await?;
    let now = now().unix_timestamp();
    let a = order
        .authorizations
        .get(n)
        .cloned()
        .ok_or_else(|| Problem::not_found("challenge"))?;
    let start = !v.is_post_as_get() && a.challenge == Status::Pending;
    if start && order.status(now) == Status::Pending {
        let control = s.control().map_err(|_| not_coordinator())?;
        let key_authorization = format!("{}.{}", a.token, account.thumbprint);
        let result = control
            .acme
            .http01
            .validate(&a.identifier, &a.token, &key_authorization, v.req.source)
            .await;
        if let Err(p) = &result {
            tracing::info!(order = %order.id, identifier = %a.identifier.value, detail = %p.detail,
                "ACME http-01 validation failed");
        }
        let current = order.clone();
        order = with_flow(&s, move |f| f.record_challenge(&current, n, result, now)).await?;
    }
    let a = &order.authorizations[n.min(order.authorizations.len() - 1)];
    let up = v.req.base.url(&format!("/acme/authz/{}/{n}", order.id));
    let mut resp = axum::Json(challenge_json(&v.req.base, &order, n, a)).into_response();
    if let Ok(link) = HeaderValue::from_str(&format!("<{up}>;rel=\"up\"")) {
        resp.headers_mut().append(header::LINK, link);
    }
    Ok(resp)
}

pub async fn finalize(
    State(s): State<AppState>,
    Path(id): Path<String>,
    req: AcmeRequest,
) -> Result<Response, Problem> {
    let v = verify(&s, req, Signer::Account).await?;
    let order = owned_order(&s, &v, id).await?;
    let csr = der_field(&v.json()?, "csr", "finalize")?;
    let crl_url = Some(v.req.base.url("/v1/pki/crl"));
    let done = with_flow(&s, move |f| f.finalize(&order, &csr, crl_url, now())).await?;
    let base = &v.req.base;
    let url = base.url(&format!("/acme/order/{}", done.id));
    Ok(with_location(
        StatusCode::OK,
        &url,
        order_json(base, &done, now().unix_timestamp()),
    ))
}

/// The certificate and the CA, PEM (RFC 8555 7.4.2), to the account that ordered it.
pub async fn certificate(
    State(s): State<AppState>,
    Path(serial): Path<String>,
    req: AcmeRequest,
) -> Result<Response, Problem> {
    let v = verify(&s, req, Signer::Account).await?;
    let account = v.account()?;
    let (pem, ca) = with_flow(&s, move |f| {
        let cert = f
            .store
            .cert(&serial)
            .map_err(crate::acme::flow::store_problem)?
            .filter(|c| c.kind == p2p_shared::api::CertKind::Workload && c.subject == account.id)
            .and_then(|c| c.pem)
            .ok_or_else(|| Problem::not_found("certificate"))?;
        Ok((cert, f.ca.cert_pem().to_string()))
    })
    .await?;
    let mut chain = pem;
    if !chain.ends_with('\n') {
        chain.push('\n');
    }
    chain.push_str(&ca);
    Ok(([(header::CONTENT_TYPE, PEM_CHAIN)], chain).into_response())
}

pub async fn revoke_cert(State(s): State<AppState>, req: AcmeRequest) -> Result<Response, Problem> {
    let v = verify(&s, req, Signer::Either).await?;
    let payload = v.json()?;
    let der = der_field(&payload, "certificate", "revokeCert")?;
    let reason = payload.get("reason").and_then(|r| r.as_i64());
    let (account, key) = (v.account.clone(), v.key.clone());
    let now = now().unix_timestamp();
    with_flow(&s, move |f| {
        f.revoke(account.as_ref(), key.as_ref(), &der, reason, now)
    })
    .await?;
    Ok(StatusCode::OK.into_response())
}

/// `keyChange` (RFC 8555 7.3.5): the inner JWS, signed by the new key, names the account
/// and its old key.
pub async fn key_change(State(s): State<AppState>, req: AcmeRequest) -> Result<Response, Problem> {
    let v = verify(&s, req, Signer::Account).await?;
    let mut account = v.account()?;
    let inner = jws::parse(&v.payload)?;
    if inner.header.nonce.is_some() || inner.header.kid.is_some() {
        return Err(Problem::malformed(
            "the inner JWS has a jwk and neither a nonce nor a kid",
        ));
    }
    if inner.header.url.as_deref() != Some(v.req.url.as_str()) {
        return Err(Problem::malformed(
            "the inner JWS's url differs from the outer's",
        ));
    }
    let new_key = PublicJwk::from_value(
        inner
            .header
            .jwk
            .as_ref()
            .ok_or_else(|| Problem::malformed("the inner JWS has no jwk"))?,
    )?;
    jws::verify(&inner, &new_key)?;
    let body: Value = serde_json::from_slice(&inner.payload)
        .map_err(|_| Problem::malformed("the inner payload is not JSON"))?;
    let account_url = v.req.base.url(&format!("/acme/acct/{}", account.id));
    if body.get("account").and_then(|a| a.as_str()) != Some(account_url.as_str()) {
        return Err(Problem::malformed(
            "the inner payload names another account",
        ));
    }
    let old = body
        .get("oldKey")
        .map(PublicJwk::from_value)
        .transpose()?
        .ok_or_else(|| Problem::malformed("the inner payload has no oldKey"))?;
    if old != PublicJwk::from_value(&account.key)? {
        return Err(Problem::unauthorized("oldKey is not this account's key"));
    }
    account.thumbprint = new_key.thumbprint();
    account.key = serde_json::to_value(&new_key).map_err(Problem::internal)?;
    let tp = account.thumbprint.clone();
    let taken = with_flow(&s, move |f| {
        f.store
            .acme_account_by_thumbprint(&tp)
            .map_err(crate::acme::flow::store_problem)
    })
    .await?;
    if let Some(other) = taken {
        let url = v.req.base.url(&format!("/acme/acct/{}", other.id));
        let mut resp = Problem {
            status: Some(StatusCode::CONFLICT),
            ..Problem::malformed("the new key is already an account's key")
        }
        .into_response();
        if let Ok(loc) = HeaderValue::from_str(&url) {
            resp.headers_mut().insert(header::LOCATION, loc);
        }
        return Ok(resp);
    }
    let account = with_flow(&s, move |f| f.update_account(account)).await?;
    tracing::info!(account = %account.id, "ACME account key changed");
    Ok(axum::Json(account_json(&v.req.base, &account)).into_response())
}
