//! The one typed HTTPS client for the `/v1` API, used by `p2pctl`, by tests and (later) by
//! node-to-node calls.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::{
    CreateUserRequest, HealthResponse, LoginRequest, LoginResponse, NodeInfo, NodeList,
    SetPasswordRequest, UserInfo, UserList, WhoAmI,
};
pub use crate::client_error::ClientError;
use crate::client_error::{api_error, certificate_failure, describe};
pub use crate::tls::ServerTrust;
use crate::tls::{CertCell, PeerRequirements, RevocationList, client_config};

/// How to reach and authenticate to one node.
#[derive(Debug)]
pub struct ClientOptions {
    /// Base URL, e.g. `https://127.0.0.1:8801`.
    pub server: String,
    pub trust: ServerTrust,
    /// JWT bearer token, if signed in.
    pub token: Option<String>,
    /// Client certificate for mTLS, if any (swappable: renewal takes effect on the next
    /// connection).
    pub identity: Option<Arc<CertCell>>,
    /// Refuse servers whose certificate is on this list.
    pub revoked: Option<Arc<RevocationList>>,
    /// Require the server to be this node (checked against its certificate identity).
    pub expected_node: Option<String>,
    /// Require the server to be a coordinator (its certificate carries the role). Always
    /// on when a `token` is set: a JWT is never sent to anyone else.
    pub require_coordinator: bool,
    pub timeout: Duration,
    /// For idempotent calls refused with 429: wait out the server's `Retry-After` once
    /// (if at most [`MAX_RATE_LIMIT_WAIT`]), telling this callback first, then retry.
    pub wait_out_rate_limit: Option<RateLimitNotice>,
    /// Other servers of the same cluster (the other coordinators): a call that cannot
    /// reach `server`, or that a coordinator without a quorum refuses, is tried on these.
    pub fallbacks: Vec<String>,
    /// Ask every read (GET) with `?consistent=true`: linearizable on a coordinator.
    pub consistent: bool,
}

/// How long a call keeps trying the servers in turn (a coordinator election takes about
/// a second; the server side holds a write for up to 5 s itself).
pub(crate) const FAILOVER_BUDGET: Duration = Duration::from_secs(8);
/// With other servers to try, a dead one is given up on quickly.
const FAILOVER_CONNECT_TIMEOUT: Duration = Duration::from_millis(500);

/// The header a write's retries share, so it is applied once.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// 128 random bits, hex.
fn idempotency_key() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// Longest `Retry-After` a client waits out by itself.
pub const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(30);

/// Told how long the client waits before retrying a rate-limited call.
#[derive(Clone)]
pub struct RateLimitNotice(pub Arc<dyn Fn(Duration) + Send + Sync>);

impl std::fmt::Debug for RateLimitNotice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RateLimitNotice")
    }
}

impl ClientOptions {
    pub fn new(server: impl Into<String>, trust: ServerTrust) -> Self {
        Self {
            server: server.into(),
            trust,
            token: None,
            identity: None,
            revoked: None,
            expected_node: None,
            require_coordinator: false,
            timeout: Duration::from_secs(10),
            wait_out_rate_limit: None,
            fallbacks: Vec::new(),
            consistent: false,
        }
    }
}

/// TCP keep-alive of client connections: probe after this long without traffic, then
/// every interval, and give up after the retries.
const TCP_KEEPALIVE: Duration = Duration::from_secs(30);
const TCP_KEEPALIVE_INTERVAL: Duration = Duration::from_secs(10);
const TCP_KEEPALIVE_RETRIES: u32 = 3;

/// Longest body a call reads unless it says otherwise.
pub const MAX_RESPONSE: usize = 32 * 1024 * 1024;
/// Longest error body read.
const MAX_ERROR_BODY: usize = 64 * 1024;
/// Longest line of an NDJSON stream.
pub const MAX_STREAM_LINE: usize = 256 * 1024;

