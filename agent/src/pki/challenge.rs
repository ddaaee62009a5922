//! The address challenge: while a node asks for a certificate it runs a plain-HTTP responder
//! on `challenge_port` of each address it claims; the coordinator calls each one back with a
//! fresh nonce and expects `hex(HMAC-SHA256(challenge_secret, nonce))`. The secret travels
//! only inside the TLS request, so answering proves the requester really receives traffic
//! for that address. The responder serves nothing else and stops right after.
//!
//! The call-back is the one outbound request a client can steer, so it is fenced: only the
//! claimed addresses, never unspecified/multicast/broadcast/link-local ones, loopback only for
//! requests that themselves came over loopback, a fixed port and path, no redirects, a short
//! timeout, and at most [`MAX_ANSWER_BYTES`] read.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use crate::secrets::random_hex;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::net::TcpListener;
use tokio::sync::watch;
use zeroize::Zeroizing;

pub const CHALLENGE_PATH: &str = "/.well-known/p2p-challenge/";
/// An answer is 64 hex digits; anything longer is not one.
pub const MAX_ANSWER_BYTES: usize = 256;
pub const CALLBACK_TIMEOUT: Duration = Duration::from_secs(3);
/// Most addresses one request may claim (each costs a call-back).
pub const MAX_CLAIMED_ADDRESSES: usize = 16;
/// The responder's bounds: it answers the coordinator's one call-back per address, nothing
/// more, and nobody can keep it from stopping.
const MAX_RESPONDER_CONNECTIONS: usize = 2;
const MAX_RESPONDER_TOTAL: usize = 16;
const HEADER_TIMEOUT: Duration = Duration::from_secs(2);
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(5);
const STOP_TIMEOUT: Duration = Duration::from_secs(1);

#[derive(Debug, thiserror::Error)]
pub enum ChallengeError {
    #[error("cannot start the challenge responder on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// `hex(HMAC-SHA256(secret, nonce))`.
pub fn answer(secret: &str, nonce: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(nonce.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn verify_answer(secret: &str, nonce: &str, body: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(body) else {
        return false;
    };
    let Ok(tag) = hex::decode(text.trim()) else {
        return false;
    };
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(nonce.as_bytes());
    mac.verify_slice(&tag).is_ok()
}

/// Whether the coordinator may call `target` back for a request that arrived from `source`.
pub fn callback_allowed(target: IpAddr, source: IpAddr) -> Result<(), &'static str> {
    let target = target.to_canonical();
    let source = source.to_canonical();
    if target.is_unspecified() {
        return Err("unspecified address");
    }
    if target.is_multicast() {
        return Err("multicast address");
    }
    match target {
        IpAddr::V4(v4) if v4.is_broadcast() => return Err("broadcast address"),
        IpAddr::V4(v4) if v4.is_link_local() => return Err("link-local address"),
        IpAddr::V6(v6) if (v6.segments()[0] & 0xffc0) == 0xfe80 => {
            return Err("link-local address");
        }
        _ => {}
    }
    if target.is_loopback() && !source.is_loopback() {
        return Err("loopback address claimed by a remote node");
    }
    Ok(())
}

/// The worker side: a responder on every claimed address, stopped by [`Responder::stop`].
pub struct Responder {
    port: u16,
    stop: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

#[derive(Clone)]
struct ResponderState {
    secret: std::sync::Arc<Zeroizing<String>>,
}

async fn serve_answer(
    State(s): State<ResponderState>,
    Path(nonce): Path<String>,
) -> (StatusCode, String) {
    if nonce.is_empty() || nonce.len() > 128 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
        return (StatusCode::NOT_FOUND, String::new());
    }
    (StatusCode::OK, answer(&s.secret, &nonce))
}

impl Responder {
    pub async fn start(ips: &[IpAddr], port: u16, secret: &str) -> Result<Self, ChallengeError> {
        tracing::info!("Starting temporary HTTP server on port {port} for validation...");
        let state = ResponderState {
            secret: std::sync::Arc::new(Zeroizing::new(secret.to_string())),
        };
        let app = Router::new()
            .route(&format!("{CHALLENGE_PATH}{{nonce}}"), get(serve_answer))
            .fallback(|| async { StatusCode::NOT_FOUND })
            .with_state(state);
        let (stop, _) = watch::channel(false);
        let mut tasks = Vec::new();
        for ip in ips {
            let addr = SocketAddr::new(*ip, port);
            let listener = match TcpListener::bind(addr).await {
                Ok(l) => l,
                Err(source) => {
                    let _ = stop.send(true);
                    for t in tasks {
                        let _ = t.await;
                    }
                    return Err(ChallengeError::Bind { addr, source });
                }
            };
            tasks.push(tokio::spawn(accept_loop(
                listener,
                app.clone(),
                stop.subscribe(),
            )));
        }
        Ok(Self { port, stop, tasks })
    }

    /// Stops accepting at once; a connection still open ends on its own deadline, so no
    /// client (a half-sent request, a slow reader) can hold up enrolment or renewal.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for mut t in self.tasks {
            if tokio::time::timeout(STOP_TIMEOUT, &mut t).await.is_err() {
                t.abort();
                tracing::warn!(
                    port = self.port,
                    "the challenge responder did not stop in time"
                );
            }
        }
        tracing::info!(port = self.port, "Temporary HTTP server stopped");
    }
}

