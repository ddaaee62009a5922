//! ACME errors as RFC 7807 `application/problem+json` with RFC 8555's types (section 6.7).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::jws::JwsError;
use super::model::RecordedProblem;

const PREFIX: &str = "urn:ietf:params:acme:error:";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    AccountDoesNotExist,
    AlreadyRevoked,
    BadCsr,
    BadNonce,
    BadPublicKey,
    BadRevocationReason,
    BadSignatureAlgorithm,
    Connection,
    ExternalAccountRequired,
    IncorrectResponse,
    Malformed,
    OrderNotReady,
    RateLimited,
    RejectedIdentifier,
    ServerInternal,
    Unauthorized,
    UnsupportedIdentifier,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::AccountDoesNotExist => "accountDoesNotExist",
            Kind::AlreadyRevoked => "alreadyRevoked",
            Kind::BadCsr => "badCSR",
            Kind::BadNonce => "badNonce",
            Kind::BadPublicKey => "badPublicKey",
            Kind::BadRevocationReason => "badRevocationReason",
            Kind::BadSignatureAlgorithm => "badSignatureAlgorithm",
            Kind::Connection => "connection",
            Kind::ExternalAccountRequired => "externalAccountRequired",
            Kind::IncorrectResponse => "incorrectResponse",
            Kind::Malformed => "malformed",
            Kind::OrderNotReady => "orderNotReady",
            Kind::RateLimited => "rateLimited",
            Kind::RejectedIdentifier => "rejectedIdentifier",
            Kind::ServerInternal => "serverInternal",
            Kind::Unauthorized => "unauthorized",
            Kind::UnsupportedIdentifier => "unsupportedIdentifier",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            Kind::AccountDoesNotExist => StatusCode::BAD_REQUEST,
            Kind::Unauthorized => StatusCode::FORBIDDEN,
            Kind::OrderNotReady => StatusCode::FORBIDDEN,
            Kind::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Kind::ServerInternal => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// `urn:ietf:params:acme:error:<name>`.
    pub fn urn(self) -> String {
        format!("{PREFIX}{}", self.name())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: Kind,
    pub detail: String,
    pub status: Option<StatusCode>,
    pub retry_after: Option<u64>,
}

impl Problem {
    pub fn new(kind: Kind, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: detail.into(),
            status: None,
            retry_after: None,
        }
    }

    pub fn malformed(detail: impl Into<String>) -> Self {
        Self::new(Kind::Malformed, detail)
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(Kind::Unauthorized, detail)
    }

    pub fn not_found(what: &str) -> Self {
        Self {
            status: Some(StatusCode::NOT_FOUND),
            ..Self::malformed(format!("no such {what}"))
        }
    }

    /// Logs the cause; the client sees only that the server failed.
    pub fn internal(e: impl std::fmt::Display) -> Self {
        tracing::error!(error = %e, "ACME request failed");
        Self::new(
            Kind::ServerInternal,
            "internal error; see the coordinator's log",
        )
    }

    pub fn recorded(&self) -> RecordedProblem {
        RecordedProblem {
            kind: self.kind.urn(),
            detail: self.detail.clone(),
        }
    }
}

impl From<JwsError> for Problem {
    fn from(e: JwsError) -> Self {
        let kind = match e {
            JwsError::Malformed(_) => Kind::Malformed,
            JwsError::BadAlgorithm(_) => Kind::BadSignatureAlgorithm,
            JwsError::BadKey(_) => Kind::BadPublicKey,
            JwsError::BadSignature => Kind::Malformed,
        };
        Problem::new(kind, e.to_string())
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "type": self.kind.urn(),
            "detail": self.detail,
            "status": self.status.unwrap_or(self.kind.status()).as_u16(),
        });
        let mut resp =
            (self.status.unwrap_or(self.kind.status()), body.to_string()).into_response();
        let headers = resp.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp
    }
}
