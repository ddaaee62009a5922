//! Reads on coordinators say how fresh they are: `X-P2P-Known-Leader` (whether this
//! coordinator knows a Raft leader) and `X-P2P-Last-Contact-Ms` (how long since it heard
//! from it). A read served from this replica may lag the leader by that much; with
//! `?consistent=true` it first waits until this replica holds every write committed
//! before the request (a read index confirmed by a quorum), or fails with 503
//! `no_quorum`. `X-P2P-Coordinators` lists the API address of every coordinator in the
//! group, which clients use to keep their failover list current.

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

use super::AppState;
use super::error::ApiError;

pub async fn consistency(
    State(s): State<AppState>,
    req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let Some(control) = s.control.as_ref() else {
        return Ok(next.run(req).await);
    };
    let consistent = req
        .uri()
        .query()
        .is_some_and(|q| q.split('&').any(|kv| kv == "consistent=true"));
    if consistent {
        control.raft.linearize().await?;
    }
    let mut resp = next.run(req).await;
    let (known, since) = control.raft.leader_contact();
    let h = resp.headers_mut();
    h.insert(
        "x-p2p-known-leader",
        HeaderValue::from_static(if known { "true" } else { "false" }),
    );
    if let Some(ms) = since {
        h.insert("x-p2p-last-contact-ms", HeaderValue::from(ms));
    }
    // The group's members, so clients keep their list of coordinators current.
    if let Ok(v) = HeaderValue::from_str(&control.raft.member_addresses().join(",")) {
        h.insert("x-p2p-coordinators", v);
    }
    Ok(resp)
}
