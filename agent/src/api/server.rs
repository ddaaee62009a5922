//! The accept loop: TCP, TLS handshake (bounded in time), then HTTP/1.1 or HTTP/2 through
//! hyper, with the peer's certificate attached to every request of the connection.
//!
//! Every connection is admitted into a pool first (`limits::admission`): handshakes, then
//! either the node pool (a node certificate) or the public one. A connection that sends no
//! request within `request_header_timeout`, or has none in flight for
//! `idle_connection_timeout`, or is evicted to make room, is shut down gracefully. Shutdown
//! stops accepting, lets in-flight requests finish until a deadline, then drops the rest.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use p2p_shared::identity::Principal;
use p2p_shared::tls::{RevocationList, cert_serial_hex};
use rustls_pki_types::CertificateDer;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_rustls::TlsAcceptor;

use crate::limits::Limits;
use crate::limits::admission::{Activity, ConnId, Pool};

const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// HTTP/2: a ping every so often finds peers that stopped answering (TCP keep-alive,
/// cheaper on the wire, finds vanished hosts sooner); one unanswered this long closes.
const H2_PING_INTERVAL: Duration = Duration::from_secs(120);
const H2_PING_TIMEOUT: Duration = Duration::from_secs(10);
/// HTTP/2 requests one connection may have in flight.
const H2_MAX_STREAMS: u32 = 128;
/// TCP keep-alive: probe an idle peer after this long (finds vanished hosts).
const TCP_KEEPALIVE: Duration = Duration::from_secs(60);

/// Facts about the connection a request arrived on, available to handlers as an extension.
#[derive(Debug, Clone)]
pub struct ConnInfo {
    pub remote: SocketAddr,
    /// The client's certificate, already verified against the cluster CA and the revocation
    /// list by rustls.
    pub peer_cert: Option<CertificateDer<'static>>,
    /// Who that certificate names.
    pub principal: Option<Principal>,
    /// The certificate gives its node the coordinator role.
    pub coordinator: bool,
    /// Requests in flight on this connection (see `api::inflight`).
    pub activity: Option<Arc<Activity>>,
}

pub struct ServeOptions {
    pub drain_timeout: Duration,
    /// Connections whose client certificate gets revoked are closed.
    pub revoked: Arc<RevocationList>,
    pub limits: Arc<Limits>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Serving,
    /// Finish what is in flight, take nothing new.
    Draining,
    /// Drop everything now.
    Abort,
}

/// What every connection task of one listener shares.
struct Shared {
    acceptor: TlsAcceptor,
    app: Router,
    revoked: Arc<RevocationList>,
    limits: Arc<Limits>,
    header_timeout: Duration,
    idle_timeout: Duration,
}

/// A connection's place in the admission table, given back when its task ends.
struct Admitted {
    limits: Arc<Limits>,
    id: ConnId,
    activity: Arc<Activity>,
    done: Arc<tokio::sync::Notify>,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        self.limits.connections().remove(self.id);
        self.done.notify_waiters();
    }
}

