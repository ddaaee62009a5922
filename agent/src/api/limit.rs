//! Request budgets at the door: each request is put in a route class and charged to the
//! caller it proves to be: the node of its certificate, the user of its JWT (bearer or
//! the dashboard's cookie) or operator certificate, else its source address. A header
//! names the client only when the peer is a listed trusted proxy. Over budget is 429
//! (`ApiError::RateLimited`).

use std::net::IpAddr;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use p2p_shared::identity::Principal;

use super::AppState;
use super::error::ApiError;
use super::server::ConnInfo;
use crate::config::limits::{Cidr, Class};
use crate::limits::rate::Caller as Budget;
use crate::operators::jwt::Claims;

/// A bearer token this request carried, already verified (signature, issuer, times): the
/// `Caller` extractor uses it instead of verifying twice.
#[derive(Debug, Clone)]
pub struct VerifiedToken(pub Claims);

/// The class of a route (by its template, never the raw path); `None`: not limited.
pub fn class_of(method: &Method, template: Option<&str>) -> Option<Class> {
    let Some(path) = template else {
        // No route matched: probing for routes is charged as reads.
        return Some(Class::Read);
    };
    match path {
        // The dashboard's files: static, from memory, as cheap as the health check; a
        // page load fetches some twenty of them.
        "/v1/health" | "/" | "/dashboard" | "/dashboard/{*file}" => None,
        "/v1/auth/login" | "/ui/login" => Some(Class::Login),
        "/v1/enroll" => Some(Class::Enroll),
        p if p.starts_with("/v1/cluster/")
            || p.starts_with("/v1/node/")
            || p.starts_with("/v1/raft/")
            || p == "/v1/gossip/sync" =>
        {
            // Operator routes under /v1/cluster stay operator reads and writes.
            if p == "/v1/cluster/gossip-key/rotate" || p == "/v1/cluster/coordinators/{node}/remove"
            {
                Some(Class::Write)
            } else if p == "/v1/cluster/coordinators" {
                Some(Class::Read)
            } else {
                Some(Class::Node)
            }
        }
        _ if method == Method::GET || method == Method::HEAD => Some(Class::Read),
        _ => Some(Class::Write),
    }
}

/// The client's address: the peer, or, when the peer is a trusted proxy, the last address
/// in `X-Forwarded-For` that is not itself a trusted proxy.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[Cidr]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let mut chain: Vec<IpAddr> = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        let Ok(text) = value.to_str() else {
            return peer;
        };
        for part in text.split(',') {
            match part.trim().parse::<IpAddr>() {
                Ok(ip) => chain.push(ip),
                Err(_) => return peer,
            }
        }
    }
    chain
        .into_iter()
        .rev()
        .find(|ip| !is_trusted(*ip))
        .unwrap_or(peer)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// Who pays for `req`, and its verified token if it carried a good one.
fn budget_of(s: &AppState, req: &Request) -> (Budget, Option<VerifiedToken>) {
    let conn = req.extensions().get::<ConnInfo>();
    let ours = |p: &&Principal| p.cluster_id() == s.pki.cluster_id;
    match conn.and_then(|c| c.principal.as_ref()).filter(ours) {
        Some(Principal::Node(n)) => return (Budget::Node(n.node_id.clone()), None),
        Some(Principal::Operator(op)) if bearer(req.headers()).is_none() => {
            return (Budget::User(op.user.clone()), None);
        }
        _ => {}
    }
    // A bearer token, else the dashboard's session cookie: either way the user pays.
    let token = bearer(req.headers()).or_else(|| super::browser::session_cookie(req.headers()));
    if let (Some(token), Ok(control)) = (token, s.control())
        && let Ok(claims) = control.tokens.verify(token)
    {
        return (
            Budget::User(claims.sub.clone()),
            Some(VerifiedToken(claims)),
        );
    }
    let peer = conn.map_or(IpAddr::from([0, 0, 0, 0]), |c| c.remote.ip());
    let ip = client_ip(peer, req.headers(), &s.limits.config.trusted_proxies);
    (Budget::addr(ip), None)
}

