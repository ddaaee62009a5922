//! Operator routes: sign-in, users, the node registry.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use p2p_shared::Role;
use p2p_shared::api::{
    CreateUserRequest, LoginRequest, LoginResponse, NodeInfo, NodeList, SetPasswordRequest,
    UserInfo, UserList, WhoAmI,
};
use time::OffsetDateTime;

use super::AppState;
use super::error::ApiError;
use super::extract::{ApiJson, Caller, Idempotency};
use super::server;
use crate::limits::login::NotNow;
use crate::limits::rate::Limited;
use crate::logs::untrusted;
use crate::operators::users::{UserError, UserRecord};
use crate::store::{Command, ts};

/// Argon2 is deliberately slow; keep it off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, UserError> + Send + 'static,
) -> Result<T, ApiError> {
    crate::blocking::run(move || f().map_err(user_error)).await
}

fn user_error(e: UserError) -> ApiError {
    match e {
        UserError::Exists(_) | UserError::LastAdmin => ApiError::Conflict(e.to_string()),
        UserError::NotFound(_) => ApiError::NotFound(e.to_string()),
        UserError::BadName(_) | UserError::WeakPassword => ApiError::BadRequest(e.to_string()),
        UserError::Store(e) => ApiError::from(e),
        UserError::Hash | UserError::Corrupt | UserError::Vault(_) => ApiError::internal(e),
    }
}

pub(super) async fn login(
    State(s): State<AppState>,
    axum::Extension(conn): axum::Extension<server::ConnInfo>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    sign_in(&s, &conn, req).await.map(Json)
}

/// Checks a user's password (throttled per account, off the async workers) and issues a
/// token: for `POST /v1/auth/login`, and for the dashboard's cookie.
pub(super) async fn sign_in(
    s: &AppState,
    conn: &server::ConnInfo,
    req: LoginRequest,
) -> Result<LoginResponse, ApiError> {
    let users = s.control()?.users.clone();
    let guard = &s.limits.logins;
    // Too many failures of this account lately, or every hashing slot busy: 429 before
    // any Argon2 work.
    let slot = guard.admit(&req.user).await.map_err(|not_now| {
        let limited = login_refusal(&req.user, not_now);
        s.limits.report_refusal(&limited);
        ApiError::RateLimited(limited)
    })?;
    let (name, password) = (req.user.clone(), req.password);
    let found = blocking(move || users.authenticate(&name, &password)).await?;
    drop(slot);
    let Some(user) = found else {
        guard.failed(&req.user, tokio::time::Instant::now());
        tracing::warn!(user = %untrusted(&req.user), remote = %conn.remote, "failed login");
        return Err(ApiError::Unauthenticated(
            "invalid user name or password".into(),
        ));
    };
    guard.succeeded(&user.name);
    let control = s.control()?;
    let generation = control
        .store
        .session_generation(&user.name)
        .map_err(ApiError::internal)?;
    let (token, claims) = control
        .tokens
        .issue(&user.name, user.role, generation, OffsetDateTime::now_utc())
        .map_err(ApiError::internal)?;
    tracing::info!(user = %user.name, role = %user.role, remote = %conn.remote, "login");
    Ok(LoginResponse {
        token,
        token_type: "Bearer".into(),
        user: user.name,
        role: user.role,
        expires_at: ts(claims.exp),
    })
}

fn login_refusal(user: &str, not_now: NotNow) -> Limited {
    match not_now {
        NotNow::Backoff(wait) => Limited {
            class: "login",
            retry_after: wait,
            rate: None,
            reason: format!(
                "too many failed logins for {} lately; each failure makes the next wait longer",
                untrusted(user)
            ),
        },
        NotNow::Busy => Limited {
            class: "login",
            retry_after: std::time::Duration::from_secs(1),
            rate: None,
            reason: "every password check slot is busy".into(),
        },
    }
}

pub(super) async fn logout(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<StatusCode, ApiError> {
    end_session(&s, caller).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Revokes the caller's token (nothing to do for a certificate).
pub(super) async fn end_session(s: &AppState, caller: Caller) -> Result<(), ApiError> {
    if let (Some(jti), Some(exp)) = (caller.jti, caller.expires_at) {
        s.on_store(move |_, c| {
            c.writer
                .write(&Command::RevokeToken {
                    jti,
                    expires_at: exp,
                })
                .map_err(ApiError::from)
        })
        .await?;
        tracing::info!(user = %caller.user, "logout");
    }
    Ok(())
}

pub(super) async fn whoami(State(s): State<AppState>, caller: Caller) -> Json<WhoAmI> {
    Json(WhoAmI {
        user: caller.user,
        role: caller.role,
        auth_method: caller.method,
        expires_at: caller.expires_at.map(ts),
        node_id: s.node_id.clone(),
    })
}

pub(super) async fn list_nodes(
    State(s): State<AppState>,
    _caller: Caller,
) -> Result<Json<NodeList>, ApiError> {
    Ok(Json(NodeList {
        nodes: s.membership.nodes(),
    }))
}

pub(super) async fn show_node(
    State(s): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<NodeInfo>, ApiError> {
    s.membership
        .node(&id)
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("no node named `{id}`")))
}

/// `POST /v1/nodes/{id}/leave` (admin): a dead node that will not come back is marked
/// left in every view (a force-leave); refused for a node that is alive.
pub(super) async fn force_leave(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<NodeInfo>, ApiError> {
    caller.require(Role::Admin)?;
    s.membership.force_leave(&id).map_err(|e| match e {
        p2p_gossip::ForceLeaveError::Unknown(_) => ApiError::NotFound(e.to_string()),
        p2p_gossip::ForceLeaveError::Alive(_) => ApiError::Conflict(e.to_string()),
        p2p_gossip::ForceLeaveError::Own => ApiError::BadRequest(e.to_string()),
    })?;
    tracing::info!(node = %id, by = %caller.user, "node forced out of the membership");
    s.membership
        .node(&id)
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("no node named `{id}`")))
}

