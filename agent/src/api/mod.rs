//! The `/v1` HTTPS API: routes, who may call each, and shared state.
//!
//! | route | caller |
//! |---|---|
//! | `GET /v1/health` | anyone |
//! | `POST /v1/auth/login` | anyone (user + password) |
//! | `POST /v1/auth/logout`, `GET /v1/auth/whoami` | any signed-in role |
//! | `POST /ui/login`, `POST /ui/logout` | the dashboard's pages (own origin, `X-P2P-CSRF: 1`); the session cookie |
//! | `GET /ui/session` (who the cookie signs in, or that it signs in no one) | anyone, from the dashboard's own pages |
//! | `GET /`, `GET /dashboard`, `GET /dashboard/{file}` (the dashboard's files) | anyone (coordinators) |
//! | `GET /v1/nodes`, `GET /v1/nodes/{id}` | any signed-in role |
//! | `POST /v1/nodes/{id}/leave` (force-leave a dead node) | admin (every node) |
//! | `GET/POST /v1/users`, `DELETE /v1/users/{name}` | admin |
//! | `PUT /v1/users/{name}/password` | admin, or the user themself (token + current password) |
//! | `POST /v1/users/{name}/sessions/revoke` | admin, or the user themself |
//! | `GET/POST /v1/tokens`, `POST /v1/tokens/{id}/revoke` | admin |
//! | `POST /v1/enroll` | anyone holding a join token |
//! | `GET /v1/certs`, `GET /v1/nodes/{id}/cert` | any signed-in role |
//! | `POST /v1/nodes/{id}/cert/renew` | operator |
//! | `POST /v1/certs/revoke`, `POST /v1/certs/operator` | admin |
//! | `POST /v1/cluster/renew`, `GET /v1/cluster/revocations` | a node (mTLS) |
//! | `GET /v1/node/status` | a node (mTLS) |
//! | `POST /v1/node/renew` | a coordinator (mTLS) |
//! | `POST /v1/gossip/sync`, `GET /v1/cluster/gossip-keys` | a node (mTLS) |
//! | `POST /v1/cluster/gossip-key/rotate` | admin |
//! | `GET /v1/gossip/stats`, `GET /v1/limits`, `GET /v1/cache` | any signed-in role (every node) |
//! | `GET /v1/cluster/coordinators` | any signed-in role (coordinators) |
//! | `POST /v1/cluster/coordinators/{node}/remove` | admin (coordinators) |
//! | `GET /v1/services`, `GET /v1/services/{name}` | any signed-in role (every node) |
//! | `POST /v1/services/{name}/{start,stop,restart}` | operator (any node for its own services; coordinators forward) |
//! | `GET /v1/node/services/{name}` | a node (mTLS) |
//! | `POST /v1/node/services/{name}/{action}` | a coordinator (mTLS) |
//! | `GET /v1/logs` (query, or `follow=true` for an NDJSON stream) | any signed-in role (every node) |
//! | `GET /v1/cluster/logs/cursor`, `POST /v1/cluster/logs` | a node (mTLS), on coordinators |
//! | `GET /metrics`, `GET /v1/metrics/nodes`, `GET /v1/metrics/nodes/{id}` | viewer or more; a node certificate is refused (every node) |
//! | `GET /v1/node/metrics` | a node (mTLS) |
//! | `POST /v1/cluster/metrics` | a node (mTLS), for itself, on coordinators |
//! | `GET /v1/events` (WebSocket) | viewer or more, by token, operator certificate or the dashboard's cookie from its own origin; a node certificate is refused (every node) |
//! | `GET /v1/acme/eab`, `GET /v1/acme/accounts`, `GET /v1/acme/certs` | any signed-in role (coordinators) |
//! | `POST /v1/acme/eab`, `POST /v1/acme/accounts/{id}/deactivate` | admin (coordinators) |
//! | `GET /acme/directory`, `HEAD/GET /acme/new-nonce`, `POST /acme/*` (RFC 8555; see `acme_routes`) | anyone; a JWS signed by an account key, or by a new key with an external account binding (coordinators) |
//! | `POST /v1/raft/{append,vote,snapshot,propose,join,remove,read-index}`, `POST /v1/cluster/coordinator-secrets` | a coordinator (mTLS), on coordinators |
//!
//! `GET /v1/nodes` is served by every node, from its membership view.
//! "Signed in" means a JWT bearer token or an operator client certificate. Control-plane
//! routes answer 421 `not_coordinator` on workers.