#[derive(Debug, Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    /// The server first, then its fallbacks; `current` is the one in use.
    bases: Arc<Vec<String>>,
    current: Arc<std::sync::atomic::AtomicUsize>,
    pub(crate) token: Option<String>,
    wait_out_rate_limit: Option<RateLimitNotice>,
    consistent: bool,
    /// Each request's timeout when set (see [`ApiClient::with_timeout`]); else the client's.
    request_timeout: Option<Duration>,
    /// The coordinators the last answer named (`X-P2P-Coordinators`).
    announced: Arc<std::sync::Mutex<Option<Vec<String>>>>,
    /// The same TLS rules for WebSockets (HTTP/1.1 only: the upgrade needs it).
    pub(crate) ws_tls: Arc<rustls::ClientConfig>,
}

/// Most coordinators taken from one `X-P2P-Coordinators` header.
const MAX_ANNOUNCED: usize = 16;

impl ApiClient {
    pub fn new(opts: ClientOptions) -> Result<Self, ClientError> {
        let base = normalise_server(&opts.server)?;
        let mut bases = vec![base.clone()];
        for f in &opts.fallbacks {
            let f = normalise_server(f)?;
            if !bases.contains(&f) {
                bases.push(f);
            }
        }
        let connect_timeout = if bases.len() > 1 {
            FAILOVER_CONNECT_TIMEOUT
        } else {
            opts.timeout.min(Duration::from_secs(5))
        };
        let peer = PeerRequirements {
            node: opts.expected_node,
            coordinator: opts.require_coordinator || opts.token.is_some(),
        };
        let tls = client_config(opts.trust, peer, opts.identity, opts.revoked)?;
        let mut ws_tls = tls.clone();
        ws_tls.alpn_protocols = vec![b"http/1.1".to_vec()];
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .https_only(true)
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(connect_timeout)
            .timeout(opts.timeout)
            // Below the servers' idle_connection_timeout (60 s by default): the client
            // closes an idle connection first, so no request races the server's close.
            .pool_idle_timeout(Duration::from_secs(50))
            // A peer that vanished without closing (a long-poll's coordinator, a log
            // stream's node) is noticed within a minute, not at the call's timeout. TCP
            // keep-alive rather than HTTP/2 pings: a bare 52-byte probe, not a TLS record.
            .tcp_keepalive(TCP_KEEPALIVE)
            .tcp_keepalive_interval(TCP_KEEPALIVE_INTERVAL)
            .tcp_keepalive_retries(TCP_KEEPALIVE_RETRIES)
            .build()
            .map_err(|e| ClientError::Unreachable {
                server: base.clone(),
                reason: describe(&e),
            })?;
        Ok(Self {
            http,
            bases: Arc::new(bases),
            current: Arc::default(),
            token: opts.token,
            wait_out_rate_limit: opts.wait_out_rate_limit,
            consistent: opts.consistent,
            request_timeout: None,
            announced: Arc::default(),
            ws_tls: Arc::new(ws_tls),
        })
    }

    /// The same client (sharing its connections) with `timeout` for each request; calls
    /// that take their own timeout, such as long-polls, still use theirs.
    pub fn with_timeout(&self, timeout: Duration) -> Self {
        Self {
            request_timeout: Some(timeout),
            ..self.clone()
        }
    }

    pub fn base_url(&self) -> &str {
        let i = self.current.load(std::sync::atomic::Ordering::Relaxed);
        self.bases
            .get(i)
            .or(self.bases.first())
            .map_or("", String::as_str)
    }

