//! Service discovery and control. Any signed-in role lists and inspects; start, stop and
//! restart need the operator role. Any node acts on its own services; a coordinator also
//! forwards control to the node that runs the service, over mTLS with its node certificate.
//! A node accepts forwarded control only from a coordinator, so a worker's certificate
//! alone cannot stop services elsewhere.

use std::time::Duration;

use axum::Json;
use axum::extract::{Path, Query, State};
use p2p_shared::Role;
use p2p_shared::services::{
    NodeProblem, ServiceAction, ServiceActionRequest, ServiceDetail, ServiceInstance, ServiceList,
    ServiceStatusList,
};
use serde::Deserialize;

use super::AppState;
use super::error::ApiError;
use super::extract::{ApiJson, Caller, NodeCaller};
use crate::cache::shared::Lookup;
use crate::services::{ControlError, discovery};
use sha2::{Digest, Sha256};

/// A status query waits this long for each node it asks.
const STATUS_TIMEOUT: Duration = Duration::from_secs(5);
/// A forwarded control call may wait out the service's stop timeout.
const CONTROL_TIMEOUT: Duration = Duration::from_secs(35);

#[derive(Debug, Deserialize)]
pub(super) struct NodeFilter {
    node: Option<String>,
}

fn control_error(e: ControlError) -> ApiError {
    match e {
        ControlError::NotFound(_) => ApiError::NotFound(e.to_string()),
        ControlError::ShuttingDown => ApiError::Unavailable(e.to_string()),
        ControlError::Store(_) => ApiError::internal(e),
    }
}

fn parse_action(action: &str) -> Result<ServiceAction, ApiError> {
    action
        .parse()
        .map_err(|e: p2p_shared::services::UnknownAction| ApiError::NotFound(e.to_string()))
}

pub(super) async fn list(
    State(s): State<AppState>,
    _caller: Caller,
    Query(filter): Query<NodeFilter>,
) -> Json<ServiceList> {
    let mut services = discovery::instances(&s.membership);
    if let Some(node) = &filter.node {
        services.retain(|i| &i.node_id == node);
    }
    Json(ServiceList {
        services,
        manifest_errors: s.services.snapshot().problems,
    })
}

/// The instances of `name`, restricted to `node` when given; 404 when there are none.
fn instances_of(
    s: &AppState,
    name: &str,
    node: Option<&str>,
) -> Result<Vec<ServiceInstance>, ApiError> {
    let found: Vec<ServiceInstance> = discovery::instances(&s.membership)
        .into_iter()
        .filter(|i| i.name == name && node.is_none_or(|n| i.node_id == n))
        .collect();
    if found.is_empty() {
        return Err(ApiError::NotFound(match node {
            Some(n) => format!("node `{n}` runs no service named `{name}`"),
            None => format!("no node runs a service named `{name}`"),
        }));
    }
    Ok(found)
}

fn peer(s: &AppState, node: &str, timeout: Duration) -> Result<p2p_shared::ApiClient, ApiError> {
    let info = s
        .membership
        .node(node)
        .ok_or_else(|| ApiError::NotFound(format!("no node named `{node}`")))?;
    s.pki
        .peer_client(
            format!("https://{}", info.api_address),
            Some(node.to_string()),
            timeout,
        )
        .map_err(ApiError::internal)
}

/// A service's command line can carry secrets in its arguments: only admins see it.
fn redacted(mut d: ServiceDetail, caller: &Caller) -> ServiceDetail {
    if !caller.role.allows(Role::Admin) {
        d.command.clear();
    }
    d
}

/// The shared cache's table of a service's `svc status` answers is this and its name.
pub const SERVICE_TABLE: &str = "svc:";

/// Nodes asked at once by one `svc status`.
const FANOUT: usize = 16;

/// How long a `svc status` answer is kept: its live figures (CPU, memory, uptime) may be
/// that old; a change of an instance's state makes the next ask build a new one.
const STATUS_KEPT: Duration = Duration::from_secs(1);
const STATUS_CACHE_BYTES: u64 = 8 * 1024 * 1024;

/// The node's cache of `svc status` answers.
pub fn service_status_cache()
-> crate::cache::Coalesced<crate::context::ServiceStatusKey, ServiceStatusList> {
    crate::cache::Coalesced::new("service_status", STATUS_CACHE_BYTES, STATUS_KEPT, |k, v| {
        let each = v.instances.len() * 768 + v.unreachable.len() * 256;
        u32::try_from(k.0.len() + k.3.len() + each + 64).unwrap_or(u32::MAX)
    })
}

pub(super) async fn status(
    State(s): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Query(filter): Query<NodeFilter>,
) -> Result<Json<ServiceStatusList>, ApiError> {
    let found = instances_of(&s, &name, filter.node.as_deref())?;
    // The instances as gossip shows them, and the changes reported: any change of either
    // is a new key, so no answer is served after the event that changed it.
    let seen: Vec<String> = found
        .iter()
        .map(|i| format!("{}:{}:{}:{}", i.node_id, i.state, i.health, i.generation))
        .collect();
    let key = (
        name.clone(),
        filter.node.clone(),
        s.events.service_version(&name),
        seen.join(","),
    );
    // A fan-out is an expensive query: one of the caller's few (held for as long as this
    // request waits, a moment when the answer is kept), and a few nodes at a time.
    let _slot = s.query_slot(&caller)?;
    // Another coordinator's answer, when it saw the instances as this one does.
    let field = format!(
        "{}|{}",
        filter.node.as_deref().unwrap_or("*"),
        hex::encode(&Sha256::digest(key.3.as_bytes())[..12])
    );
    let build = shared_or_fan_out(&s, &name, field, found);
    let answer = s
        .service_status
        .get_or_build(key, build)
        .await
        .map_err(|e| (*e).clone())?;
    let mut out = answer;
    out.instances = out
        .instances
        .into_iter()
        .map(|d| redacted(d, &caller))
        .collect();
    Ok(Json(out))
}