/// Open connections per source address, so one client cannot take every slot.
#[derive(Clone, Default)]
struct Slots(std::sync::Arc<std::sync::Mutex<std::collections::HashMap<IpAddr, usize>>>);

/// A taken slot; gives it back when dropped.
struct Slot(Slots, IpAddr);

impl Slots {
    fn take(&self, from: IpAddr) -> Option<Slot> {
        let mut open = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let total: usize = open.values().sum();
        let mine = open.entry(from).or_default();
        if *mine >= MAX_RESPONDER_CONNECTIONS || total >= MAX_RESPONDER_TOTAL {
            return None;
        }
        *mine += 1;
        Some(Slot(self.clone(), from))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = (self.0).0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.1) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.1);
            }
        }
    }
}

/// Serves plain HTTP/1.1 on one address until `stop`: at most
/// [`MAX_RESPONDER_CONNECTIONS`] at once per source (more are closed unanswered), headers
/// within [`HEADER_TIMEOUT`], one request per connection, and the whole connection within
/// [`CONNECTION_TIMEOUT`].
async fn accept_loop(listener: TcpListener, app: Router, mut stop: watch::Receiver<bool>) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    let slots = Slots::default();
    loop {
        let accepted = tokio::select! {
            _ = stop.wait_for(|s| *s) => return,
            a = listener.accept() => a,
        };
        let Ok((tcp, from)) = accepted else {
            continue;
        };
        let Some(slot) = slots.take(from.ip()) else {
            continue;
        };
        let svc = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let _slot = slot;
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .keep_alive(false)
                .serve_connection(TokioIo::new(tcp), svc);
            let _ = tokio::time::timeout(CONNECTION_TIMEOUT, conn).await;
        });
    }
}

/// The coordinator side: one client for every call-back, with no proxy, no redirects and a
/// short timeout.
#[derive(Debug, Clone)]
pub struct Verifier {
    http: reqwest::Client,
    port: u16,
}

impl Verifier {
    pub fn new(port: u16) -> Result<Self, reqwest::Error> {
        Ok(Self {
            http: fenced_client(CALLBACK_TIMEOUT)?,
            port,
        })
    }