    /// The coordinators (`https://HOST:PORT`) the last answer said the cluster has, if it
    /// said.
    pub fn announced_servers(&self) -> Option<Vec<String>> {
        self.announced
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn note_announced(&self, headers: &reqwest::header::HeaderMap) {
        let Some(v) = headers
            .get("x-p2p-coordinators")
            .and_then(|v| v.to_str().ok())
        else {
            return;
        };
        let list: Vec<String> = v
            .split(',')
            .filter_map(|a| normalise_server(&format!("https://{}", a.trim())).ok())
            .take(MAX_ANNOUNCED)
            .collect();
        if !list.is_empty() {
            *self.announced.lock().unwrap_or_else(|p| p.into_inner()) = Some(list);
        }
    }

    /// Every server this client may use, the one in use first.
    pub fn servers(&self) -> Vec<String> {
        let i = self.current.load(std::sync::atomic::Ordering::Relaxed);
        let mut v = self.bases.to_vec();
        let n = v.len();
        v.rotate_left(i.min(n));
        v
    }

    fn fail_over(&self) {
        let n = self.bases.len().max(1);
        let _ = self.current.fetch_update(
            std::sync::atomic::Ordering::Relaxed,
            std::sync::atomic::Ordering::Relaxed,
            |i| Some((i + 1) % n),
        );
    }

    /// Whether `e` may be retried on another server: the server could not be reached or
    /// the connection broke, or it answered that it cannot commit (no quorum or shutting
    /// down) or is not a coordinator. A write that may have reached a server is retried
    /// too: its `Idempotency-Key` makes the coordinators apply it once where a repeat would
    /// differ (token create, user add and remove); the other writes repeat harmlessly.
    pub(crate) fn try_elsewhere(e: &ClientError) -> bool {
        match e {
            ClientError::Unreachable { .. } => true,
            ClientError::Api { status, .. } => *status == 503 || *status == 421,
            _ => false,
        }
    }

    pub(crate) async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ClientError> {
        self.call_with_timeout(method, path, body, None).await
    }

    pub(crate) async fn call_with_timeout<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        timeout: Option<Duration>,
    ) -> Result<T, ClientError> {
        // One key for every attempt of this call (see `try_elsewhere`).
        let key = (method != Method::GET).then(idempotency_key);
        let build = || {
            let mut req = self.request(method.clone(), path);
            if let Some(k) = &key {
                req = req.header(IDEMPOTENCY_KEY, k.as_str());
            }
            if let Some(t) = timeout {
                req = req.timeout(t);
            }
            if let Some(body) = body {
                req = req.json(body);
            }
            req
        };
        let bytes = match self.exchange_failing_over(&build).await {
            Err(ClientError::RateLimited {
                retry_after: Some(wait),
                ..
            }) if method == Method::GET
                && wait <= MAX_RATE_LIMIT_WAIT
                && let Some(notice) = &self.wait_out_rate_limit =>
            {
                (notice.0)(wait);
                tokio::time::sleep(wait).await;
                self.exchange(build(), MAX_RESPONSE).await?
            }
            other => other?,
        };
        let bytes = if bytes.is_empty() {
            &b"null"[..]
        } else {
            &bytes[..]
        };
        serde_json::from_slice(bytes).map_err(|e| ClientError::Decode {
            server: self.base_url().to_string(),
            reason: e.to_string(),
        })
    }

