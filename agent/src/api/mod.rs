//! The `/v1` HTTPS API: routes, who may call each, and the handlers.
//!
//! | route | caller |
//! |---|---|
//! | `GET /v1/health` | anyone |
//! | `POST /v1/auth/login` | anyone (user + password) |
//! | `POST /v1/auth/logout`, `GET /v1/auth/whoami` | any signed-in role |
//! | `GET /v1/nodes`, `GET /v1/nodes/{id}` | any signed-in role |
//! | `GET/POST /v1/users`, `DELETE /v1/users/{name}` | admin |
//! | `PUT /v1/users/{name}/password` | admin, or the user themself |

pub mod error;
pub mod extract;
pub mod server;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use p2p_shared::Role;
use p2p_shared::api::{
    CreateUserRequest, HealthResponse, LoginRequest, LoginResponse, NodeInfo, NodeList, NodeRole,
    SetPasswordRequest, UserInfo, UserList, WhoAmI,
};
use time::OffsetDateTime;

use crate::auth::TokenKeys;
use crate::store::{Command, Store, ts};
use crate::users::{UserError, UserRecord, Users};
use error::ApiError;
use extract::{ApiJson, Caller};

/// What handlers need; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState(Arc<NodeContext>);

#[derive(Debug)]
pub struct NodeContext {
    pub node_id: String,
    pub role: NodeRole,
    pub version: String,
    pub store: Arc<Store>,
    pub users: Users,
    pub tokens: Arc<TokenKeys>,
}

impl std::ops::Deref for AppState {
    type Target = NodeContext;
    fn deref(&self) -> &NodeContext {
        &self.0
    }
}

impl AppState {
    pub fn new(ctx: NodeContext) -> Self {
        Self(Arc::new(ctx))
    }
}

pub fn router(state: AppState, max_body: usize) -> Router {
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/auth/login", post(login))
        .route("/v1/auth/logout", post(logout))
        .route("/v1/auth/whoami", get(whoami))
        .route("/v1/nodes", get(list_nodes))
        .route("/v1/nodes/{id}", get(show_node))
        .route("/v1/users", get(list_users).post(create_user))
        .route("/v1/users/{name}", axum::routing::delete(delete_user))
        .route("/v1/users/{name}/password", put(set_password))
        .fallback(|| async { ApiError::NotFound("no such route".into()) })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(state)
}

async fn health(State(s): State<AppState>) -> Json<HealthResponse> {
    Json(HealthResponse {
        status: "ok".into(),
        node_id: s.node_id.clone(),
        role: s.role,
        version: s.version.clone(),
    })
}

/// Argon2 is deliberately slow; keep it off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, UserError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(ApiError::internal)?
        .map_err(user_error)
}

fn user_error(e: UserError) -> ApiError {
    match e {
        UserError::Exists(_) | UserError::LastAdmin => ApiError::Conflict(e.to_string()),
        UserError::NotFound(_) => ApiError::NotFound(e.to_string()),
        UserError::BadName(_) | UserError::WeakPassword => ApiError::BadRequest(e.to_string()),
        UserError::Hash | UserError::Corrupt | UserError::Vault(_) => ApiError::internal(e),
    }
}

async fn login(
    State(s): State<AppState>,
    axum::Extension(conn): axum::Extension<server::ConnInfo>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let users = s.users.clone();
    let (name, password) = (req.user.clone(), req.password);
    let found = blocking(move || users.authenticate(&name, &password)).await?;
    let Some(user) = found else {
        tracing::warn!(user = %req.user, remote = %conn.remote, "failed login");
        return Err(ApiError::Unauthenticated(
            "invalid user name or password".into(),
        ));
    };
    let (token, claims) = s
        .tokens
        .issue(&user.name, user.role, OffsetDateTime::now_utc())
        .map_err(ApiError::internal)?;
    tracing::info!(user = %user.name, role = %user.role, remote = %conn.remote, "login");
    Ok(Json(LoginResponse {
        token,
        token_type: "Bearer".into(),
        user: user.name,
        role: user.role,
        expires_at: ts(claims.exp),
    }))
}

async fn logout(State(s): State<AppState>, caller: Caller) -> Result<StatusCode, ApiError> {
    if let (Some(jti), Some(exp)) = (caller.jti, caller.expires_at) {
        s.store
            .apply(&Command::RevokeToken {
                jti,
                expires_at: exp,
            })
            .map_err(ApiError::internal)?;
        tracing::info!(user = %caller.user, "logout");
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn whoami(State(s): State<AppState>, caller: Caller) -> Json<WhoAmI> {
    Json(WhoAmI {
        user: caller.user,
        role: caller.role,
        auth_method: caller.method,
        expires_at: caller.expires_at.map(ts),
        node_id: s.node_id.clone(),
    })
}

async fn list_nodes(
    State(s): State<AppState>,
    _caller: Caller,
) -> Result<Json<NodeList>, ApiError> {
    let nodes = s.store.nodes().map_err(ApiError::internal)?;
    Ok(Json(NodeList {
        nodes: nodes.iter().map(|n| n.to_api()).collect(),
    }))
}

async fn show_node(
    State(s): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<NodeInfo>, ApiError> {
    s.store
        .node(&id)
        .map_err(ApiError::internal)?
        .map(|n| Json(n.to_api()))
        .ok_or_else(|| ApiError::NotFound(format!("no node named `{id}`")))
}

fn user_info(u: &UserRecord) -> UserInfo {
    UserInfo {
        name: u.name.clone(),
        role: u.role,
        created_at: ts(u.created_at),
    }
}

async fn list_users(State(s): State<AppState>, caller: Caller) -> Result<Json<UserList>, ApiError> {
    caller.require(Role::Admin)?;
    let users = s.users.list().map_err(user_error)?;
    Ok(Json(UserList {
        users: users.iter().map(user_info).collect(),
    }))
}

async fn create_user(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateUserRequest>,
) -> Result<(StatusCode, Json<UserInfo>), ApiError> {
    caller.require(Role::Admin)?;
    let users = s.users.clone();
    let (name, role, password) = (req.name, req.role, req.password);
    let rec = blocking(move || users.add(&name, role, &password)).await?;
    tracing::info!(user = %rec.name, role = %rec.role, by = %caller.user, "user added");
    Ok((StatusCode::CREATED, Json(user_info(&rec))))
}

async fn delete_user(
    State(s): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.require(Role::Admin)?;
    let users = s.users.clone();
    let target = name.clone();
    blocking(move || users.remove(&target)).await?;
    tracing::info!(user = %name, by = %caller.user, "user removed");
    Ok(StatusCode::NO_CONTENT)
}

async fn set_password(
    State(s): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    ApiJson(req): ApiJson<SetPasswordRequest>,
) -> Result<StatusCode, ApiError> {
    if caller.user != name {
        caller.require(Role::Admin)?;
    }
    let users = s.users.clone();
    let target = name.clone();
    blocking(move || users.set_password(&target, &req.password)).await?;
    tracing::info!(user = %name, by = %caller.user, "password changed");
    Ok(StatusCode::NO_CONTENT)
}