/// The answer from the coordinators' shared cache if one is there, else a fan-out, then
/// left there for the others.
async fn shared_or_fan_out(
    s: &AppState,
    name: &str,
    field: String,
    found: Vec<ServiceInstance>,
) -> Result<ServiceStatusList, ApiError> {
    let Some(shared) = &s.shared else {
        return fan_out(s, name, found).await;
    };
    let table = format!("{SERVICE_TABLE}{name}");
    let epoch = match shared.get(&table, &field, STATUS_KEPT).await {
        // Written by a coordinator of another version, perhaps: built again.
        Lookup::Hit(bytes) => match serde_json::from_slice(&bytes) {
            Ok(answer) => return Ok(answer),
            Err(_) => None,
        },
        Lookup::Miss { epoch } => Some(epoch),
        Lookup::Unavailable => None,
    };
    let answer = fan_out(s, name, found).await?;
    if let (Some(epoch), Ok(bytes)) = (epoch, serde_json::to_vec(&answer)) {
        shared.put(&table, &field, epoch, &bytes).await;
    }
    Ok(answer)
}

/// Asks every node running the service for its detail, a few at a time.
async fn fan_out(
    s: &AppState,
    name: &str,
    found: Vec<ServiceInstance>,
) -> Result<ServiceStatusList, ApiError> {
    let gate = std::sync::Arc::new(tokio::sync::Semaphore::new(FANOUT));
    let mut asks = tokio::task::JoinSet::new();
    for inst in found {
        let (s, name, gate) = (s.clone(), name.to_string(), gate.clone());
        asks.spawn(async move {
            let _turn = gate.acquire_owned().await;
            let node = inst.node_id.clone();
            let result = if node == s.node_id {
                s.services
                    .detail(&name)
                    .ok_or_else(|| format!("no service named `{name}` here any more"))
            } else {
                match peer(&s, &node, STATUS_TIMEOUT) {
                    Ok(c) => c.node_service(&name).await.map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                }
            };
            (node, result)
        });
    }
    let mut out = ServiceStatusList {
        instances: vec![],
        unreachable: vec![],
    };
    while let Some(joined) = asks.join_next().await {
        match joined.map_err(ApiError::internal)? {
            (_, Ok(detail)) => out.instances.push(detail),
            (node_id, Err(error)) => out.unreachable.push(NodeProblem { node_id, error }),
        }
    }
    out.instances
        .sort_by(|a, b| a.instance.node_id.cmp(&b.instance.node_id));
    out.unreachable.sort_by(|a, b| a.node_id.cmp(&b.node_id));
    Ok(out)
}

pub(super) async fn control(
    State(s): State<AppState>,
    caller: Caller,
    Path((name, action)): Path<(String, String)>,
    ApiJson(req): ApiJson<ServiceActionRequest>,
) -> Result<Json<ServiceDetail>, ApiError> {
    let action = parse_action(&action)?;
    caller.require(Role::Operator)?;
    let found = instances_of(&s, &name, req.node.as_deref())?;
    let [target] = found.as_slice() else {
        let nodes: Vec<&str> = found.iter().map(|i| i.node_id.as_str()).collect();
        // Not a conflict of state: the request lacks the node it must name.
        return Err(ApiError::BadRequest(format!(
            "`{name}` runs on {} nodes ({}): name one with --node, or use --all",
            nodes.len(),
            nodes.join(", ")
        )));
    };
    let node = target.node_id.clone();
    tracing::info!(service = %name, node = %node, action = action.as_str(), by = %caller.user, "service control requested");
    let done = act(&s, &name, &node, action).await;
    // Whatever the outcome, an answer about the service kept before it (here, or on the
    // other coordinators) no longer holds; answers built while it ran are dropped too.
    s.events.service_touched(&name);
    if let Some(shared) = &s.shared {
        shared.invalidate(&format!("{SERVICE_TABLE}{name}")).await;
    }
    done.map(|d| Json(redacted(d, &caller)))
}

/// Runs `action` on `node`'s instance: here, or forwarded to that node.
async fn act(
    s: &AppState,
    name: &str,
    node: &str,
    action: ServiceAction,
) -> Result<ServiceDetail, ApiError> {
    if node == s.node_id {
        return s
            .services
            .control(name, action)
            .await
            .map_err(control_error);
    }
    if s.control.is_none() {
        return Err(ApiError::NotCoordinator);
    }
    let client = peer(s, node, CONTROL_TIMEOUT)?;
    client
        .node_service_action(name, action)
        .await
        .map_err(|e| match e.status() {
            Some(404) => ApiError::NotFound(e.to_string()),
            _ => ApiError::BadGateway(format!("node {node} did not {}: {e}", action.as_str())),
        })
}

pub(super) async fn node_detail(
    State(s): State<AppState>,
    _node: NodeCaller,
    Path(name): Path<String>,
) -> Result<Json<ServiceDetail>, ApiError> {
    s.services
        .detail(&name)
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("no service named `{name}` on this node")))
}

pub(super) async fn node_control(
    State(s): State<AppState>,
    node: NodeCaller,
    Path((name, action)): Path<(String, String)>,
) -> Result<Json<ServiceDetail>, ApiError> {
    let action = parse_action(&action)?;
    node.require_coordinator("forward service control")?;
    tracing::info!(service = %name, action = action.as_str(), forwarded_by = %node.node_id, "service control");
    s.services
        .control(&name, action)
        .await
        .map(Json)
        .map_err(control_error)
}
