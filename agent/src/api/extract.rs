//! Request extractors: the authenticated caller, and JSON bodies whose rejections use our
//! error shape (400 malformed, 413 too large, 415 wrong content type).

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use p2p_shared::Role;
use p2p_shared::api::AuthMethod;
use serde::de::DeserializeOwned;

use p2p_shared::identity::Principal;

use super::AppState;
use super::error::ApiError;
use super::server::ConnInfo;

/// The signed-in operator behind a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: String,
    pub role: Role,
    pub method: AuthMethod,
    pub jti: Option<String>,
    pub expires_at: Option<i64>,
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
                return Ok(Caller {
                    user: op.user,
                    role: op.role,
                    method: AuthMethod::ClientCertificate,
                    jti: None,
                    expires_at: None,
                });
            }
            return Err(ApiError::Unauthenticated(
                "sign in first: no bearer token or operator certificate".into(),
            ));
        };
        let control = state.control()?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::Unauthenticated("malformed Authorization header".into()))?;
        let claims = control
            .tokens
            .verify(token)
            .map_err(|_| ApiError::Unauthenticated("invalid or expired token".into()))?;
        if control
            .store
            .is_token_revoked(&claims.jti)
            .map_err(ApiError::internal)?
        {
            return Err(ApiError::Unauthenticated(
                "this token was logged out".into(),
            ));
        }
        Ok(Caller {
            user: claims.sub,
            role: claims.role,
            method: AuthMethod::Jwt,
            jti: Some(claims.jti),
            expires_at: Some(claims.exp),
        })
    }
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
}

impl FromRequestParts<AppState> for NodeCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match principal(parts, state) {
            Some(Principal::Node(n)) => Ok(NodeCaller { node_id: n.node_id }),
            Some(Principal::Operator(_)) => Err(ApiError::Forbidden(
                "this route is for cluster nodes; an operator certificate is not enough".into(),
            )),
            None => Err(ApiError::Unauthenticated(
                "this route needs a node certificate of this cluster (mutual TLS)".into(),
            )),
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
