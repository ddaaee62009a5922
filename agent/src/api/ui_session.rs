//! The dashboard's session: `POST /ui/login` checks the password like `POST /v1/auth/login`
//! and keeps the token in the `__Host-` session cookie (Secure, HttpOnly, SameSite=Strict),
//! never in the page's reach; `POST /ui/logout` revokes it and clears the cookie. Both
//! must come from the node's own pages with the dashboard's header (see `browser.rs`), so
//! another site can neither sign a browser in nor out.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use p2p_shared::api::{AuthMethod, LoginRequest, UiSession, WhoAmI};

use super::AppState;
use super::browser::{SESSION_COOKIE, require_own_page, require_page_write, session_cookie};
use super::error::ApiError;
use super::extract::{ApiJson, Caller};
use super::operators::{end_session, sign_in};
use super::server::ConnInfo;

fn cookie(value: &str, max_age: i64) -> Result<HeaderValue, ApiError> {
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={max_age}"
    ))
    .map_err(ApiError::internal)
}

/// `POST /ui/login` with `{"user", "password"}`: who signed in, and the cookie.
pub(super) async fn login(
    State(s): State<AppState>,
    axum::Extension(conn): axum::Extension<ConnInfo>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    require_page_write(&headers, &uri)?;
    let signed = sign_in(&s, &conn, req).await?;
    let max_age = (signed.expires_at - time::OffsetDateTime::now_utc())
        .whole_seconds()
        .max(0);
    let who = WhoAmI {
        user: signed.user,
        role: signed.role,
        auth_method: AuthMethod::Jwt,
        expires_at: Some(signed.expires_at),
        node_id: s.node_id.clone(),
    };
    Ok((
        [(header::SET_COOKIE, cookie(&signed.token, max_age)?)],
        Json(who),
    )
        .into_response())
}

/// `POST /ui/logout`: the session's token is revoked on the server and the cookie cleared.
pub(super) async fn logout(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Response, ApiError> {
    end_session(&s, caller).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, cookie("", 0)?)],
    )
        .into_response())
}

/// `GET /ui/session`: whom the cookie signs in, or why it no longer does (then the dead
/// cookie is cleared). Only from the dashboard's own pages.
pub(super) async fn session(
    State(s): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    caller: Result<Caller, ApiError>,
) -> Result<Response, ApiError> {
    require_own_page(&headers, &uri)?;
    match caller {
        Ok(caller) => Ok(Json(UiSession {
            signed_in: true,
            who: Some(WhoAmI {
                user: caller.user,
                role: caller.role,
                auth_method: caller.method,
                expires_at: caller
                    .expires_at
                    .and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok()),
                node_id: s.node_id.clone(),
            }),
            ended: None,
        })
        .into_response()),
        Err(ApiError::Unauthenticated(why)) => {
            let sent = session_cookie(&headers).is_some();
            let body = Json(UiSession {
                signed_in: false,
                who: None,
                ended: sent.then_some(why),
            });
            Ok(if sent {
                ([(header::SET_COOKIE, cookie("", 0)?)], body).into_response()
            } else {
                body.into_response()
            })
        }
        Err(other) => Err(other),
    }
}
