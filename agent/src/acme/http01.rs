//! The `http-01` validation (RFC 8555 8.3): the coordinator fetches
//! `http://{identifier}:{port}/.well-known/acme-challenge/{token}` and expects the key
//! authorization. The same fence as the enrolment call-back (`pki::challenge`): no
//! unspecified, multicast, broadcast or link-local targets, loopback only for a client that
//! itself came over loopback, no proxy, no redirects, a short timeout, a bounded body. The
//! port is configurable (`acme_http_port`, 80 by default).

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use super::model::{Identifier, IdentifierKind};
use super::problem::{Kind, Problem};
use crate::pki::challenge::{callback_allowed, fenced_client, root_cause};

pub const CHALLENGE_PATH: &str = "/.well-known/acme-challenge/";
/// A key authorization is 87 characters; a little whitespace is allowed after it.
const MAX_BODY: usize = 1024;
const TIMEOUT: Duration = Duration::from_secs(5);
/// Resolved addresses tried at most, in the resolver's order.
const MAX_ADDRESSES: usize = 4;

#[derive(Debug, Clone)]
pub struct Http01 {
    http: reqwest::Client,
    port: u16,
}

impl Http01 {
    pub fn new(port: u16) -> Result<Self, reqwest::Error> {
        Ok(Self {
            http: fenced_client(TIMEOUT)?,
            port,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Checks that `id` serves `key_authorization` for `token`; `source` is the address the
    /// ACME request came from (what the fence compares against).
    pub async fn validate(
        &self,
        id: &Identifier,
        token: &str,
        key_authorization: &str,
        source: IpAddr,
    ) -> Result<(), Problem> {
        let targets = self.targets(id).await?;
        let mut last = Problem::new(Kind::Connection, format!("{} has no address", id.value));
        for ip in targets.into_iter().take(MAX_ADDRESSES) {
            if let Err(why) = callback_allowed(ip, source) {
                last = Problem::new(
                    Kind::RejectedIdentifier,
                    format!(
                        "{} resolves to {ip}, which is not called back: {why}",
                        id.value
                    ),
                );
                continue;
            }
            match self.fetch(id, ip, token, key_authorization).await {
                Ok(()) => return Ok(()),
                Err(p) => last = p,
            }
        }
        Err(last)
    }

    async fn targets(&self, id: &Identifier) -> Result<Vec<IpAddr>, Problem> {
        if id.kind == IdentifierKind::Ip {
            return id
                .value
                .parse()
                .map(|ip| vec![ip])
                .map_err(|_| Problem::malformed("bad IP identifier"));
        }
        let lookup = tokio::net::lookup_host((id.value.as_str(), self.port));
        match tokio::time::timeout(TIMEOUT, lookup).await {
            Ok(Ok(addrs)) => {
                let mut ips: Vec<IpAddr> = addrs.map(|a| a.ip()).collect();
                ips.dedup();
                Ok(ips)
            }
            Ok(Err(e)) => Err(Problem::new(
                Kind::Connection,
                format!("cannot resolve {}: {e}", id.value),
            )),
            Err(_) => Err(Problem::new(
                Kind::Connection,
                format!("resolving {} timed out", id.value),
            )),
        }
    }

    async fn fetch(
        &self,
        id: &Identifier,
        ip: IpAddr,
        token: &str,
        key_authorization: &str,
    ) -> Result<(), Problem> {
        let addr = SocketAddr::new(ip.to_canonical(), self.port);
        let url = format!("http://{addr}{CHALLENGE_PATH}{token}");
        let host = match (id.kind, self.port) {
            (IdentifierKind::Dns, 80) => id.value.clone(),
            (IdentifierKind::Dns, port) => format!("{}:{port}", id.value),
            (IdentifierKind::Ip, _) => addr.to_string(),
        };
        let unreachable = |e: reqwest::Error| {
            Problem::new(
                Kind::Connection,
                format!("fetching {url} failed: {}", root_cause(&e)),
            )
        };
        let mut resp = self
            .http
            .get(&url)
            .header(reqwest::header::HOST, host)
            .send()
            .await
            .map_err(unreachable)?;
        if resp.status() != reqwest::StatusCode::OK {
            return Err(Problem::unauthorized(format!(
                "{url} answered {} (redirects are not followed)",
                resp.status().as_u16()
            )));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(unreachable)? {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_BODY {
                return Err(Problem::new(
                    Kind::IncorrectResponse,
                    format!("{url} answered more than {MAX_BODY} bytes"),
                ));
            }
        }
        let text = String::from_utf8_lossy(&body);
        if text.trim_end() == key_authorization {
            Ok(())
        } else {
            Err(Problem::new(
                Kind::IncorrectResponse,
                format!("{url} did not answer the key authorization"),
            ))
        }
    }
}
