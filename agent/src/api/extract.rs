//! Request extractors: the authenticated caller, a long-poll's query, and JSON bodies whose
//! rejections use our error shape (400 malformed, 413 too large, 415 wrong content type).

use std::time::Duration;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use p2p_shared::Role;
use p2p_shared::api::AuthMethod;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tokio::sync::watch;

use p2p_shared::identity::Principal;

use super::AppState;
use super::error::ApiError;
use super::server::ConnInfo;
use crate::pki::follow::LONG_POLL;

/// The signed-in operator behind a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: String,
    pub role: Role,
    pub method: AuthMethod,
    pub jti: Option<String>,
    pub expires_at: Option<i64>,
    /// A token's session generation (0 for a certificate).
    pub generation: u64,
}

impl Caller {
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.role.allows(role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "this needs the {role} role; {} has {}",
                self.user, self.role
            )))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(header) = parts.headers.get(axum::http::header::AUTHORIZATION) else {
            // No bearer token: an operator client certificate (already verified against the
            // CA and the revocation list during the handshake) also signs in.
            if let Some(Principal::Operator(op)) = principal(parts, state) {
                // A certificate installed in a browser is as ambient as a cookie.
                if super::browser::from_browser(&parts.headers) && changes(parts) {
                    super::browser::require_page_write(&parts.headers, &parts.uri)?;
                }
                return Ok(Caller {
                    user: op.user,
                    role: op.role,
                    method: AuthMethod::ClientCertificate,
                    jti: None,
                    expires_at: None,
                    generation: 0,
                });
            }
            // A browser: the dashboard's session cookie, from this node's own pages only.
            if let Some(token) = super::browser::session_cookie(&parts.headers) {
                if changes(parts) {
                    super::browser::require_page_write(&parts.headers, &parts.uri)?;
                } else {
                    super::browser::require_own_page(&parts.headers, &parts.uri)?;
                }
                let token = token.to_string();
                return verify_token(parts, state, &token);
            }
            return Err(ApiError::Unauthenticated(
                "sign in first: no bearer token or operator certificate".into(),
            ));
        };
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::Unauthenticated("malformed Authorization header".into()))?
            .to_string();
        verify_token(parts, state, &token)
    }
}

/// Anything but a read. An HTTP/2 WebSocket handshake arrives as an extended CONNECT
/// (RFC 8441): it opens a read-only subscription, as a GET upgrade does over HTTP/1.1.
fn changes(parts: &Parts) -> bool {
    !matches!(
        parts.method,
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::CONNECT
    )
}

/// A JWT: signed by a coordinator, unexpired, not logged out, of the user's current
/// session generation.
fn verify_token(parts: &Parts, state: &AppState, token: &str) -> Result<Caller, ApiError> {
    let control = state.control()?;
    // The rate limiter at the door may have verified it already.
    let claims = match parts.extensions.get::<super::limit::VerifiedToken>() {
        Some(v) => v.0.clone(),
        None => control
            .tokens
            .verify(token)
            .map_err(|_| ApiError::Unauthenticated("invalid or expired token".into()))?,
    };
    let caller = Caller {
        user: claims.sub,
        role: claims.role,
        method: AuthMethod::Jwt,
        jti: Some(claims.jti),
        expires_at: Some(claims.exp),
        generation: claims.generation,
    };
    still_signed_in(state, &caller)?;
    Ok(caller)
}

/// A token's session was not ended since it was issued (asked again by long-lived
/// streams, which outlive the request that checked it).
pub fn still_signed_in(state: &AppState, caller: &Caller) -> Result<(), ApiError> {
    let (Some(jti), Ok(control)) = (&caller.jti, state.control()) else {
        return Ok(());
    };
    if control
        .store
        .is_token_revoked(jti)
        .map_err(ApiError::internal)?
    {
        return Err(ApiError::Unauthenticated(
            "this token was logged out".into(),
        ));
    }
    let current = control
        .store
        .session_generation(&caller.user)
        .map_err(ApiError::internal)?;
    if caller.generation != current {
        return Err(ApiError::Unauthenticated(
            "this session was ended (password changed, account removed, or sessions revoked): sign in again".into(),
        ));
    }
    Ok(())
}