pub async fn limit(
    State(s): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    if !s.limits.config.rate_limiting {
        return Ok(next.run(req).await);
    }
    let template = req.extensions().get::<MatchedPath>().map(|m| m.as_str());
    let Some(class) = class_of(req.method(), template) else {
        return Ok(next.run(req).await);
    };
    // Raft heartbeats (20 a second per peer) must never be refused between coordinators;
    // anyone else on these routes is charged, and then refused by the route.
    let from_coordinator = req
        .extensions()
        .get::<ConnInfo>()
        .is_some_and(|c| c.coordinator);
    if from_coordinator && template.is_some_and(|t| t.starts_with("/v1/raft/")) {
        return Ok(next.run(req).await);
    }
    let (budget, token) = budget_of(&s, &req);
    if let Err(limited) = s.limits.budgets.check(class, &budget) {
        s.limits.report_refusal(&limited);
        drain(req).await;
        return Err(ApiError::RateLimited(limited));
    }
    // The same budget across the coordinators, when they share a cache; this node's
    // own check above stays the floor when Redis does not answer.
    if let Some(shared) = s.shared.as_ref().filter(|_| class != Class::Node) {
        let rate = s.limits.config.rate(class);
        let bucket = format!("{}|{budget:?}", class.name());
        if let Some(Err(wait)) = shared.take(&bucket, rate.per_minute, rate.burst).await {
            let limited = s.limits.budgets.refused_cluster_wide(class, &budget, wait);
            s.limits.report_refusal(&limited);
            drain(req).await;
            return Err(ApiError::RateLimited(limited));
        }
    }
    if let Some(token) = token {
        req.extensions_mut().insert(token);
    }
    Ok(next.run(req).await)
}

/// Reads what is left of a refused request's (small) body before answering: closing a
/// socket with unread input makes the kernel reset it, and the client would then see
/// "connection reset" instead of the 429.
async fn drain(req: Request) {
    const MOST: usize = 64 * 1024;
    let body = axum::body::to_bytes(req.into_body(), MOST);
    let _ = tokio::time::timeout(std::time::Duration::from_secs(1), body).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn classes_follow_route_templates() {
        let get = Method::GET;
        let post = Method::POST;
        assert_eq!(class_of(&get, Some("/v1/health")), None);
        assert_eq!(class_of(&post, Some("/v1/auth/login")), Some(Class::Login));
        assert_eq!(class_of(&post, Some("/ui/login")), Some(Class::Login));
        assert_eq!(class_of(&post, Some("/v1/enroll")), Some(Class::Enroll));
        assert_eq!(class_of(&get, Some("/v1/nodes/{id}")), Some(Class::Read));
        assert_eq!(class_of(&post, Some("/v1/tokens")), Some(Class::Write));
        assert_eq!(class_of(&post, Some("/v1/gossip/sync")), Some(Class::Node));
        assert_eq!(class_of(&post, Some("/v1/cluster/logs")), Some(Class::Node));
        assert_eq!(class_of(&get, Some("/v1/node/status")), Some(Class::Node));
        assert_eq!(class_of(&post, Some("/v1/raft/append")), Some(Class::Node));
        assert_eq!(
            class_of(&post, Some("/v1/cluster/gossip-key/rotate")),
            Some(Class::Write)
        );
        assert_eq!(class_of(&get, None), Some(Class::Read));
        assert_eq!(class_of(&get, Some("/dashboard/{*file}")), None);
        assert_eq!(class_of(&get, Some("/ui/session")), Some(Class::Read));
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let peer: IpAddr = "192.0.2.1".parse().unwrap();
        let proxies = [Cidr::parse("192.0.2.0/28").unwrap()];
        let h = forwarded(&["203.0.113.9"]);
        // Not configured, or not from the proxy: the header is ignored.
        assert_eq!(client_ip(peer, &h, &[]), peer);
        let stranger: IpAddr = "198.51.100.7".parse().unwrap();
        assert_eq!(client_ip(stranger, &h, &proxies), stranger);
        // From the proxy: the last hop that is not a proxy.
        assert_eq!(
            client_ip(peer, &h, &proxies),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        // A client cannot pick its address by prepending to the header.
        let spoofed = forwarded(&["198.51.100.50, 203.0.113.9, 192.0.2.2"]);
        assert_eq!(
            client_ip(peer, &spoofed, &proxies),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        assert_eq!(client_ip(peer, &forwarded(&["garbage"]), &proxies), peer);
        assert_eq!(client_ip(peer, &HeaderMap::new(), &proxies), peer);
    }
}