mod acme_admin;
mod acme_routes;
mod acme_verify;
mod browser;
mod consistency;
mod dashboard;
pub mod error;
mod events_routes;
pub mod extract;
mod gossip_routes;
mod inflight;
pub mod limit;
mod log_routes;
mod metrics_routes;
mod operators;
mod pki_routes;
mod prometheus;
mod raft_routes;
pub mod server;
mod service_routes;
pub use service_routes::{SERVICE_TABLE, service_status_cache};
mod ui_session;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, State};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use p2p_shared::api::HealthResponse;

pub use crate::context::{ControlPlane, NodeContext};
use error::ApiError;

/// What handlers need; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState(Arc<NodeContext>);

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

    /// One of `caller`'s few slots for an expensive query (a fan-out to many nodes); held
    /// until the answer is built.
    pub fn query_slot(
        &self,
        caller: &extract::Caller,
    ) -> Result<crate::limits::rate::StreamSlot, ApiError> {
        self.limits
            .queries
            .open(&crate::limits::rate::Caller::User(caller.user.clone()))
            .map_err(|limited| {
                self.limits.report_refusal(&limited);
                ApiError::RateLimited(limited)
            })
    }

    /// The node's context, to move into blocking work.
    pub fn context(&self) -> Arc<NodeContext> {
        self.0.clone()
    }

    pub fn control(&self) -> Result<&ControlPlane, ApiError> {
        self.0.control.as_ref().ok_or(ApiError::NotCoordinator)
    }

    /// Runs the store part of a handler on the blocking pool: a commit waits for the disk
    /// (`synchronous=FULL`), and a slow disk must not stall the few async workers that
    /// gossip and every other request share.
    pub async fn on_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&AppState, &ControlPlane) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        self.control()?;
        let state = self.clone();
        crate::blocking::run(move || f(&state, state.control()?)).await
    }
}

/// Push-pull bodies are compressed views of the whole cluster: larger than API requests.
const GOSSIP_SYNC_MAX_BODY: usize = crate::membership::MAX_SYNC_BODY;
/// A shipped batch: up to 512 records of up to 16 KiB each, plus JSON overhead.
const LOG_BATCH_MAX_BODY: usize = 16 * 1024 * 1024;
/// Raft messages: up to openraft's 300 entries per append, or one 256 KiB snapshot chunk,
/// as JSON.
const RAFT_MAX_BODY: usize = 16 * 1024 * 1024;