/// The verified identity in the connection's client certificate, if it belongs to our
/// cluster.
fn principal(parts: &Parts, state: &AppState) -> Option<Principal> {
    let conn = parts.extensions.get::<ConnInfo>()?;
    conn.principal
        .clone()
        .filter(|p| p.cluster_id() == state.pki.cluster_id)
}

/// A node of the cluster calling over mTLS.
#[derive(Debug, Clone)]
pub struct NodeCaller {
    pub node_id: String,
    /// Its certificate gives it the coordinator role.
    pub coordinator: bool,
}

impl NodeCaller {
    /// Refuses callers whose certificate does not carry the coordinator role.
    pub fn require_coordinator(&self, what: &str) -> Result<(), ApiError> {
        if self.coordinator {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "only a coordinator may {what}; the certificate of {} has no coordinator role",
                self.node_id
            )))
        }
    }
}

impl FromRequestParts<AppState> for NodeCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let coordinator = parts
            .extensions
            .get::<ConnInfo>()
            .is_some_and(|c| c.coordinator);
        match principal(parts, state) {
            Some(Principal::Node(n)) => Ok(NodeCaller {
                node_id: n.node_id,
                coordinator,
            }),
            Some(Principal::Operator(_)) => Err(ApiError::Forbidden(
                "this route is for cluster nodes; an operator certificate is not enough".into(),
            )),
            None => Err(ApiError::Unauthenticated(
                "this route needs a node certificate of this cluster (mutual TLS)".into(),
            )),
        }
    }
}

/// A long-poll's query, `?after=V&wait=S`: without `after` the route answers at once;
/// with it, when the version differs from `V` or after `S` seconds (at most [`LONG_POLL`]).
#[derive(Debug, Clone, Copy)]
pub struct LongPoll {
    pub after: Option<u64>,
    pub wait: Duration,
}

#[derive(Debug, Deserialize)]
struct LongPollQuery {
    after: Option<u64>,
    wait: Option<u64>,
}

impl<S: Send + Sync> FromRequestParts<S> for LongPoll {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Query(q) = Query::<LongPollQuery>::from_request_parts(parts, state)
            .await
            .map_err(|r| ApiError::BadRequest(r.body_text()))?;
        let wait = q.wait.map_or(LONG_POLL, Duration::from_secs).min(LONG_POLL);
        Ok(LongPoll {
            after: q.after,
            wait,
        })
    }
}

impl LongPoll {
    /// Waits (up to the wait) until `rx` holds a version other than `after`; returns at once
    /// if it already does or if there is no `after`.
    pub async fn until_changed<T>(&self, rx: &mut watch::Receiver<T>, version: impl Fn(&T) -> u64) {
        if let Some(after) = self.after {
            let _ = tokio::time::timeout(self.wait, rx.wait_for(|v| version(v) != after)).await;
        }
    }
}

/// `axum::Json`, with rejections in the API's error format.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(map_rejection(rejection)),
        }
    }
}

fn map_rejection(r: JsonRejection) -> ApiError {
    match r.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType(
            "send a JSON body with Content-Type: application/json".into(),
        ),
        _ => ApiError::BadRequest(r.body_text()),
    }
}

/// The `Idempotency-Key` header of a write: the same on every retry of one request, so the
/// write applies once (see `store/once.rs`). Optional; 8 to 128 of `A-Z a-z 0-9 - _`.
#[derive(Debug, Clone, Default)]
pub struct Idempotency(Option<String>);

pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

impl Idempotency {
    /// The key as the store keeps it: scoped to the verified caller and the route, so one
    /// caller's key can never stand for another's write.
    pub fn scoped(&self, who: &str, route: &str, now: i64) -> Option<crate::store::OnceKey> {
        use sha2::Digest;
        let raw = self.0.as_deref()?;
        let mut h = sha2::Sha256::new();
        for part in [who, route, raw] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        Some(crate::store::OnceKey {
            key: hex::encode(h.finalize()),
            at: now,
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Idempotency {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(v) = parts.headers.get(IDEMPOTENCY_HEADER) else {
            return Ok(Idempotency(None));
        };
        let ok = v.to_str().ok().filter(|s| {
            (8..=128).contains(&s.len())
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
        match ok {
            Some(s) => Ok(Idempotency(Some(s.to_string()))),
            None => Err(ApiError::BadRequest(
                "Idempotency-Key must be 8 to 128 letters, digits, '-' or '_'".into(),
            )),
        }
    }
}
