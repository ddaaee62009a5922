//! Connection hygiene and caps with an in-process coordinator over real TLS: a silent or
//! idle connection is closed on time, a streaming follow is not idle, pools make room by
//! eviction, and follows per caller are capped.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;
use common::*;

use std::sync::Arc;
use std::time::{Duration, Instant};

use p2p_shared::logs::LogQuery;
use p2p_shared::tls::{PeerRequirements, client_config};
use p2p_shared::{ClientError, ServerTrust};
use p2pd::node::RunningAgent;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

type Tls = tokio_rustls::client::TlsStream<tokio::net::TcpStream>;

async fn tls_connect(a: &RunningAgent) -> Tls {
    let trust = ServerTrust::Pinned(a.ca_fingerprint.clone());
    let config = client_config(trust, PeerRequirements::default(), None, None).unwrap();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(a.local_addr).await.unwrap();
    let name = rustls_pki_types::ServerName::IpAddress(a.local_addr.ip().into());
    connector.connect(name, tcp).await.unwrap()
}

/// How long until the server closes `s` (reading whatever it sends meanwhile).
async fn time_to_close(s: &mut Tls, limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    tokio::time::timeout(limit, async {
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => return start.elapsed(),
                Ok(_) => {}
            }
        }
    })
    .await
    .ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_and_idle_connections_are_closed_on_time() {
    let net = Net::new();
    let dir = tempfile::tempdir().unwrap();
    let a = coordinator_with(&net, dir.path(), |c| {
        c.limits.request_header_timeout = Duration::from_secs(1);
        c.limits.idle_connection_timeout = Duration::from_secs(2);
    })
    .await;
    // Handshake, then nothing: closed after the header timeout.
    let mut silent = tls_connect(&a).await;
    let closed = time_to_close(&mut silent, Duration::from_secs(5)).await;
    assert!(
        closed.is_some_and(|d| d >= Duration::from_millis(900)),
        "{closed:?}"
    );

    // One request, then idle: closed after the idle timeout, not the header timeout.
    let mut idle = tls_connect(&a).await;
    idle.write_all(b"GET /v1/health HTTP/1.1\r\nHost: p2pd\r\n\r\n")
        .await
        .unwrap();
    let closed = time_to_close(&mut idle, Duration::from_secs(6)).await;
    assert!(
        closed.is_some_and(|d| d >= Duration::from_millis(1900)),
        "{closed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follow_in_progress_is_not_idle_and_follows_per_caller_are_capped() {
    let net = Net::new();
    let dir = tempfile::tempdir().unwrap();
    let a = coordinator_with(&net, dir.path(), |c| {
        c.limits.request_header_timeout = Duration::from_secs(1);
        c.limits.idle_connection_timeout = Duration::from_secs(1);
        c.limits.streams_per_caller = 2;
    })
    .await;
    let token = a.issue_token("admin", p2p_shared::Role::Admin).unwrap();
    let mut follows = Vec::new();
    for _ in 0..2 {
        let c = client(&a, Some(token.clone()));
        follows.push(tokio::spawn(async move {
            let started = Instant::now();
            // Ends only if the server closes the stream.
            let _ = c.follow_logs(&LogQuery::default(), |_| true).await;
            started.elapsed()
        }));
    }
    let admin = client(&a, Some(token.clone()));
    let open = poll(Duration::from_secs(5), || async {
        admin.limit_stats().await.is_ok_and(|s| s.streams_open == 2)
    })
    .await;
    assert!(open, "both follows are streaming");
    let third = client(&a, Some(token.clone()));
    let refused = third.follow_logs(&LogQuery::default(), |_| false).await;
    assert!(
        matches!(refused, Err(ClientError::RateLimited { .. })),
        "a third follow of one caller is refused with 429: {refused:?}"
    );
    // Well past the idle timeout, the follows still stream: none ends within 3 s (one
    // that does fails the test at once).
    let first_end = tokio::time::timeout(
        Duration::from_secs(3),
        futures_util::future::select_all(follows.iter_mut()),
    )
    .await;
    assert!(first_end.is_err(), "a follow was closed as idle");
    // Another caller has slots of its own: its follow is accepted (and keeps streaming).
    let other = a.issue_token("viewer1", p2p_shared::Role::Viewer).unwrap();
    let c = client(&a, Some(other));
    let got = tokio::time::timeout(
        Duration::from_secs(2),
        c.follow_logs(&LogQuery::default(), |_| false),
    )
    .await;
    assert!(!matches!(got, Ok(Err(_))), "{got:?}");
    for f in follows {
        f.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_public_pool_makes_room_by_closing_the_idlest() {
    let net = Net::new();
    let dir = tempfile::tempdir().unwrap();
    let a = coordinator_with(&net, dir.path(), |c| {
        c.limits.max_connections = 8;
        c.limits.max_connections_per_source = 8;
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..20 {
        held.push(tls_connect(&a).await);
    }
    // Twenty idle connections, room for eight: new clients still get in.
    let c = client(&a, None);
    assert!(c.health().await.is_ok());
    // The oldest were the ones closed.
    let mut buf = [0u8; 1];
    let first_closed = tokio::time::timeout(Duration::from_secs(2), held[0].read(&mut buf)).await;
    assert!(
        matches!(first_closed, Ok(Ok(0) | Err(_))),
        "{first_closed:?}"
    );
    let token = a.issue_token("admin", p2p_shared::Role::Admin).unwrap();
    let stats = client(&a, Some(token)).limit_stats().await.unwrap();
    let public = stats.pools.iter().find(|p| p.pool == "public").unwrap();
    assert!(public.evicted >= 12, "{stats:?}");
    assert!(public.open <= 8, "{stats:?}");
}
