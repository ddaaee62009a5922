//! Enrolment and mutual TLS with in-process agents over real TLS and real HTTP call-backs,
//! each test on its own block of 127.0.0.0/8 addresses so tests run in parallel.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;
use common::*;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use p2p_shared::api::{CertKind, RevokeCertRequest};
use p2p_shared::jointoken::JoinToken;
use p2p_shared::tls::{CertCell, SpkiPin};
use p2p_shared::{ApiClient, ClientError, ClientOptions, ServerTrust};
use p2pd::node::RunningAgent;
use p2pd::pki::enroll::{Claim, Credential, EnrollError, Obtained, Target, obtain};

fn admin(coord: &RunningAgent) -> ApiClient {
    let mut o = ClientOptions::new(
        format!("https://{}", coord.local_addr),
        ServerTrust::Pinned(coord.ca_fingerprint.clone()),
    );
    o.token = Some(coord.issue_token("admin", p2p_shared::Role::Admin).unwrap());
    ApiClient::new(o).unwrap()
}

/// Enrols a bare test node through the library's client: a real certificate and key to call
/// node routes with.
async fn test_node(
    net: &Net,
    host: u8,
    name: &str,
    coord: &RunningAgent,
    token: &str,
) -> Result<Obtained, EnrollError> {
    let token = JoinToken::parse(token).unwrap();
    let claim = Claim {
        node_id: name.into(),
        ips: vec![net.ip(host)],
        hostname: None,
        api_port: 1,
        challenge_port: net.challenge_port,
        coordinator: false,
    };
    let target = Target {
        address: coord.local_addr.to_string(),
        node_id: None,
    };
    obtain(
        &target,
        &claim,
        &Credential::Token(&token),
        &p2pd::pki::enroll::new_key().unwrap(),
        Duration::from_secs(10),
    )
    .await
}

fn node_client(node: &Obtained, server: SocketAddr, expected: &str) -> ApiClient {
    let cell = CertCell::from_parts(
        vec![node.cert_der.clone(), node.ca_der.clone()],
        &node.key_pkcs8,
    )
    .unwrap();
    let mut o = ClientOptions::new(
        format!("https://{server}"),
        ServerTrust::CaCert(node.ca_der.clone()),
    );
    o.identity = Some(Arc::new(cell));
    o.expected_node = Some(expected.into());
    ApiClient::new(o).unwrap()
}