    /// Calls `ip` back and checks the answer.
    pub async fn check(
        &self,
        ip: IpAddr,
        source: IpAddr,
        secret: &str,
    ) -> Result<(), CallbackFailure> {
        callback_allowed(ip, source).map_err(CallbackFailure::Fenced)?;
        let nonce = random_hex(16);
        let addr = SocketAddr::new(ip.to_canonical(), self.port);
        let url = format!("http://{addr}{CHALLENGE_PATH}{}", nonce.as_str());
        let failed = |e: reqwest::Error| CallbackFailure::Unreachable {
            addr,
            reason: root_cause(&e),
        };
        let mut resp = self.http.get(&url).send().await.map_err(failed)?;
        if resp.status() != reqwest::StatusCode::OK {
            return Err(CallbackFailure::Status {
                addr,
                status: resp.status().as_u16(),
            });
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(failed)? {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_ANSWER_BYTES {
                return Err(CallbackFailure::TooLong { addr });
            }
        }
        if verify_answer(secret, &nonce, &body) {
            Ok(())
        } else {
            Err(CallbackFailure::WrongAnswer { addr })
        }
    }
}

/// The client of every call-back a client can steer (enrolment, ACME `http-01`): no
/// proxy, no redirects, HTTP/1.1, `timeout` for connecting and for the whole call.
pub(crate) fn fenced_client(timeout: Duration) -> Result<reqwest::Client, reqwest::Error> {
    p2p_shared::tls::crypto_provider();
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .http1_only()
        .connect_timeout(timeout)
        .timeout(timeout)
        .build()
}

/// Why a claimed address did not pass the call-back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackFailure {
    /// The fence refuses to call it at all.
    #[error("{0}")]
    Fenced(&'static str),
    #[error("call-back to {addr} failed: {reason}")]
    Unreachable { addr: SocketAddr, reason: String },
    #[error("call-back to {addr} answered {status}")]
    Status { addr: SocketAddr, status: u16 },
    #[error("call-back to {addr} answered too much")]
    TooLong { addr: SocketAddr },
    #[error("call-back to {addr} gave a wrong answer")]
    WrongAnswer { addr: SocketAddr },
}

pub(crate) fn root_cause(e: &reqwest::Error) -> String {
    let mut last: &dyn std::error::Error = e;
    while let Some(s) = last.source() {
        last = s;
    }
    last.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn callback_fence() {
        let remote = ip("192.0.2.9");
        let local = ip("127.0.0.1");
        assert!(callback_allowed(ip("192.0.2.10"), remote).is_ok());
        assert!(callback_allowed(ip("127.0.0.5"), local).is_ok());
        assert!(callback_allowed(ip("127.0.0.5"), remote).is_err());
        assert!(callback_allowed(ip("::ffff:127.0.0.1"), remote).is_err());
        for bad in [
            "0.0.0.0",
            "::",
            "224.0.0.1",
            "255.255.255.255",
            "169.254.169.254",
            "fe80::1",
            "ff02::1",
        ] {
            assert!(callback_allowed(ip(bad), local).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn responder_answers_only_the_challenge_and_stops() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let lo = ip("127.0.0.1");
        let r = Responder::start(&[lo], port, "s3cret").await.unwrap();
        let v = Verifier::new(port).unwrap();
        v.check(lo, lo, "s3cret").await.unwrap();
        let err = v.check(lo, lo, "other").await.unwrap_err();
        assert!(err.to_string().contains("wrong answer"), "{err}");
        let other = reqwest::get(format!("http://127.0.0.1:{port}/v1/health"))
            .await
            .unwrap();
        assert_eq!(other.status(), 404);
        r.stop().await;
        let err = v.check(lo, lo, "s3cret").await.unwrap_err();
        assert!(err.to_string().contains("failed"), "{err}");
    }

    #[tokio::test]
    async fn a_half_sent_request_neither_blocks_answers_nor_the_stop() {
        use tokio::io::AsyncWriteExt;
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let lo = ip("127.0.0.1");
        let r = Responder::start(&[lo], port, "s3cret").await.unwrap();
        // A client starts a request and never finishes it.
        let mut stuck = tokio::net::TcpStream::connect((lo, port)).await.unwrap();
        stuck
            .write_all(b"GET /.well-known/p2p-challenge/ab")
            .await
            .unwrap();
        // The coordinator's call-back is still answered meanwhile...
        let v = Verifier::new(port).unwrap();
        v.check(lo, lo, "s3cret").await.unwrap();
        // ...and stopping does not wait for the stuck client.
        let stopped = tokio::time::timeout(Duration::from_secs(3), r.stop()).await;
        assert!(stopped.is_ok(), "stop() hung on a half-sent request");
        assert!(tokio::net::TcpStream::connect((lo, port)).await.is_err());
        drop(stuck);
    }

    #[tokio::test]
    async fn oversized_and_redirecting_answers_fail() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        for reply in [
            format!(
                "HTTP/1.1 200 OK\r\ncontent-length: 100000\r\n\r\n{}",
                "a".repeat(100000)
            ),
            "HTTP/1.1 302 Found\r\nlocation: http://127.0.0.1:1/\r\ncontent-length: 0\r\n\r\n"
                .to_string(),
        ] {
            let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = l.local_addr().unwrap().port();
            tokio::spawn(async move {
                let (mut s, _) = l.accept().await.unwrap();
                let mut buf = [0u8; 1024];
                let _ = s.read(&mut buf).await;
                let _ = s.write_all(reply.as_bytes()).await;
            });
            let v = Verifier::new(port).unwrap();
            let lo = ip("127.0.0.1");
            assert!(v.check(lo, lo, "s").await.is_err());
        }
    }
}
