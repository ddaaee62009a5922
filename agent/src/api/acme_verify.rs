//! Checking an ACME POST before any handler acts on it (RFC 8555 6.2-6.5): the content
//! type, the flattened JWS, its nonce (used once), its `url` (this request's), and its
//! key: `jwk` only where the RFC allows it (`newAccount`, `revokeCert`), else the `kid` of a
//! valid account, whose key must verify the signature. Then the account's own rate budget.
//! Also the headers every ACME answer carries.

use std::net::IpAddr;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{Value, json};

use super::AppState;
use super::server::ConnInfo;
use crate::acme::flow::Flow;
use crate::acme::jws::{self, PublicJwk};
use crate::acme::model::{Account, AccountStatus};
use crate::acme::problem::{Kind, Problem};
use crate::limits::rate::{Caller, Class};

const JOSE: &str = "application/jose+json";

/// `https://` and the authority the client used: what every URL we hand out starts with,
/// and what a JWS `url` must match. Not an identity: the client signs the URL it used.
#[derive(Debug, Clone)]
pub struct Base(pub String);

impl FromRequestParts<AppState> for Base {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Problem> {
        let authority = parts
            .uri
            .authority()
            .map(|a| a.as_str().to_string())
            .or_else(|| {
                parts
                    .headers
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .map(str::to_string)
            })
            .ok_or_else(|| Problem::malformed("the request names no host"))?;
        let sane = !authority.is_empty()
            && authority.len() <= 255
            && authority
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
        if !sane {
            return Err(Problem::malformed("the request's host is not a host name"));
        }
        Ok(Base(format!("https://{authority}")))
    }
}

impl Base {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }
}

/// A POST to an ACME resource, before its JWS is checked.
pub struct AcmeRequest {
    pub base: Base,
    pub url: String,
    pub source: IpAddr,
    body: Bytes,
}

impl FromRequest<AppState> for AcmeRequest {
    type Rejection = Problem;

    async fn from_request(req: Request, s: &AppState) -> Result<Self, Problem> {
        let (mut parts, body) = req.into_parts();
        let base = Base::from_request_parts(&mut parts, s).await?;
        let jose = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(';').next().map(str::trim) == Some(JOSE));
        if !jose {
            return Err(Problem {
                status: Some(StatusCode::UNSUPPORTED_MEDIA_TYPE),
                ..Problem::malformed(format!("send {JOSE}"))
            });
        }
        let peer = parts
            .extensions
            .get::<ConnInfo>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.remote.ip());
        let source =
            super::limit::client_ip(peer, &parts.headers, &s.limits.config.trusted_proxies);
        let url = base.url(parts.uri.path());
        let body = Bytes::from_request(Request::from_parts(parts, body), s)
            .await
            .map_err(|e| Problem::malformed(format!("cannot read the body: {e}")))?;
        Ok(AcmeRequest {
            base,
            url,
            source,
            body,
        })
    }
}

/// Which key may sign a request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Signer {
    /// `kid` of an account.
    Account,
    /// `jwk` (newAccount).
    Key,
    /// Either (revokeCert).
    Either,
}

/// A request whose JWS checked out.
pub struct Verified {
    pub req: AcmeRequest,
    pub payload: Vec<u8>,
    pub account: Option<Account>,
    pub key: Option<PublicJwk>,
}

impl Verified {
    pub fn account(&self) -> Result<Account, Problem> {
        self.account
            .clone()
            .ok_or_else(|| Problem::malformed("sign this request with an account's kid"))
    }

    pub fn json(&self) -> Result<Value, Problem> {
        if self.payload.is_empty() {
            return Ok(json!({}));
        }
        serde_json::from_slice(&self.payload)
            .map_err(|e| Problem::malformed(format!("the payload is not JSON: {e}")))
    }

    pub fn is_post_as_get(&self) -> bool {
        self.payload.is_empty()
    }
}

/// Runs store work for a request on the blocking pool.
pub async fn with_flow<T: Send + 'static>(
    s: &AppState,
    f: impl FnOnce(&Flow) -> Result<T, Problem> + Send + 'static,
) -> Result<T, Problem> {
    let ctx = s.context();
    crate::blocking::run(move || {
        let c = ctx.control.as_ref().ok_or_else(not_coordinator)?;
        let flow = Flow {
            store: &c.store,
            writer: &*c.writer,
            ca: c.issuer.ca(),
        };
        f(&flow)
    })
    .await
}