pub fn router(state: AppState, max_body: usize) -> Router {
    use operators as op;
    use pki_routes as pk;
    let ui = Router::new()
        .route("/", get(dashboard::root))
        .route(dashboard::DASHBOARD_PATH, get(dashboard::page))
        .route("/dashboard/{*file}", get(dashboard::file))
        .layer(axum::Extension(dashboard::Assets::default()));
    use acme_routes as acme;
    let acme = Router::new()
        .route("/acme/directory", get(acme::directory))
        .route(
            "/acme/new-nonce",
            get(acme::new_nonce).head(acme::new_nonce),
        )
        .route("/acme/new-account", post(acme::new_account))
        .route("/acme/acct/{id}", post(acme::account))
        .route("/acme/acct/{id}/orders", post(acme::account_orders))
        .route("/acme/new-order", post(acme::new_order))
        .route("/acme/order/{id}", post(acme::order))
        .route("/acme/order/{id}/finalize", post(acme::finalize))
        .route("/acme/authz/{id}/{n}", post(acme::authz))
        .route("/acme/chall/{id}/{n}", post(acme::challenge))
        .route("/acme/cert/{serial}", post(acme::certificate))
        .route("/acme/revoke-cert", post(acme::revoke_cert))
        .route("/acme/key-change", post(acme::key_change))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            acme::acme_headers,
        ));
    Router::new()
        .merge(ui)
        .merge(acme)
        .route("/v1/health", get(health))
        .route("/v1/auth/login", post(op::login))
        .route("/v1/auth/logout", post(op::logout))
        .route("/v1/auth/whoami", get(op::whoami))
        .route("/ui/login", post(ui_session::login))
        .route("/ui/logout", post(ui_session::logout))
        .route("/ui/session", get(ui_session::session))
        .route("/v1/nodes", get(op::list_nodes))
        .route("/v1/nodes/{id}", get(op::show_node))
        .route("/v1/nodes/{id}/leave", post(op::force_leave))
        .route("/v1/users", get(op::list_users).post(op::create_user))
        .route("/v1/users/{name}", axum::routing::delete(op::delete_user))
        .route("/v1/users/{name}/password", put(op::set_password))
        .route(
            "/v1/users/{name}/sessions/revoke",
            post(op::revoke_sessions),
        )
        .route("/v1/tokens", get(pk::list_tokens).post(pk::create_token))
        .route("/v1/tokens/{id}/revoke", post(pk::revoke_token))
        .route("/v1/enroll", post(pk::enroll))
        .route("/v1/certs", get(pk::list_certs))
        .route("/v1/certs/revoke", post(pk::revoke_cert))
        .route("/v1/certs/operator", post(pk::issue_operator_cert))
        .route("/v1/pki/crl", get(pk::crl))
        .route(
            "/v1/acme/eab",
            get(acme_admin::list_eab).post(acme_admin::create_eab),
        )
        .route("/v1/acme/accounts", get(acme_admin::list_accounts))
        .route(
            "/v1/acme/accounts/{id}/deactivate",
            post(acme_admin::deactivate_account),
        )
        .route("/v1/acme/certs", get(acme_admin::list_certs))
        .route("/v1/nodes/{id}/cert", get(pk::node_cert))
        .route("/v1/nodes/{id}/cert/renew", post(pk::renew_node_cert))
        .route("/v1/cluster/renew", post(pk::cluster_renew))
        .route("/v1/cluster/revocations", get(pk::revocations))
        .route("/v1/node/status", get(pk::node_status))
        .route("/v1/node/renew", post(pk::node_renew))
        .route(
            "/v1/gossip/sync",
            post(gossip_routes::sync).layer(DefaultBodyLimit::max(GOSSIP_SYNC_MAX_BODY)),
        )
        .route("/v1/cluster/gossip-keys", get(gossip_routes::keys))
        .route("/v1/gossip/stats", get(gossip_routes::stats))
        .route("/v1/limits", get(gossip_routes::limit_stats))
        .route("/v1/cache", get(gossip_routes::cache_stats))
        .route("/v1/cluster/gossip-key/rotate", post(gossip_routes::rotate))
        .route("/v1/services", get(service_routes::list))
        .route("/v1/services/{name}", get(service_routes::status))
        .route(
            "/v1/services/{name}/{action}",
            post(service_routes::control),
        )
        .route("/v1/node/services/{name}", get(service_routes::node_detail))
        .route(
            "/v1/node/services/{name}/{action}",
            post(service_routes::node_control),
        )
        .route("/metrics", get(metrics_routes::prometheus))
        .route("/v1/metrics/nodes", get(metrics_routes::nodes))
        .route("/v1/metrics/nodes/{id}", get(metrics_routes::node))
        .route("/v1/node/metrics", get(metrics_routes::node_metrics))
        .route("/v1/cluster/metrics", post(metrics_routes::report))
        // `any`: an HTTP/2 WebSocket arrives as an extended CONNECT, not a GET.
        .route("/v1/events", axum::routing::any(events_routes::events))
        .route("/v1/logs", get(log_routes::query))
        .route("/v1/cluster/logs/cursor", get(log_routes::cursor))
        .route(
            "/v1/cluster/logs",
            post(log_routes::ingest).layer(DefaultBodyLimit::max(LOG_BATCH_MAX_BODY)),
        )
        .route(
            crate::raft::network::APPEND_PATH,
            post(raft_routes::append).layer(DefaultBodyLimit::max(RAFT_MAX_BODY)),
        )
        .route(crate::raft::network::VOTE_PATH, post(raft_routes::vote))
        .route(
            crate::raft::network::SNAPSHOT_PATH,
            post(raft_routes::snapshot).layer(DefaultBodyLimit::max(RAFT_MAX_BODY)),
        )
        .route(crate::raft::join::JOIN_PATH, post(raft_routes::join))
        .route(
            crate::raft::replicator::READ_INDEX_PATH,
            post(raft_routes::read_index),
        )
        .route(
            crate::raft::join::REMOVE_PATH,
            post(raft_routes::remove_forwarded),
        )
        .route("/v1/cluster/coordinators", get(raft_routes::list))
        .route(
            "/v1/cluster/coordinators/{node}/remove",
            post(raft_routes::remove),
        )
        .route(crate::raft::join::SECRETS_PATH, post(raft_routes::secrets))
        .route(
            crate::raft::replicator::PROPOSE_PATH,
            post(raft_routes::propose).layer(DefaultBodyLimit::max(RAFT_MAX_BODY)),
        )
        .fallback(|| async { ApiError::NotFound("no such route".into()) })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            consistency::consistency,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limit::limit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics_routes::observe,
        ))
        .layer(axum::middleware::from_fn(inflight::track))
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