async fn token(coord: &RunningAgent, node: Option<&str>, uses: u32, ttl: Duration) -> String {
    coord
        .create_join_token(ttl, node.map(str::to_string), uses)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_enrols_then_talks_mtls_and_restarts_without_a_token() {
    let (net, dir, coord) = cluster().await;
    let t = token(&coord, None, 2, Duration::from_secs(600)).await;
    let w = worker(&net, 2, "w1", dir.path(), &coord, Some(&t))
        .await
        .unwrap();

    // The coordinator recorded the node and its certificate, with the claimed address.
    let admin = admin(&coord);
    let cert = admin.node_cert("w1").await.unwrap();
    assert_eq!(cert.kind, CertKind::Node);
    assert_eq!(cert.serial, w.cert_serial());
    assert_eq!(cert.ip_addresses, vec![net.ip(2).to_string()]);
    assert!(cert.days_left >= 89, "{}", cert.days_left);
    // Membership is gossiped: the coordinator lists w1 once the worker has joined.
    let listed = poll(Duration::from_secs(10), || async {
        let nodes = admin.nodes().await.unwrap().nodes;
        nodes.iter().any(|n| n.node_id == "w1")
    })
    .await;
    assert!(listed, "w1 never joined the coordinator's view");

    // A node certificate opens the worker's node routes; the worker proves it is w1.
    let peer = test_node(&net, 3, "peer", &coord, &t).await.unwrap();
    let status = node_client(&peer, w.local_addr, "w1")
        .node_status()
        .await
        .unwrap();
    assert_eq!(status.node_id, "w1");
    assert_eq!(status.caller, "peer");
    assert_eq!(status.cert_serial, w.cert_serial());
    // Expecting another node's identity at that address fails closed.
    let wrong = node_client(&peer, w.local_addr, "w2").node_status().await;
    assert!(
        matches!(wrong, Err(ClientError::Rejected { .. })),
        "{wrong:?}"
    );
    // No client certificate: the TLS handshake works but the node route says 401.
    let mut anon = ClientOptions::new(
        format!("https://{}", w.local_addr),
        ServerTrust::CaCert(peer.ca_der.clone()),
    );
    anon.timeout = Duration::from_secs(5);
    let anon = ApiClient::new(anon).unwrap().node_status().await;
    assert_eq!(anon.unwrap_err().status(), Some(401));

    // Restart: the certificate comes from the vault, no token needed.
    let serial = w.cert_serial();
    w.shutdown().await;
    let w = worker(&net, 2, "w1", dir.path(), &coord, None)
        .await
        .unwrap();
    assert_eq!(w.cert_serial(), serial);
    w.shutdown().await;
    coord.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_tokens_and_pins_fail_closed() {
    let (net, dir, coord) = cluster().await;
    let status = |r: Result<Obtained, EnrollError>| match r {
        Err(EnrollError::Client(e)) => e.status(),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("enrolment should have failed"),
    };

    // Used up.
    let once = token(&coord, None, 1, Duration::from_secs(600)).await;
    test_node(&net, 2, "a", &coord, &once).await.unwrap();
    assert_eq!(
        status(test_node(&net, 3, "b", &coord, &once).await),
        Some(401)
    );
    // Expired.
    let short = token(&coord, None, 5, Duration::from_secs(1)).await;
    let short_id = JoinToken::parse(&short).unwrap().token_id;
    let admin_client = admin(&coord);
    let expired = poll(Duration::from_secs(5), || async {
        let tokens = admin_client.join_tokens().await.unwrap().tokens;
        tokens.iter().any(|t| {
            t.token_id == short_id && t.status == p2p_shared::api::JoinTokenStatus::Expired
        })
    })
    .await;
    assert!(expired, "a 1 s token never showed as expired");
    assert_eq!(
        status(test_node(&net, 3, "b", &coord, &short).await),
        Some(401)
    );
    // Revoked.
    let revoked = token(&coord, None, 5, Duration::from_secs(600)).await;
    let id = JoinToken::parse(&revoked).unwrap().token_id;
    admin(&coord).revoke_join_token(&id).await.unwrap();
    assert_eq!(
        status(test_node(&net, 3, "b", &coord, &revoked).await),
        Some(401)
    );
    // Wrong secret for a real id.
    let good = token(&coord, None, 5, Duration::from_secs(600)).await;
    let forged = {
        let p = JoinToken::parse(&good).unwrap();
        JoinToken::format(&p.token_id, &"0".repeat(32), &p.ca_pin).to_string()
    };
    assert_eq!(
        status(test_node(&net, 3, "b", &coord, &forged).await),
        Some(401)
    );
    // Scoped to another node.
    let scoped = token(&coord, Some("only-me"), 1, Duration::from_secs(600)).await;
    assert_eq!(
        status(test_node(&net, 3, "b", &coord, &scoped).await),
        Some(403)
    );
    // A name already enrolled cannot be taken with an unscoped token.
    assert_eq!(
        status(test_node(&net, 3, "a", &coord, &good).await),
        Some(409)
    );
    // Wrong CA pin: the worker refuses the coordinator before sending anything.
    let wrong_pin = {
        let p = JoinToken::parse(&good).unwrap();
        JoinToken::format(
            &p.token_id,
            &p.secret,
            &SpkiPin::parse(&"ab".repeat(32)).unwrap(),
        )
        .to_string()
    };
    match test_node(&net, 3, "b", &coord, &wrong_pin).await {
        Err(EnrollError::Client(ClientError::Rejected { .. })) => {}
        other => panic!("wrong pin must be refused at TLS, got {:?}", other.err()),
    }
    // None of the failures used the good token up.
    test_node(&net, 3, "b", &coord, &good).await.unwrap();

    // A worker without a token, and one with a bad token, do not start.
    assert!(matches!(
        worker(&net, 4, "c", dir.path(), &coord, None).await,
        Err(p2pd::node::AgentError::NotEnrolled)
    ));
    assert!(
        worker(&net, 4, "c", dir.path(), &coord, Some(&once))
            .await
            .is_err()
    );
    coord.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_of_another_ca_is_refused() {
    // The "man in the middle": a real coordinator of another cluster at the address the
    // worker was told to use.
    let (net, dir, coord) = cluster().await;
    let net2 = Net::new();
    let dir2 = tempfile::tempdir().unwrap();
    let mitm = coordinator(&net2, dir2.path()).await;
    let t = token(&coord, None, 1, Duration::from_secs(600)).await;
    let r = worker(&net, 2, "w1", dir.path(), &mitm, Some(&t)).await;
    let err = r.unwrap_err().to_string();
    assert!(err.contains("refused"), "{err}");
    // The token is still good for the real coordinator.
    worker(&net, 2, "w1", dir.path(), &coord, Some(&t))
        .await
        .unwrap()
        .shutdown()
        .await;
    mitm.shutdown().await;
    coord.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocation_refuses_new_handshakes_and_closes_open_connections() {
    let (net, dir, coord) = cluster().await;
    let t = token(&coord, None, 3, Duration::from_secs(600)).await;
    let w = worker(&net, 2, "w1", dir.path(), &coord, Some(&t))
        .await
        .unwrap();
    let peer = test_node(&net, 3, "peer", &coord, &t).await.unwrap();

    // An open keep-alive connection from `peer` to the worker.
    let mut conn = raw_mtls(&peer, w.local_addr).await;
    assert!(
        http_get(&mut conn, "/v1/node/status")
            .await
            .contains("200 OK")
    );

    let admin_client = admin(&coord);
    let resp = admin_client
        .revoke_cert(&RevokeCertRequest {
            node_id: Some("peer".into()),
            serial: None,
        })
        .await
        .unwrap();
    assert_eq!(resp.revoked.len(), 1);
    let revoked_at = Instant::now();

    // The worker learns it (long-poll) and closes the open connection.
    use tokio::io::AsyncReadExt;
    let mut buf = [0u8; 64];
    let closed = tokio::time::timeout(Duration::from_secs(5), conn.read(&mut buf)).await;
    assert!(
        matches!(closed, Ok(Ok(0)) | Ok(Err(_))),
        "connection still open: {closed:?}"
    );
    assert!(revoked_at.elapsed() < Duration::from_secs(5));
    // New handshakes with the revoked certificate fail, on the worker and the coordinator.
    let r = node_client(&peer, w.local_addr, "w1").node_status().await;
    assert!(
        matches!(
            r,
            Err(ClientError::Rejected { .. }) | Err(ClientError::Unreachable { .. })
        ),
        "{r:?}"
    );
    let r = node_client(&peer, coord.local_addr, "coord")
        .node_status()
        .await;
    assert!(r.is_err(), "{r:?}");
    // Revocation persists across a coordinator restart.
    let w_serial = w.cert_serial();
    w.shutdown().await;
    coord.shutdown().await;
    let coord = coordinator(&net, dir.path()).await;
    assert_eq!(coord.revoked_count(), 1);
    let certs = admin(&coord).certs(true).await.unwrap().certificates;
    assert!(
        certs
            .iter()
            .any(|c| c.subject == "peer" && c.status == p2p_shared::api::CertStatus::Revoked)
    );
    assert!(
        certs
            .iter()
            .any(|c| c.serial == w_serial && c.status == p2p_shared::api::CertStatus::Valid)
    );
    coord.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kept_peer_connections_are_reused_and_dropped_when_the_peer_is_revoked() {
    let (net, dir, coord) = cluster().await;
    let t = token(&coord, None, 2, Duration::from_secs(600)).await;
    let w1 = worker(&net, 2, "w1", dir.path(), &coord, Some(&t))
        .await
        .unwrap();
    let w2 = worker(&net, 3, "w2", dir.path(), &coord, Some(&t))
        .await
        .unwrap();
    let at = format!("https://{}", w2.local_addr);
    let call = || {
        w1.pki()
            .peer_client(at.clone(), Some("w2".into()), Duration::from_secs(5))
            .unwrap()
    };
    let built = w1.pki().peer_pool_stats().built;
    call().node_status().await.unwrap();
    call().node_status().await.unwrap();
    assert_eq!(
        w1.pki().peer_pool_stats().built,
        built + 1,
        "two calls to one peer share one client"
    );

    admin(&coord)
        .revoke_cert(&RevokeCertRequest {
            node_id: Some("w2".into()),
            serial: None,
        })
        .await
        .unwrap();
    assert!(
        poll(Duration::from_secs(10), || async { w1.revoked_count() > 0 }).await,
        "w1 never learned the revocation"
    );
    // w2 does not close w1's connection (w1's certificate is fine): only dropping the kept
    // client makes the next call handshake again, and the handshake refuses w2.
    let r = call().node_status().await;
    assert!(
        matches!(
            r,
            Err(ClientError::Rejected { .. }) | Err(ClientError::Unreachable { .. })
        ),
        "a revoked peer was still reachable over a kept connection: {r:?}"
    );
    w1.shutdown().await;
    w2.shutdown().await;
    coord.shutdown().await;
}

async fn raw_mtls(
    node: &Obtained,
    addr: SocketAddr,
) -> tokio_rustls::client::TlsStream<tokio::net::TcpStream> {
    let cell = Arc::new(
        CertCell::from_parts(
            vec![node.cert_der.clone(), node.ca_der.clone()],
            &node.key_pkcs8,
        )
        .unwrap(),
    );
    let mut cfg = p2p_shared::tls::client_config(
        ServerTrust::CaCert(node.ca_der.clone()),
        Default::default(),
        Some(cell),
        None,
    )
    .unwrap();
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(cfg));
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let name = rustls_pki_types::ServerName::try_from("node").unwrap();
    connector.connect(name, tcp).await.unwrap()
}

async fn http_get(
    conn: &mut tokio_rustls::client::TlsStream<tokio::net::TcpStream>,
    path: &str,
) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    conn.write_all(format!("GET {path} HTTP/1.1\r\nhost: node\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut buf = vec![0u8; 4096];
    let n = conn.read(&mut buf).await.unwrap();
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forced_renewals_under_continuous_requests_drop_none() {
    let (net, dir, coord) = cluster().await;
    let t = token(&coord, None, 2, Duration::from_secs(600)).await;
    let w = worker(&net, 2, "w1", dir.path(), &coord, Some(&t))
        .await
        .unwrap();
    let peer = test_node(&net, 3, "peer", &coord, &t).await.unwrap();

    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let ok = Arc::new(AtomicU64::new(0));
    let mut load = Vec::new();
    // Two keep-alive clients and one that opens a new connection for every request.
    for fresh in [false, false, true] {
        let (stop, ok) = (stop.clone(), ok.clone());
        let peer = peer.clone();
        let addr = w.local_addr;
        load.push(tokio::spawn(async move {
            let mut errors = Vec::new();
            let mut client = node_client(&peer, addr, "w1");
            while !stop.load(Ordering::Relaxed) {
                if fresh {
                    client = node_client(&peer, addr, "w1");
                }
                match client.node_status().await {
                    Ok(_) => {
                        ok.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(e) => errors.push(e.to_string()),
                }
            }
            errors
        }));
    }
    let mut serials = vec![w.cert_serial()];
    for _ in 0..5 {
        let r = w.renew_now().await.unwrap();
        assert_eq!(r.old_serial.as_deref(), serials.last().map(String::as_str));
        serials.push(r.new_serial);
        // Let the load run on the new certificate before the next swap.
        let seen = ok.load(Ordering::Relaxed);
        assert!(
            poll(Duration::from_secs(5), || async {
                ok.load(Ordering::Relaxed) >= seen + 5
            })
            .await,
            "requests stalled after a renewal"
        );
    }
    stop.store(true, Ordering::Relaxed);
    for task in load {
        let errors = task.await.unwrap();
        assert!(
            errors.is_empty(),
            "requests failed during renewal: {errors:?}"
        );
    }
    assert!(ok.load(Ordering::Relaxed) > 20);
    // New handshakes see the newest certificate.
    let status = node_client(&peer, w.local_addr, "w1")
        .node_status()
        .await
        .unwrap();
    assert_eq!(&status.cert_serial, serials.last().unwrap());
    serials.dedup();
    assert_eq!(serials.len(), 6);
    w.shutdown().await;
    coord.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operator_requested_renewal_goes_through_the_coordinator() {
    let (net, dir, coord) = cluster().await;
    let t = token(&coord, None, 1, Duration::from_secs(600)).await;
    let w = worker(&net, 2, "w1", dir.path(), &coord, Some(&t))
        .await
        .unwrap();
    let admin = admin(&coord);
    let before = w.cert_serial();
    let r = admin.renew_node_cert("w1").await.unwrap();
    assert_eq!(r.old_serial.as_deref(), Some(before.as_str()));
    assert_eq!(r.new_serial, w.cert_serial());
    assert_eq!(admin.node_cert("w1").await.unwrap().serial, r.new_serial);
    // The coordinator renews its own certificate too.
    let c_before = coord.cert_serial();
    let r = admin.renew_node_cert("coord").await.unwrap();
    assert_ne!(r.new_serial, c_before);
    assert_eq!(coord.cert_serial(), r.new_serial);
    assert_eq!(
        admin.renew_node_cert("nope").await.unwrap_err().status(),
        Some(404)
    );
    w.shutdown().await;
    coord.shutdown().await;
}