pub fn not_coordinator() -> Problem {
    Problem {
        status: Some(StatusCode::MISDIRECTED_REQUEST),
        ..Problem::malformed("ACME is served by coordinators; this node is a worker")
    }
}

impl From<crate::blocking::TaskFailed> for Problem {
    fn from(e: crate::blocking::TaskFailed) -> Self {
        Problem::internal(e)
    }
}

pub async fn verify(s: &AppState, req: AcmeRequest, signer: Signer) -> Result<Verified, Problem> {
    let control = s.control().map_err(|_| not_coordinator())?;
    let parsed = jws::parse(&req.body)?;
    let header = &parsed.header;
    let nonce = header
        .nonce
        .as_deref()
        .ok_or_else(|| Problem::new(Kind::BadNonce, "the protected header has no nonce"))?;
    if !control
        .acme
        .nonces
        .consume(nonce, std::time::Instant::now())
    {
        return Err(Problem::new(
            Kind::BadNonce,
            "the nonce is unknown, used or stale: retry with the one in this answer",
        ));
    }
    if header.url.as_deref() != Some(req.url.as_str()) {
        return Err(Problem::unauthorized(format!(
            "the protected header's url must be {}",
            req.url
        )));
    }
    let (account, key) = match (&header.jwk, &header.kid, signer) {
        (Some(_), Some(_), _) => {
            return Err(Problem::malformed("a request has a jwk or a kid, not both"));
        }
        (Some(jwk), None, Signer::Key | Signer::Either) => (None, PublicJwk::from_value(jwk)?),
        (None, Some(kid), Signer::Account | Signer::Either) => {
            let id = kid
                .strip_prefix(&req.base.url("/acme/acct/"))
                .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit()))
                .ok_or_else(|| Problem::new(Kind::AccountDoesNotExist, "unknown kid"))?
                .to_string();
            let account = with_flow(s, move |f| f.account(&id)).await?;
            if account.status != AccountStatus::Valid {
                return Err(Problem::unauthorized("this account is deactivated"));
            }
            let key = PublicJwk::from_value(&account.key)?;
            (Some(account), key)
        }
        (None, None, _) => return Err(Problem::malformed("the header needs a jwk or a kid")),
        (Some(_), None, _) => {
            return Err(Problem::malformed(
                "sign this request with the account's kid",
            ));
        }
        (None, Some(_), _) => {
            return Err(Problem::malformed(
                "newAccount is signed with a jwk, not a kid",
            ));
        }
    };
    match jws::verify(&parsed, &key) {
        Err(jws::JwsError::BadSignature) if account.is_some() => {
            return Err(Problem::unauthorized(
                "the request is not signed by the key of the account its kid names",
            ));
        }
        other => other?,
    }
    if let Some(account) = &account
        && s.limits.config.rate_limiting
        && let Err(limited) = s
            .limits
            .budgets
            .check(Class::Write, &Caller::AcmeAccount(account.id.clone()))
    {
        s.limits.report_refusal(&limited);
        return Err(Problem {
            retry_after: Some(limited.retry_after.as_secs().max(1)),
            ..Problem::new(Kind::RateLimited, limited.reason)
        });
    }
    Ok(Verified {
        req,
        payload: parsed.payload,
        key: account.is_none().then_some(key),
        account,
    })
}

/// Adds the headers every ACME answer carries.
pub async fn acme_headers(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let base = Base::from_request_parts(&mut parts, &s).await.ok();
    let mut resp = next.run(Request::from_parts(parts, body)).await;
    let headers = resp.headers_mut();
    if let Ok(control) = s.control() {
        let nonce = control.acme.nonces.issue(std::time::Instant::now());
        if let Ok(v) = HeaderValue::from_str(&nonce) {
            headers.insert("replay-nonce", v);
        }
    }
    if let Some(base) = base
        && let Ok(v) =
            HeaderValue::from_str(&format!("<{}>;rel=\"index\"", base.url("/acme/directory")))
    {
        headers.append(header::LINK, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}