    /// [`ApiClient::exchange`] on the server in use, then on the others in turn while the
    /// failure is one another server may not have (see [`ApiClient::try_elsewhere`]),
    /// until every server was tried in a round after [`FAILOVER_BUDGET`].
    async fn exchange_failing_over(
        &self,
        build: &impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<Vec<u8>, ClientError> {
        if self.bases.len() < 2 {
            return self.exchange(build(), MAX_RESPONSE).await;
        }
        self.failing_over(FAILOVER_BUDGET, Self::try_elsewhere, || {
            self.exchange(build(), MAX_RESPONSE)
        })
        .await
    }

    /// Runs `attempt` on the server in use, then on the next ones in turn while `retry`
    /// says the failure may pass (with a single server, on that one again), until every
    /// server was tried in a round after `budget`. Rounds are spaced by a short jittered
    /// pause, so an election can finish.
    pub(crate) async fn failing_over<T, F>(
        &self,
        budget: Duration,
        retry: impl Fn(&ClientError) -> bool,
        attempt: impl Fn() -> F,
    ) -> Result<T, ClientError>
    where
        F: std::future::Future<Output = Result<T, ClientError>>,
    {
        let servers = self.bases.len().max(1);
        let deadline = tokio::time::Instant::now() + budget;
        let mut tried = 0;
        loop {
            match attempt().await {
                Err(e) if retry(&e) => {
                    self.fail_over();
                    tried += 1;
                    if tried % servers == 0 {
                        if tokio::time::Instant::now() >= deadline {
                            return Err(e);
                        }
                        let nanos = std::time::SystemTime::now()
                            .duration_since(std::time::UNIX_EPOCH)
                            .map_or(0, |d| d.subsec_nanos());
                        let ms = 100 + u64::from(nanos % 150);
                        tokio::time::sleep(Duration::from_millis(ms)).await;
                    }
                }
                other => return other,
            }
        }
    }

    /// Moves to the next server (after a stream from the one in use broke).
    pub(crate) fn next_server(&self) {
        self.fail_over();
    }

    /// Sends `req`; a transport failure, a refused certificate or a non-2xx status becomes
    /// the matching `ClientError`, otherwise the body (at most `limit` bytes) is returned.
    pub(crate) async fn exchange(
        &self,
        req: reqwest::RequestBuilder,
        limit: usize,
    ) -> Result<Vec<u8>, ClientError> {
        let resp = self.send(req).await?;
        self.read_capped(resp, limit).await
    }

    /// Reads a body chunk by chunk and stops at `limit` bytes, so a peer cannot make us
    /// buffer without bound.
    pub(crate) async fn read_capped(
        &self,
        mut resp: reqwest::Response,
        limit: usize,
    ) -> Result<Vec<u8>, ClientError> {
        if resp.content_length().is_some_and(|n| n > limit as u64) {
            return Err(self.too_large(limit));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.unreachable(&e))? {
            if body.len() + chunk.len() > limit {
                return Err(self.too_large(limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    pub(crate) fn too_large(&self, limit: usize) -> ClientError {
        ClientError::TooLarge {
            server: self.base_url().to_string(),
            limit,
        }
    }

    /// A request to `path` carrying this client's credentials.
    pub(crate) fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let read = method == Method::GET;
        let mut req = self
            .http
            .request(method, format!("{}{}", self.base_url(), path));
        if self.consistent && read {
            req = req.query(&[("consistent", "true")]);
        }
        if let Some(t) = self.request_timeout {
            req = req.timeout(t);
        }
        match &self.token {
            Some(token) => req.bearer_auth(token),
            None => req,
        }
    }

    /// Sends `req`; a transport failure, a refused certificate or a non-2xx status becomes
    /// the matching `ClientError`, otherwise the response is returned unread (for streams).
    pub(crate) async fn send(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, ClientError> {
        let resp = req.send().await.map_err(|e| {
            let (server, mut reason) = (self.base_url().to_string(), describe(&e));
            // rustls prints our own verifier's reason as a Debug value: say it in words.
            if reason.contains("OtherError(NotCoordinator)") {
                reason = crate::tls::NotCoordinator.to_string();
            } else if let Some(m) = crate::client_error::verifier_message(&e) {
                reason = m;
            }
            if certificate_failure(&e) {
                ClientError::Rejected { server, reason }
            } else {
                ClientError::Unreachable { server, reason }
            }
        })?;
        self.note_announced(resp.headers());
        let status = resp.status();
        if !status.is_success() {
            let retry_after = resp
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let bytes = self.read_capped(resp, MAX_ERROR_BODY).await?;
            return Err(match api_error(status, &bytes) {
                ClientError::Api {
                    status: 429,
                    message,
                    ..
                } => ClientError::RateLimited {
                    retry_after,
                    message,
                },
                other => other,
            });
        }
        Ok(resp)
    }

    pub(crate) fn unreachable(&self, e: &reqwest::Error) -> ClientError {
        ClientError::Unreachable {
            server: self.base_url().to_string(),
            reason: describe(e),
        }
    }

    pub async fn health(&self) -> Result<HealthResponse, ClientError> {
        self.call::<(), _>(Method::GET, "/v1/health", None).await
    }

    pub async fn login(&self, req: &LoginRequest) -> Result<LoginResponse, ClientError> {
        self.call(Method::POST, "/v1/auth/login", Some(req)).await
    }

    pub async fn logout(&self) -> Result<(), ClientError> {
        self.call::<(), serde_json::Value>(Method::POST, "/v1/auth/logout", None)
            .await
            .map(|_| ())
    }

    pub async fn whoami(&self) -> Result<WhoAmI, ClientError> {
        self.call::<(), _>(Method::GET, "/v1/auth/whoami", None)
            .await
    }

    pub async fn nodes(&self) -> Result<NodeList, ClientError> {
        self.call::<(), _>(Method::GET, "/v1/nodes", None).await
    }

    pub async fn node(&self, node_id: &str) -> Result<NodeInfo, ClientError> {
        let path = format!("/v1/nodes/{}", encode_segment(node_id));
        self.call::<(), _>(Method::GET, &path, None).await
    }

    /// Marks a dead node left in every view (admin).
    pub async fn force_leave(&self, node_id: &str) -> Result<NodeInfo, ClientError> {
        let path = format!("/v1/nodes/{}/leave", encode_segment(node_id));
        self.call::<(), _>(Method::POST, &path, None).await
    }

    pub async fn users(&self) -> Result<UserList, ClientError> {
        self.call::<(), _>(Method::GET, "/v1/users", None).await
    }

    pub async fn create_user(&self, req: &CreateUserRequest) -> Result<UserInfo, ClientError> {
        self.call(Method::POST, "/v1/users", Some(req)).await
    }

    pub async fn delete_user(&self, name: &str) -> Result<(), ClientError> {
        let path = format!("/v1/users/{}", encode_segment(name));
        self.call::<(), serde_json::Value>(Method::DELETE, &path, None)
            .await
            .map(|_| ())
    }

    /// Ends every session of `name` (`POST /v1/users/{name}/sessions/revoke`).
    pub async fn revoke_user_sessions(&self, name: &str) -> Result<(), ClientError> {
        let path = format!("/v1/users/{}/sessions/revoke", encode_segment(name));
        self.call::<(), serde_json::Value>(Method::POST, &path, None)
            .await
            .map(|_| ())
    }

    pub async fn set_password(
        &self,
        name: &str,
        req: &SetPasswordRequest,
    ) -> Result<(), ClientError> {
        let path = format!("/v1/users/{}/password", encode_segment(name));
        self.call::<_, serde_json::Value>(Method::PUT, &path, Some(req))
            .await
            .map(|_| ())
    }
}

/// Percent-encodes a path segment (names are validated server-side; this only keeps a
/// hostile name from changing the path).
pub(crate) fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Accepts `https://host:port`, `host:port` (https implied); refuses plain http.
pub fn normalise_server(server: &str) -> Result<String, ClientError> {
    let s = server.trim().trim_end_matches('/');
    let with_scheme = if s.contains("://") {
        s.to_string()
    } else {
        format!("https://{s}")
    };
    let url = reqwest::Url::parse(&with_scheme)
        .map_err(|_| ClientError::InvalidServer(server.to_string()))?;
    if url.scheme() != "https" || url.host_str().is_none() || url.path() != "/" {
        return Err(ClientError::InvalidServer(server.to_string()));
    }
    Ok(with_scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_urls() {
        assert_eq!(
            normalise_server("127.0.0.1:8801").unwrap(),
            "https://127.0.0.1:8801"
        );
        assert_eq!(normalise_server("https://h:1/").unwrap(), "https://h:1");
        assert!(normalise_server("http://h:1").is_err());
        assert!(normalise_server("https://h:1/x").is_err());
        assert!(normalise_server("").is_err());
    }

    #[test]
    fn segments_are_encoded() {
        assert_eq!(encode_segment("w1"), "w1");
        assert_eq!(encode_segment("../x"), "..%2Fx");
    }
}
