//! Metrics: the node's own samples for other nodes (`/v1/node/metrics`), every node's for
//! operators (`/v1/metrics/nodes`, asked of each node over mTLS), and `/metrics` for
//! Prometheus.

use std::time::Duration;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use p2p_shared::Role;
use p2p_shared::metrics::{NodeHistory, NodeReport, NodeSample, NodeSamples};
use serde::Deserialize;

use super::AppState;
use super::error::ApiError;
use super::extract::{ApiJson, Caller, NodeCaller};
use super::server::ConnInfo;
use p2p_shared::identity::Principal;

/// How long one node gets to answer for its samples.
const ASK_TIMEOUT: Duration = Duration::from_secs(3);
/// Nodes asked at once by one request.
const FANOUT: usize = 16;

#[derive(Debug, Deserialize)]
pub(super) struct Points {
    points: Option<u32>,
}

/// Operators only, viewer or more.
fn viewer(caller: Result<Caller, ApiError>) -> Result<Caller, ApiError> {
    let caller = caller?;
    caller.require(Role::Viewer)?;
    Ok(caller)
}

/// A node certificate is known but not allowed here: 403, not the 401 of no credentials.
pub(super) fn node_cert_refused(conn: Option<&ConnInfo>) -> Result<(), ApiError> {
    if conn.is_some_and(|c| matches!(c.principal, Some(Principal::Node(_)))) {
        return Err(ApiError::Forbidden(
            "a node certificate cannot read metrics: use an operator certificate or a viewer token"
                .into(),
        ));
    }
    Ok(())
}

fn own_history(s: &AppState, points: Option<u32>) -> NodeHistory {
    NodeHistory {
        node_id: s.node_id.clone(),
        interval_seconds: s.metrics.interval.as_secs_f64(),
        capacity: u32::try_from(s.metrics.capacity()).unwrap_or(u32::MAX),
        memory_limit_bytes: s.metrics.memory_limit_bytes(),
        samples: s.metrics.recent(points.map(|p| p as usize)),
    }
}

/// `GET /v1/node/metrics?points=N`: this node's samples, for another node.
pub(super) async fn node_metrics(
    State(s): State<AppState>,
    _node: NodeCaller,
    Query(q): Query<Points>,
) -> Json<NodeHistory> {
    Json(own_history(&s, q.points))
}

/// `GET /v1/metrics/nodes`: the latest sample of every live member, this node's own and
/// the others' asked of them (a member that does not answer in time is left out).
pub(super) async fn nodes(
    State(s): State<AppState>,
    conn: Option<axum::Extension<ConnInfo>>,
    caller: Result<Caller, ApiError>,
) -> Result<Json<NodeSamples>, ApiError> {
    node_cert_refused(conn.as_deref())?;
    let caller = viewer(caller)?;
    let _slot = s.query_slot(&caller)?;
    let gate = std::sync::Arc::new(tokio::sync::Semaphore::new(FANOUT));
    let mut asks = tokio::task::JoinSet::new();
    for member in s.membership.nodes() {
        if member.node_id == s.node_id || member.state != p2p_shared::api::NodeState::Alive {
            continue;
        }
        let (s, gate) = (s.clone(), gate.clone());
        asks.spawn(async move {
            let _turn = gate.acquire_owned().await;
            let client = s
                .pki
                .peer_client(
                    format!("https://{}", member.api_address),
                    Some(member.node_id.clone()),
                    ASK_TIMEOUT,
                )
                .ok()?;
            let h = client.node_metrics(Some(1)).await.ok()?;
            h.samples.into_iter().last()
        });
    }
    let mut out: Vec<NodeSample> = s.metrics.latest().into_iter().collect();
    while let Some(r) = asks.join_next().await {
        if let Ok(Some(sample)) = r {
            out.push(sample);
        }
    }
    // A node that did not answer (or is gone) is shown from its last report, if this
    // coordinator holds one.
    for held in s.metrics.latest_of_all() {
        if !out.iter().any(|o| o.node_id == held.node_id) {
            out.push(held);
        }
    }
    out.sort_by(|a, b| a.node_id.cmp(&b.node_id));
    Ok(Json(NodeSamples { nodes: out }))
}