pub async fn serve(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    app: Router,
    opts: ServeOptions,
    mut shutdown: watch::Receiver<bool>,
) {
    let shared = Arc::new(Shared {
        acceptor,
        app,
        revoked: opts.revoked,
        limits: opts.limits.clone(),
        header_timeout: opts.limits.config.request_header_timeout,
        idle_timeout: opts.limits.config.idle_connection_timeout,
    });
    let (phase_tx, phase) = watch::channel(Phase::Serving);
    let done = Arc::new(tokio::sync::Notify::new());
    loop {
        let (tcp, remote) = tokio::select! {
            _ = shutdown.changed() => break,
            r = listener.accept() => match r {
                Ok(c) => c,
                Err(e) => {
                    // EMFILE and friends: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let admitted = {
            let mut table = shared.limits.connections();
            let now = table.now_ms();
            table.admit(remote.ip(), now)
        };
        let (id, activity) = match admitted {
            Ok(a) => a,
            Err(refusal) => {
                tracing::debug!(%remote, ?refusal, "connection refused");
                continue;
            }
        };
        let admitted = Admitted {
            limits: shared.limits.clone(),
            id,
            activity,
            done: done.clone(),
        };
        tokio::spawn(connection(
            tcp,
            remote,
            admitted,
            shared.clone(),
            phase.clone(),
        ));
    }
    drop(listener);
    let _ = phase_tx.send(Phase::Draining);
    let drained = tokio::time::timeout(opts.drain_timeout, async {
        loop {
            let notified = done.notified();
            if opts.limits.connections().is_empty() {
                break;
            }
            notified.await;
        }
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            "some connections were still busy after {:?}; closing them",
            opts.drain_timeout
        );
    }
    let _ = phase_tx.send(Phase::Abort);
}

fn keepalive(tcp: &TcpStream) {
    let _ = tcp.set_nodelay(true);
    let ka = socket2::TcpKeepalive::new()
        .with_time(TCP_KEEPALIVE)
        .with_interval(Duration::from_secs(10))
        .with_retries(3);
    let _ = socket2::SockRef::from(tcp).set_tcp_keepalive(&ka);
}

async fn connection(
    tcp: TcpStream,
    remote: SocketAddr,
    admitted: Admitted,
    shared: Arc<Shared>,
    mut phase: watch::Receiver<Phase>,
) {
    keepalive(&tcp);
    let activity = admitted.activity.clone();
    let accept = shared.acceptor.accept(tcp).into_fallible();
    let tls = tokio::select! {
        r = tokio::time::timeout(HANDSHAKE_TIMEOUT, accept) => match r {
            Ok(Ok(s)) => s,
            Ok(Err((e, tcp))) => {
                tracing::debug!(%remote, error = %e, "TLS handshake failed");
                linger_close(tcp).await;
                return;
            }
            Err(_) => {
                tracing::debug!(%remote, "TLS handshake timed out");
                return;
            }
        },
        _ = evicted(&activity) => return,
        _ = phase.changed() => return,
    };
    let peer_cert = tls
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|c| c.first())
        .map(|c| c.clone().into_owned());
    let serial = peer_cert.as_ref().and_then(|c| cert_serial_hex(c));
    let principal = peer_cert
        .as_ref()
        .and_then(|c| Principal::from_cert_der(c).ok());
    let coordinator = peer_cert
        .as_ref()
        .is_some_and(|c| p2p_shared::identity::names_coordinator(c));
    // The certificate was verified against our CA during the handshake.
    let pool = match principal {
        Some(Principal::Node(_)) => Pool::Node,
        _ => Pool::Public,
    };
    if let Err(refusal) = shared.limits.connections().promote(admitted.id, pool) {
        tracing::debug!(%remote, ?refusal, "connection refused after its handshake");
        return;
    }
    let info = ConnInfo {
        remote,
        peer_cert,
        principal,
        coordinator,
        activity: Some(activity.clone()),
    };
    let svc = shared.app.clone().layer(axum::Extension(info));
    let mut builder = Builder::new(TokioExecutor::new());
    // hyper's header timer also runs while a kept-alive HTTP/1 connection waits for its
    // next request, so it gets the idle timeout; the first request's shorter deadline is
    // our own (see `idle_deadline`), which also covers HTTP/2 and protocol detection.
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(shared.idle_timeout)
        .keep_alive(true);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(H2_PING_INTERVAL)
        .keep_alive_timeout(H2_PING_TIMEOUT)
        // RFC 8441: WebSockets over HTTP/2 (`/v1/events`).
        .enable_connect_protocol()
        .max_concurrent_streams(H2_MAX_STREAMS);
    let conn = builder
        .serve_connection_with_upgrades(TokioIo::new(tls), TowerToHyperService::new(svc))
        .into_owned();
    tokio::pin!(conn);
    let epoch = shared.limits.connections().epoch();
    let mut generation = shared.revoked.subscribe();
    let mut watching = serial.is_some();
    let mut closing = false;
    loop {
        let deadline = idle_deadline(&activity, epoch, &shared);
        tokio::select! {
            r = conn.as_mut() => {
                if let Err(e) = r {
                    tracing::debug!(%remote, error = %e, "connection ended with an error");
                }
                break;
            }
            _ = activity.wake.notified() => {
                if activity.evicted() && !closing {
                    tracing::debug!(%remote, "closing an idle connection to make room");
                    closing = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
            _ = sleep_until(deadline), if deadline.is_some() && !closing => {
                if idle_deadline(&activity, epoch, &shared).is_some_and(|d| d <= Instant::now()) {
                    closing = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
            changed = phase.changed() => {
                let now = if changed.is_err() { Phase::Abort } else { *phase.borrow() };
                match now {
                    Phase::Abort => break,
                    Phase::Draining if !closing => {
                        closing = true;
                        conn.as_mut().graceful_shutdown();
                    }
                    _ => {}
                }
            }
            changed = generation.changed(), if watching => {
                if changed.is_err() {
                    watching = false;
                } else if serial.as_deref().is_some_and(|s| shared.revoked.is_revoked(s)) {
                    tracing::info!(%remote, serial = ?serial, "closing a connection whose certificate was revoked");
                    break;
                }
            }
        }
    }
    drop(admitted);
}

/// When an idle connection is due to close: `request_header_timeout` after it opened if
/// it never sent a request, `idle_connection_timeout` after its last one otherwise, never
/// while a request is in flight.
fn idle_deadline(activity: &Activity, epoch: Instant, shared: &Shared) -> Option<Instant> {
    if activity.busy() {
        return None;
    }
    let since = epoch + Duration::from_millis(activity.idle_since());
    let grace = if activity.served() == 0 {
        shared.header_timeout
    } else {
        shared.idle_timeout
    };
    Some(since + grace)
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

async fn evicted(activity: &Activity) {
    while !activity.evicted() {
        activity.wake.notified().await;
    }
}

/// Closes a connection whose handshake failed without discarding the TLS alert just sent:
/// closing a socket with unread input makes the kernel send a reset, and a client that has
/// already sent its first request would then see "connection reset" instead of, say,
/// "certificate revoked". Stop writing, then drain what the client sent, briefly.
async fn linger_close(mut tcp: TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let _ = tcp.shutdown().await;
    let mut buf = [0u8; 4096];
    let _ = tokio::time::timeout(Duration::from_millis(500), async {
        while let Ok(n) = tcp.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}
