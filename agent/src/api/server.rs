//! The accept loop: TCP, TLS handshake (bounded in time), then HTTP/1.1 or HTTP/2 through
//! hyper, with the peer's certificate attached to every request of the connection. Shutdown
//! stops accepting, lets in-flight requests finish until a deadline, then drops the rest.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use p2p_shared::identity::Principal;
use p2p_shared::tls::{RevocationList, cert_serial_hex};
use rustls_pki_types::CertificateDer;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio_rustls::TlsAcceptor;

const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

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
}

pub struct ServeOptions {
    pub max_connections: usize,
    pub drain_timeout: Duration,
    /// Connections whose client certificate gets revoked are closed.
    pub revoked: Arc<RevocationList>,
}

pub async fn serve(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    app: Router,
    opts: ServeOptions,
    mut shutdown: watch::Receiver<bool>,
) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let permits = Arc::new(Semaphore::new(opts.max_connections));
    loop {
        let permit = tokio::select! {
            _ = shutdown.changed() => break,
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
        };
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
        let _ = tcp.set_nodelay(true);
        let acceptor = acceptor.clone();
        let app = app.clone();
        let watcher = graceful.watcher();
        let revoked = opts.revoked.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let accept = acceptor.accept(tcp).into_fallible();
            let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, accept).await {
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
            let info = ConnInfo {
                remote,
                peer_cert,
                principal,
                coordinator,
            };
            let svc = app.layer(axum::Extension(info));
            let builder = Builder::new(TokioExecutor::new());
            let conn = builder
                .serve_connection_with_upgrades(TokioIo::new(tls), TowerToHyperService::new(svc));
            let conn = watcher.watch(conn.into_owned());
            tokio::pin!(conn);
            let mut generation = revoked.subscribe();
            let mut watching = serial.is_some();
            loop {
                tokio::select! {
                    r = &mut conn => {
                        if let Err(e) = r {
                            tracing::debug!(%remote, error = %e, "connection ended with an error");
                        }
                        break;
                    }
                    changed = generation.changed(), if watching => {
                        if changed.is_err() {
                            watching = false;
                        } else if serial.as_deref().is_some_and(|s| revoked.is_revoked(s)) {
                            tracing::info!(%remote, serial = ?serial, "closing a connection whose certificate was revoked");
                            break;
                        }
                    }
                }
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(opts.drain_timeout, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            "some connections were still busy after {:?}; closing them",
            opts.drain_timeout
        );
    }
}

/// Closes a connection whose handshake failed without discarding the TLS alert just sent:
/// closing a socket with unread input makes the kernel send a reset, and a client that has
/// already sent its first request would then see "connection reset" instead of, say,
/// "certificate revoked". Stop writing, then drain what the client sent, briefly.
async fn linger_close(mut tcp: tokio::net::TcpStream) {
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