fn user_info(u: &UserRecord) -> UserInfo {
    UserInfo {
        name: u.name.clone(),
        role: u.role,
        created_at: ts(u.created_at),
    }
}

pub(super) async fn list_users(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<UserList>, ApiError> {
    caller.require(Role::Admin)?;
    let users = s.control()?.users.clone();
    let users = blocking(move || users.list()).await?;
    Ok(Json(UserList {
        users: users.iter().map(user_info).collect(),
    }))
}

pub(super) async fn create_user(
    State(s): State<AppState>,
    caller: Caller,
    idempotency: Idempotency,
    ApiJson(req): ApiJson<CreateUserRequest>,
) -> Result<(StatusCode, Json<UserInfo>), ApiError> {
    caller.require(Role::Admin)?;
    let users = s.control()?.users.clone();
    let once = idempotency.scoped(
        &caller.user,
        "POST /v1/users",
        OffsetDateTime::now_utc().unix_timestamp(),
    );
    let (name, role, password) = (req.name, req.role, req.password);
    let rec = blocking(move || users.add(&name, role, &password, once.as_ref())).await?;
    tracing::info!(user = %rec.name, role = %rec.role, by = %caller.user, "user added");
    Ok((StatusCode::CREATED, Json(user_info(&rec))))
}

pub(super) async fn delete_user(
    State(s): State<AppState>,
    caller: Caller,
    idempotency: Idempotency,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.require(Role::Admin)?;
    let users = s.control()?.users.clone();
    let once = idempotency.scoped(
        &caller.user,
        &format!("DELETE /v1/users/{name}"),
        OffsetDateTime::now_utc().unix_timestamp(),
    );
    let target = name.clone();
    blocking(move || users.remove(&target, once.as_ref())).await?;
    tracing::info!(user = %name, by = %caller.user, "user removed");
    Ok(StatusCode::NO_CONTENT)
}

/// Refuses every token `user` holds from now on.
async fn end_sessions(s: &AppState, user: &str) -> Result<(), ApiError> {
    let user = user.to_string();
    s.on_store(move |_, c| {
        c.writer
            .write(&Command::RevokeUserSessions { user })
            .map_err(ApiError::from)
    })
    .await
}

/// `POST /v1/users/{name}/sessions/revoke`: an admin ends anyone's sessions, a user their own.
pub(super) async fn revoke_sessions(
    State(s): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    if caller.user != name || caller.method != p2p_shared::api::AuthMethod::Jwt {
        caller.require(Role::Admin)?;
    }
    let users = s.control()?.users.clone();
    let target = name.clone();
    let exists = blocking(move || Ok(users.list()?.iter().any(|u| u.name == target))).await?;
    if !exists {
        return Err(ApiError::NotFound(format!("no user named `{name}`")));
    }
    end_sessions(&s, &name).await?;
    tracing::info!(user = %name, by = %caller.user, "sessions revoked");
    Ok(StatusCode::NO_CONTENT)
}

/// An admin may set anyone's password. Anyone else only their own, signed in with a token
/// of that very account (an operator certificate that happens to carry the name is not the
/// account) and with the current password. Either way the account's sessions end.
pub(super) async fn set_password(
    State(s): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    ApiJson(req): ApiJson<SetPasswordRequest>,
) -> Result<StatusCode, ApiError> {
    let users = s.control()?.users.clone();
    if !caller.role.allows(Role::Admin) {
        let own_account = caller.user == name && caller.method == p2p_shared::api::AuthMethod::Jwt;
        if !own_account {
            return Err(ApiError::Forbidden(format!(
                "only an admin may change the password of `{name}`; users change their own while signed in with their password"
            )));
        }
        let current = req.current_password.clone().ok_or_else(|| {
            ApiError::BadRequest("changing your own password needs the current one".into())
        })?;
        let (u, target) = (users.clone(), name.clone());
        let account = blocking(move || u.authenticate(&target, &current)).await?;
        match account {
            Some(a) if a.role == caller.role => {}
            _ => {
                return Err(ApiError::Forbidden(
                    "the current password is wrong, or the account changed since this session began".into(),
                ));
            }
        }
    }
    let target = name.clone();
    blocking(move || users.set_password(&target, &req.password)).await?;
    tracing::info!(user = %name, by = %caller.user, "password changed");
    Ok(StatusCode::NO_CONTENT)
}
