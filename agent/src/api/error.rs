//! API errors: one JSON shape, the right status, and never a 500 for a client's mistake.
//! Internal details are logged, not returned.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use p2p_shared::api::{ErrorBody, ErrorDetail};

#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("request body is too large (see max_request_body_bytes)")]
    PayloadTooLarge,
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    /// A control-plane route asked of a worker.
    #[error(
        "this node is a worker: it answers membership (nodes ls), its own services and logs; ask a coordinator for the rest (without --endpoint, p2pctl does)"
    )]
    NotCoordinator,
    /// A coordinator could not reach a node it had to ask something.
    #[error("{0}")]
    BadGateway(String),
    /// Temporarily unable (shutting down).
    #[error("{0}")]
    Unavailable(String),
    /// A control-plane write that no quorum of coordinators committed (no leader, or this
    /// coordinator is cut off from the majority): 503 with `Retry-After`. Nothing changed.
    #[error("{0}")]
    NoQuorum(String),
    /// Over a request budget or a concurrency cap: 429 with `Retry-After`.
    #[error("rate limited ({}): {}; retry in {} s", .0.class, .0.reason, retry_secs(.0))]
    RateLimited(crate::limits::rate::Limited),
    /// A fault of ours; the string is logged, the client sees a generic message.
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    pub fn internal(e: impl std::fmt::Display) -> Self {
        ApiError::Internal(e.to_string())
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::Unauthenticated(_) => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            ApiError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::UnsupportedMediaType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            ApiError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ApiError::NotCoordinator => (StatusCode::MISDIRECTED_REQUEST, "not_coordinator"),
            ApiError::BadGateway(_) => (StatusCode::BAD_GATEWAY, "node_unreachable"),
            ApiError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            ApiError::NoQuorum(_) => (StatusCode::SERVICE_UNAVAILABLE, "no_quorum"),
            ApiError::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

/// A store outcome: a refused condition is the client's (409/404/400/401), a lost quorum
/// is 503, anything else is ours.
impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        use crate::store::{Rejection as R, StoreError as E};
        let message = e.to_string();
        match e {
            E::NoQuorum(_) => ApiError::NoQuorum(message),
            E::Rejected(
                R::UnknownToken { .. }
                | R::UnknownCertificate { .. }
                | R::UnknownUser { .. }
                | R::UnknownEab { .. }
                | R::UnknownAccount { .. },
            ) => ApiError::NotFound(message),
            E::Rejected(
                R::TokenNotActive { .. }
                | R::AlreadyEnrolled { .. }
                | R::UserExists { .. }
                | R::LastAdmin
                | R::EabNotUsable { .. }
                | R::AccountKeyInUse { .. }
                | R::StaleOrder { .. },
            ) => ApiError::Conflict(message),
            other => ApiError::internal(other),
        }
    }
}

impl From<crate::blocking::TaskFailed> for ApiError {
    fn from(e: crate::blocking::TaskFailed) -> Self {
        ApiError::internal(e)
    }
}

impl From<crate::pki::issuer::IssueError> for ApiError {
    fn from(e: crate::pki::issuer::IssueError) -> Self {
        use crate::pki::issuer::IssueError as E;
        use crate::store::Rejection as R;
        let message = e.to_string();
        match e {
            E::InvalidRequest(_) => ApiError::BadRequest(message),
            E::TokenRequired | E::BadToken | E::TokenUnusable { .. } => {
                ApiError::Unauthenticated(message)
            }
            E::Rejected(R::UnknownToken { .. } | R::TokenNotActive { .. }) => {
                ApiError::Unauthenticated(message)
            }
            E::Rejected(R::UnknownCertificate { .. }) => ApiError::BadRequest(message),
            E::TokenScoped { .. }
            | E::WrongRole { .. }
            | E::NotOwnCertificate { .. }
            | E::ChallengeFailed(_) => ApiError::Forbidden(message),
            E::AlreadyEnrolled(_)
            | E::Rejected(R::AlreadyEnrolled { .. } | R::UserExists { .. } | R::LastAdmin) => {
                ApiError::Conflict(message)
            }
            E::Rejected(
                R::UnknownUser { .. } | R::UnknownEab { .. } | R::UnknownAccount { .. },
            ) => ApiError::NotFound(message),
            E::Rejected(
                R::EabNotUsable { .. } | R::AccountKeyInUse { .. } | R::StaleOrder { .. },
            ) => ApiError::Conflict(message),
            E::Superseded { .. } => ApiError::Forbidden(message),
            E::Store(crate::store::StoreError::NoQuorum(_)) => ApiError::NoQuorum(message),
            E::Store(_) | E::Ca(_) | E::CallbackClient(_) | E::Task(_) => {
                ApiError::Internal(message)
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let ApiError::Internal(detail) = &self {
            tracing::error!(%detail, "request failed");
        }
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.to_string(),
                message: self.to_string(),
            },
        };
        let mut resp = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let ApiError::RateLimited(limited) = &self {
            rate_limit_headers(resp.headers_mut(), limited);
        }
        if let ApiError::NoQuorum(_) = &self {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(1u64));
        }
        resp
    }
}

/// Whole seconds to wait, rounded up, at least one (`Retry-After` takes integers).
fn retry_secs(l: &crate::limits::rate::Limited) -> u64 {
    let d = l.retry_after;
    (d.as_secs() + u64::from(d.subsec_nanos() > 0)).max(1)
}

/// `Retry-After`, and the IETF httpapi draft's `RateLimit-Policy` (quota per window) and
/// `RateLimit` (remaining, seconds until reset) for the budget that refused.
fn rate_limit_headers(h: &mut axum::http::HeaderMap, l: &crate::limits::rate::Limited) {
    let secs = retry_secs(l);
    h.insert(header::RETRY_AFTER, HeaderValue::from(secs));
    if let Some(rate) = l.rate {
        let policy = format!("\"{}\";q={};w=60", l.class, rate.per_minute);
        let state = format!("\"{}\";r=0;t={secs}", l.class);
        for (name, value) in [("ratelimit-policy", policy), ("ratelimit", state)] {
            if let Ok(v) = HeaderValue::from_str(&value) {
                h.insert(name, v);
            }
        }
    }
}
