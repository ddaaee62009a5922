//! Security properties with in-process agents over real TLS: a worker cannot pose as a
//! coordinator, and clients that need a coordinator refuse anything else.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;
use common::*;

use std::time::Duration;

use p2p_shared::jointoken::JoinToken;
use p2p_shared::{ApiClient, ClientError, ClientOptions, ServerTrust};
use p2pd::node::RunningAgent;
use p2pd::pki::enroll::{Claim, Credential, Target, obtain};

fn admin_token(coord: &RunningAgent) -> String {
    coord.issue_token("admin", p2p_shared::Role::Admin).unwrap()
}

fn ca_der(coord: &RunningAgent) -> rustls_pki_types::CertificateDer<'static> {
    p2pd::pki::ca::pem_to_der(coord.ca_pem()).unwrap()
}

fn rejected_as_not_coordinator(err: &ClientError) -> bool {
    matches!(err, ClientError::Rejected { reason, .. } if reason.contains("not a coordinator"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_cannot_pose_as_the_coordinator() {
    let (net, dir, coord) = cluster().await;
    let text = coord
        .create_join_token(Duration::from_secs(600), None, 2)
        .unwrap();
    let w1 = worker(&net, 2, "w1", dir.path(), &coord, Some(&text))
        .await
        .unwrap();

    // Enrolment through the worker (same CA, so the token's pin matches) is refused at the
    // handshake: the join secret never reaches it, and the token keeps its use.
    let token = JoinToken::parse(&text).unwrap();
    let claim = Claim {
        node_id: "w9".into(),
        ips: vec![net.ip(9)],
        hostname: None,
        api_port: 1,
        challenge_port: net.challenge_port,
        coordinator: false,
    };
    let via_worker = Target {
        address: w1.local_addr.to_string(),
        node_id: None,
    };
    let Err(err) = obtain(
        &via_worker,
        &claim,
        &Credential::Token(&token),
        &p2pd::pki::enroll::new_key().unwrap(),
        Duration::from_secs(10),
    )
    .await
    else {
        panic!("a worker signed a certificate");
    };
    assert!(err.to_string().contains("not a coordinator"), "{err}");
    let mut o = ClientOptions::new(
        format!("https://{}", coord.local_addr),
        ServerTrust::CaCert(ca_der(&coord)),
    );
    o.token = Some(admin_token(&coord));
    let listed = ApiClient::new(o).unwrap().join_tokens().await.unwrap();
    assert_eq!(listed.tokens[0].uses_left, 1, "the token was spent");

    // What followers, log shipping and renewal use: the coordinator role is required.
    let coordinator_only = |addr: std::net::SocketAddr| {
        let mut o = ClientOptions::new(
            format!("https://{addr}"),
            ServerTrust::CaCert(ca_der(&coord)),
        );
        o.require_coordinator = true;
        ApiClient::new(o).unwrap()
    };
    let err = coordinator_only(w1.local_addr).health().await.unwrap_err();
    assert!(rejected_as_not_coordinator(&err), "{err}");
    // The real coordinator has the role (it reissued its own certificate with it at start).
    coordinator_only(coord.local_addr).health().await.unwrap();

    // A JWT is never sent to a worker: a client with a token requires the role by itself.
    let mut o = ClientOptions::new(
        format!("https://{}", w1.local_addr),
        ServerTrust::Pinned(coord.ca_fingerprint.clone()),
    );
    o.token = Some(admin_token(&coord));
    let err = ApiClient::new(o).unwrap().whoami().await.unwrap_err();
    assert!(rejected_as_not_coordinator(&err), "{err}");

    w1.shutdown().await;
    coord.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_sent_request_on_the_challenge_port_does_not_stop_a_renewal() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use tokio::io::AsyncWriteExt;
    let (net, dir, coord) = cluster().await;
    let text = coord
        .create_join_token(Duration::from_secs(600), None, 1)
        .unwrap();
    let w1 = worker(&net, 2, "w1", dir.path(), &coord, Some(&text))
        .await
        .unwrap();
    // Whenever the responder is up, a client opens a request, sends half of it, and holds
    // it open for good.
    let held = Arc::new(AtomicBool::new(false));
    let attacker = {
        let (held, addr) = (held.clone(), (net.ip(2), net.challenge_port));
        tokio::spawn(async move {
            loop {
                if let Ok(mut s) = tokio::net::TcpStream::connect(addr).await
                    && s.write_all(b"GET /.well-known/p2p-chal").await.is_ok()
                {
                    held.store(true, Ordering::SeqCst);
                    let _open_forever = s;
                    std::future::pending::<()>().await;
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        })
    };
    // Renew until the attacker got in during a renewal; each renewal must still finish.
    for _ in 0..20 {
        let renewed = tokio::time::timeout(Duration::from_secs(20), w1.renew_now()).await;
        let result = renewed.expect("a renewal hung on the held-open connection");
        result.unwrap();
        if held.load(Ordering::SeqCst) {
            break;
        }
    }
    assert!(
        held.load(Ordering::SeqCst),
        "the attacker never reached the responder"
    );
    attacker.abort();
    w1.shutdown().await;
    coord.shutdown().await;
}

/// A TLS server with a coordinator certificate of its own CA that answers every request
/// with `head` and then `body_len` bytes of JSON-ish filler.
async fn hostile_server(
    head: &'static str,
    body_len: usize,
) -> (String, rustls_pki_types::CertificateDer<'static>) {
    use p2pd::pki::ca::{ClusterCa, NodeCertRequest};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let now = time::OffsetDateTime::now_utc();
    let ca = ClusterCa::generate("evil", now).unwrap();
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let req = NodeCertRequest {
        node_id: "c1".into(),
        ips: vec![std::net::IpAddr::from([127, 0, 0, 1])],
        dns_names: vec![],
        validity: Duration::from_secs(3600),
        coordinator: true,
    };
    let issued = ca.issue_node_cert(&req, &key, now).unwrap();
    let chain = vec![issued.cert_der.clone(), ca.cert_der().clone()];
    let cell = p2p_shared::tls::CertCell::from_parts(chain, &key.serialize_der()).unwrap();
    let provider = p2p_shared::tls::crypto_provider();
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_cert_resolver(std::sync::Arc::new(cell));
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut buf = [0u8; 4096];
                let _ = tls.read(&mut buf).await;
                let _ = tls.write_all(head.as_bytes()).await;
                let chunk = vec![b' '; 64 * 1024];
                let mut sent = 0;
                while sent < body_len {
                    if tls.write_all(&chunk).await.is_err() {
                        return;
                    }
                    sent += chunk.len();
                }
                let _ = tls.shutdown().await;
            });
        }
    });
    (format!("https://{addr}"), ca.cert_der().clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_response_is_cut_off_with_a_clear_error() {
    for head in [
        // No length announced: the body simply does not end.
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n",
        // An error body, announced as huge.
        "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 100000000\r\n\r\n",
    ] {
        let (server, ca) = hostile_server(head, 100 * 1024 * 1024).await;
        let mut o = ClientOptions::new(server, ServerTrust::CaCert(ca));
        o.require_coordinator = true;
        let err = ApiClient::new(o).unwrap().health().await.unwrap_err();
        assert!(
            matches!(err, ClientError::TooLarge { .. }),
            "not cut off: {err}"
        );
        assert!(err.to_string().contains("cut off"), "{err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renewal_replaces_the_previous_certificate() {
    use p2p_shared::tls::{CertCell, RevocationList};
    use p2pd::pki::enroll::new_key;
    use std::sync::Arc;
    let net = Net::new();
    let dir = tempfile::tempdir().unwrap();
    let coord = coordinator_with(&net, dir.path(), |c| {
        c.pki.superseded_grace = Duration::from_secs(1);
    })
    .await;
    let text = coord
        .create_join_token(Duration::from_secs(600), None, 2)
        .unwrap();
    // Leaked so credentials built from it live as long as the test's futures need.
    let token: &'static JoinToken = Box::leak(Box::new(JoinToken::parse(&text).unwrap()));
    let claim = Claim {
        node_id: "n1".into(),
        ips: vec![net.ip(5)],
        hostname: None,
        api_port: 1,
        challenge_port: net.challenge_port,
        coordinator: false,
    };
    let at_coord = Target {
        address: coord.local_addr.to_string(),
        node_id: None,
    };
    let ask = |cred: Credential<'static>, key: rcgen::KeyPair| {
        let (claim, target) = (claim.clone(), at_coord.clone());
        async move { obtain(&target, &claim, &cred, &key, Duration::from_secs(10)).await }
    };
    let same_key = |k: &rcgen::KeyPair| rcgen::KeyPair::try_from(k.serialize_der()).unwrap();

    // Enrolment with a key, then the same request again (as if the answer was lost): the
    // same certificate, and the token is not spent twice.
    let key1 = new_key().unwrap();
    let Ok(first) = ask(Credential::Token(token), same_key(&key1)).await else {
        panic!("enrolment failed");
    };
    let Ok(again) = ask(Credential::Token(token), same_key(&key1)).await else {
        panic!("the retried enrolment failed");
    };
    assert_eq!(again.info.serial_hex, first.info.serial_hex);
    let mut o = ClientOptions::new(
        format!("https://{}", coord.local_addr),
        ServerTrust::CaCert(ca_der(&coord)),
    );
    o.token = Some(admin_token(&coord));
    let admin = ApiClient::new(o).unwrap();
    assert_eq!(admin.join_tokens().await.unwrap().tokens[0].uses_left, 1);

    // Renewal with the first certificate gives a second one.
    let with = |o: &p2pd::pki::enroll::Obtained| {
        let cell =
            CertCell::from_parts(vec![o.cert_der.clone(), o.ca_der.clone()], &o.key_pkcs8).unwrap();
        (Arc::new(cell), o.ca_der.clone())
    };
    let (cell1, ca) = with(&first);
    let current = |cell: &Arc<CertCell>| Credential::Current {
        ca_der: ca.clone(),
        cell: cell.clone(),
        revoked: Arc::new(RevocationList::default()),
    };
    let key2 = new_key().unwrap();
    let Ok(second) = ask(current(&cell1), same_key(&key2)).await else {
        panic!("renewal failed");
    };
    assert_ne!(second.info.serial_hex, first.info.serial_hex);
    // The first cannot renew again (a copy of it renews nothing)...
    let Err(refused) = ask(current(&cell1), new_key().unwrap()).await else {
        panic!("a superseded certificate renewed");
    };
    assert!(refused.to_string().contains("replaced"), "{refused}");
    // ...except to fetch the second again with the second's own key.
    let Ok(retried) = ask(current(&cell1), same_key(&key2)).await else {
        panic!("the retried renewal failed");
    };
    assert_eq!(retried.info.serial_hex, second.info.serial_hex);

    // After the grace, the first is refused at the handshake; the second works.
    let status_with = |cell: Arc<CertCell>| {
        let mut o = ClientOptions::new(
            format!("https://{}", coord.local_addr),
            ServerTrust::CaCert(ca.clone()),
        );
        o.identity = Some(cell);
        ApiClient::new(o).unwrap()
    };
    let refused = poll(Duration::from_secs(15), || {
        let c = status_with(cell1.clone());
        async move { matches!(c.node_status().await, Err(ClientError::Rejected { .. })) }
    })
    .await;
    assert!(
        refused,
        "the replaced certificate still works after the grace"
    );
    let (cell2, _) = with(&second);
    status_with(cell2).node_status().await.unwrap();
    coord.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_files_are_closed_to_other_users() {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    let net = Net::new();
    let dir = tempfile::tempdir().unwrap();
    // An operator made the state directory with the usual 0755.
    std::fs::DirBuilder::new()
        .mode(0o755)
        .create(dir.path().join("coord"))
        .unwrap();
    let coord = coordinator(&net, dir.path()).await;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let state = dir.path().join("coord");
    assert_eq!(mode(&state), 0o700, "state directory");
    for file in [
        "vault.p2p",
        "vault.p2p.lock",
        "store.db",
        "local.db",
        "logs.db",
    ] {
        assert_eq!(mode(&state.join(file)), 0o600, "{file}");
    }
    coord.shutdown().await;
}

#[test]
fn a_first_start_writes_the_vault_once_after_the_admin_password_is_kept() {
    use p2pd::node::bootstrap::{BootstrapError, initialize};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.p2p");
    // Keeping the generated password fails (a full disk, say): no vault is left behind that
    // nobody knows the admin password of.
    let failed = initialize(&path, "pw", None, FAST, |_| {
        Err(BootstrapError::MissingEntry("simulated"))
    });
    assert!(failed.is_err());
    assert!(
        !path.exists(),
        "a vault was written before the password was kept"
    );
    let mut kept = String::new();
    let outcome = initialize(&path, "pw", None, FAST, |pw| {
        kept = pw.to_string();
        Ok(())
    })
    .unwrap();
    drop(outcome);
    assert_eq!(kept.len(), 24);
    let vault = p2pd::secrets::Vault::open_read_only(&path, "pw").unwrap();
    let names: Vec<String> = vault.list().into_iter().map(|(n, _)| n).collect();
    for entry in ["cluster_id", "ca.crt", "ca.key", "jwt.key", "users"] {
        assert!(
            names.iter().any(|n| n == entry),
            "{entry} missing: {names:?}"
        );
    }
}