/// `GET /v1/metrics/nodes/{id}?points=N`: one node's recent samples, oldest first.
pub(super) async fn node(
    State(s): State<AppState>,
    conn: Option<axum::Extension<ConnInfo>>,
    caller: Result<Caller, ApiError>,
    Path(id): Path<String>,
    Query(q): Query<Points>,
) -> Result<Json<NodeHistory>, ApiError> {
    node_cert_refused(conn.as_deref())?;
    viewer(caller)?;
    if id == s.node_id {
        return Ok(Json(own_history(&s, q.points)));
    }
    let points = q.points.map(|p| p as usize);
    let held = || {
        s.metrics.reported(&id, points).map(|samples| {
            let (_, limit) = s.metrics.reported_footprint();
            NodeHistory {
                node_id: id.clone(),
                interval_seconds: s.metrics.interval.as_secs_f64(),
                capacity: u32::try_from(s.metrics.capacity()).unwrap_or(u32::MAX),
                memory_limit_bytes: limit,
                samples,
            }
        })
    };
    let Some(member) = s.membership.node(&id) else {
        return held()
            .map(Json)
            .ok_or_else(|| ApiError::NotFound(format!("no node named `{id}`")));
    };
    let client = s
        .pki
        .peer_client(
            format!("https://{}", member.api_address),
            Some(id.clone()),
            ASK_TIMEOUT,
        )
        .map_err(ApiError::internal)?;
    match client.node_metrics(q.points).await {
        Ok(h) => Ok(Json(h)),
        // The node itself is the best source; its reports to this coordinator the next.
        Err(e) => held().map(Json).ok_or_else(|| {
            ApiError::Unavailable(format!("node `{id}` did not answer for its metrics: {e}"))
        }),
    }
}

/// Most samples and services one report may carry.
const MAX_REPORT_SAMPLES: usize = 300;
const MAX_REPORT_SERVICES: usize = 1024;

/// `POST /v1/cluster/metrics`: a node's report to a coordinator (see `metrics/report.rs`).
/// A node reports only for itself.
pub(super) async fn report(
    State(s): State<AppState>,
    node: NodeCaller,
    ApiJson(r): ApiJson<NodeReport>,
) -> Result<StatusCode, ApiError> {
    s.control()?;
    let own = |n: &str| n == node.node_id;
    if !own(&r.node_id)
        || !r.samples.iter().all(|x| own(&x.node_id))
        || !r.services.iter().flatten().all(|x| own(&x.node_id))
    {
        return Err(ApiError::Forbidden(format!(
            "{} may report only its own metrics and services",
            node.node_id
        )));
    }
    if r.samples.len() > MAX_REPORT_SAMPLES
        || r.services
            .as_ref()
            .is_some_and(|v| v.len() > MAX_REPORT_SERVICES)
    {
        return Err(ApiError::BadRequest(format!(
            "a report carries at most {MAX_REPORT_SAMPLES} samples and {MAX_REPORT_SERVICES} services"
        )));
    }
    s.metrics.record_reported(r.samples);
    if let Some(services) = r.services {
        s.events.services_of(&node.node_id, services);
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /metrics`: OpenMetrics text for Prometheus.
pub(super) async fn prometheus(
    State(s): State<AppState>,
    conn: Option<axum::Extension<ConnInfo>>,
    caller: Result<Caller, ApiError>,
) -> Result<Response, ApiError> {
    node_cert_refused(conn.as_deref())?;
    viewer(caller)?;
    let ctx = s.context();
    let body =
        crate::blocking::run(move || super::prometheus::render(ctx).map_err(ApiError::internal))
            .await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        body,
    )
        .into_response())
}

/// Counts every answered request by route class and status, with its time to answer (to
/// the response head, for streams). Outside the limiter, so refusals count too.
pub(super) async fn observe(
    State(s): State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let class = {
        let template = req
            .extensions()
            .get::<axum::extract::MatchedPath>()
            .map(|m| m.as_str());
        super::limit::class_of(req.method(), template).map_or("health", |c| c.name())
    };
    let started = std::time::Instant::now();
    let resp = next.run(req).await;
    s.metrics.api.observe(
        class,
        resp.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    resp
}
