//! The ACME server against a real coordinator: a hand-made client for the requests real
//! clients never send (each refused with its RFC 8555 problem type, changing nothing), and
//! the whole flow to a certificate that verifies against the cluster CA, is refused as a
//! node or operator identity, and lands in the revocation list once revoked. `lego` and
//! `certbot` run in `acme_clients.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::net::SocketAddr;
use std::process::Command;

use base64::Engine;
use p2p_shared::acme::{AcmeAccountInfo, EabCreated};
use p2p_shared::api::CertSummary;
use p2p_tests::acme_client::{AcmeClient, csr, serve};
use p2p_tests::cluster::Cluster;
use p2p_tests::{free_port, parse, stderr, stdout};
use serde_json::json;

fn eab(c: &Cluster, names: &str) -> (String, Vec<u8>) {
    let created: EabCreated =
        parse(&c.ctl_ok(&["acme", "eab", "create", "--names", names, "-o", "json"]));
    let hmac = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&created.hmac_key)
        .unwrap();
    (created.key_id, hmac)
}

/// curl with a client certificate: the HTTP status.
fn curl_with_cert(c: &Cluster, ca: &std::path::Path, cert: &str, key: &str, path: &str) -> String {
    let out = Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert"])
        .arg(ca)
        .args(["--cert", cert, "--key", key])
        .arg(c.url(1, path))
        .output()
        .unwrap();
    stdout(&out)
}

#[test]
fn acme_refuses_what_rfc_8555_refuses_and_issues_workload_certificates() {
    let mut c = Cluster::new();
    let port = free_port();
    c.extra_config = format!("acme_http_port: {port}\n");
    let _procs = c.start_nodes(1);
    let ca = c.save_ca(1);
    let ca_pem = std::fs::read(&ca).unwrap();
    let directory = c.url(1, "/acme/directory");
    let (kid1, hmac1) = eab(&c, "localhost,127.0.0.0/8");
    let (kid2, hmac2) = eab(&c, "*.svc.internal");
    let responder: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let mut a = AcmeClient::new(&directory, &ca_pem).await;
        assert_eq!(a.directory["meta"]["externalAccountRequired"], true);

        // No binding, a binding with a wrong MAC, a binding of an unknown key id.
        let r = a.new_account(None).await;
        assert_eq!(
            (r.status, r.problem()),
            (400, "externalAccountRequired"),
            "{}",
            r.text
        );
        assert_eq!(r.content_type, "application/problem+json");
        assert!(a.last_nonce.is_some(), "an error carries a fresh nonce too");
        let r = a.new_account(Some(a.binding(&kid1, &[7u8; 32]))).await;
        assert_eq!((r.status, r.problem()), (403, "unauthorized"), "{}", r.text);
        let r = a.new_account(Some(a.binding("00ff00ff", &hmac1))).await;
        assert_eq!(r.problem(), "unauthorized", "{}", r.text);
        assert!(a.kid.is_none());

        // The account, then the same nonce again.
        let nonce = a.fresh_nonce().await;
        let url = a.url("newAccount");
        let payload = json!({"termsOfServiceAgreed": true,
            "externalAccountBinding": a.binding(&kid1, &hmac1)});
        let r = a
            .post_with(&url, Some(&payload), Some(nonce.clone()), None)
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        let account_url = r.location.clone().unwrap();
        let r = a.post_with(&url, Some(&payload), Some(nonce), None).await;
        assert_eq!((r.status, r.problem()), (400, "badNonce"), "{}", r.text);
        a.kid = Some(account_url.clone());

        // A bound key binds no second account.
        let mut b = AcmeClient::new(&directory, &ca_pem).await;
        let r = b.new_account(Some(b.binding(&kid1, &hmac1))).await;
        assert_eq!(r.problem(), "unauthorized", "{}", r.text);
        let r = b.new_account(Some(b.binding(&kid2, &hmac2))).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let b_account = r.location.unwrap();

        // A name outside the account's patterns, an unsupported identifier type.
        let r = a.new_order(&[("dns", "evil.example")]).await;
        assert_eq!(r.problem(), "rejectedIdentifier", "{}", r.text);
        let r = a.new_order(&[("email", "a@b.example")]).await;
        assert_eq!(r.problem(), "unsupportedIdentifier", "{}", r.text);

        // A challenge answered wrongly: the authorization and the order are invalid.
        let r = a.new_order(&[("ip", "127.0.0.1")]).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let authz_url = r.body["authorizations"][0].as_str().unwrap().to_string();
        let authz = a.post(&authz_url, None).await;
        let chall = authz.body["challenges"][0]["url"]
            .as_str()
            .unwrap()
            .to_string();
        let wrong = serve(responder, "not the key authorization".into()).await;
        let r = a.post(&chall, Some(&json!({}))).await;
        wrong.abort();
        assert_eq!(r.body["status"], "invalid", "{}", r.text);
        assert!(
            r.body["error"]["type"]
                .as_str()
                .unwrap()
                .ends_with("incorrectResponse"),
            "{}",
            r.text
        );
        let failed = a
            .post(r.location.as_deref().unwrap_or(&authz_url), None)
            .await;
        assert_eq!(failed.body["status"], "invalid", "{}", failed.text);

        // The good path for localhost, and a CSR with an extra name on the way.
        let r = a.new_order(&[("dns", "localhost")]).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let order_url = r.location.clone().unwrap();
        let finalize = r.body["finalize"].as_str().unwrap().to_string();
        let (early, _) = csr(&["localhost"]);
        let r2 = a.post(&finalize, Some(&json!({"csr": early}))).await;
        assert_eq!(
            (r2.status, r2.problem()),
            (403, "orderNotReady"),
            "{}",
            r2.text
        );
        let authz = a
            .post(r.body["authorizations"][0].as_str().unwrap(), None)
            .await;
        let token = authz.body["challenges"][0]["token"]
            .as_str()
            .unwrap()
            .to_string();
        let chall = authz.body["challenges"][0]["url"]
            .as_str()
            .unwrap()
            .to_string();
        let right = serve(responder, format!("{token}.{}", a.thumbprint())).await;
        let r = a.post(&chall, Some(&json!({}))).await;
        right.abort();
        assert_eq!(r.body["status"], "valid", "{}", r.text);
        let r = a.post(&order_url, None).await;
        assert_eq!(r.body["status"], "ready", "{}", r.text);

        // Another account's kid, signed with b's key; b's own kid on a's order.
        let r = b
            .post_with(&order_url, None, None, Some(&account_url))
            .await;
        assert_eq!(r.problem(), "unauthorized", "{}", r.text);
        let r = b.post(&order_url, None).await;
        assert_eq!(r.problem(), "unauthorized", "{}", r.text);
        assert!(b_account != account_url);

        let (extra, _) = csr(&["localhost", "evil.example"]);
        let r = a.post(&finalize, Some(&json!({"csr": extra}))).await;
        assert_eq!(r.problem(), "badCSR", "{}", r.text);
        assert!(r.text.contains("evil.example"), "{}", r.text);
        let (good, key_pem) = csr(&["localhost"]);
        let r = a.post(&finalize, Some(&json!({"csr": good}))).await;
        assert_eq!(r.body["status"], "valid", "{}", r.text);
        let cert_url = r.body["certificate"].as_str().unwrap().to_string();
        let chain = a.post(&cert_url, None).await;
        assert_eq!(chain.content_type, "application/pem-certificate-chain");
        assert_eq!(chain.text.matches("BEGIN CERTIFICATE").count(), 2);
        let r = b.post(&cert_url, None).await;
        assert_eq!(
            r.status, 404,
            "another account gets no certificate: {}",
            r.text
        );

        let cert = c.path("workload.pem");
        let key = c.path("workload.key");
        std::fs::write(&cert, &chain.text).unwrap();
        std::fs::write(&key, &key_pem).unwrap();
        let out = Command::new("openssl")
            .arg("verify")
            .arg("-CAfile")
            .arg(&ca)
            .arg(&cert)
            .output()
            .unwrap();
        assert!(
            stdout(&out).contains(": OK"),
            "{}{}",
            stdout(&out),
            stderr(&out)
        );
        let text = stdout(
            &Command::new("openssl")
                .args(["x509", "-noout", "-text", "-in"])
                .arg(&cert)
                .output()
                .unwrap(),
        );
        assert!(text.contains("DNS:localhost"), "{text}");
        assert!(
            text.contains("/workload/"),
            "marked as a workload certificate: {text}"
        );
        assert!(
            text.contains("/v1/pki/crl"),
            "names its revocation list: {text}"
        );

        // Presented to the cluster as an identity, it signs in no one.
        let (cert_s, key_s) = (cert.to_str().unwrap(), key.to_str().unwrap());
        assert_eq!(
            curl_with_cert(&c, &ca, cert_s, key_s, "/v1/auth/whoami"),
            "401"
        );
        let node_route = curl_with_cert(&c, &ca, cert_s, key_s, "/v1/node/status");
        assert!(node_route == "401" || node_route == "403", "{node_route}");

        // Revoked by its account: then already revoked, and in the CRL.
        let der = pem_body(&chain.text);
        let url = a.url("revokeCert");
        let r = a.post(&url, Some(&json!({"certificate": der}))).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let r = a.post(&url, Some(&json!({"certificate": der}))).await;
        assert_eq!(r.problem(), "alreadyRevoked", "{}", r.text);
        let r = b.post(&url, Some(&json!({"certificate": der}))).await;
        assert_eq!(r.problem(), "unauthorized", "{}", r.text);

        // Deactivated by its holder: its key signs nothing more.
        let r = b
            .post(&b_account, Some(&json!({"status": "deactivated"})))
            .await;
        assert_eq!(r.body["status"], "deactivated", "{}", r.text);
        let r = b.new_order(&[("dns", "a.svc.internal")]).await;
        assert_eq!(r.problem(), "unauthorized", "{}", r.text);
    });

    let accounts: Vec<AcmeAccountInfo> =
        parse(&c.ctl_ok(&["acme", "accounts", "ls", "-o", "json"]));
    assert_eq!(accounts.len(), 2, "the refused requests made no account");
    let all: Vec<CertSummary> = parse(&c.ctl_ok(&["acme", "certs", "ls", "--all", "-o", "json"]));
    assert_eq!(all.len(), 1, "one certificate was issued: {all:?}");
    assert_eq!(all[0].status.to_string(), "revoked");
    let crl = c.path("crl.pem");
    c.ctl_ok(&["cert", "crl", "--out", crl.to_str().unwrap()]);
    let text = stdout(
        &Command::new("openssl")
            .args(["crl", "-noout", "-text", "-in"])
            .arg(&crl)
            .output()
            .unwrap(),
    );
    let printed = all[0].serial.trim_start_matches('0').to_ascii_uppercase();
    assert!(text.contains(&printed), "{printed} not in {text}");
}

/// The first certificate of a PEM chain as base64url DER.
fn pem_body(pem: &str) -> String {
    let b64: String = pem
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(der)
}

#[test]
fn an_account_changes_its_key_and_its_budget_holds_across_addresses() {
    let mut c = Cluster::new();
    // Writes refill at 1 a minute: nothing comes back during the test.
    c.extra_config = "rate_limits:\n  write: {requests: 1, burst: 10}\n".into();
    let _procs = c.start_nodes(1);
    let ca = c.save_ca(1);
    let ca_pem = std::fs::read(&ca).unwrap();
    let directory = c.url(1, "/acme/directory");
    let (kid, hmac) = eab(&c, "*.svc.internal");

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let first = AcmeClient::new(&directory, &ca_pem).await;
        let mut a = first.same_key_from(c.ip(20)).await;
        let r = a.new_account(Some(a.binding(&kid, &hmac))).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let mut old = a.same_key_from(c.ip(20)).await;

        let r = a.change_key().await;
        assert_eq!(r.status, 200, "{}", r.text);
        let r = old.new_order(&[("dns", "a.svc.internal")]).await;
        assert_eq!(
            r.problem(),
            "unauthorized",
            "the old key signs nothing: {}",
            r.text
        );
        let r = a.new_order(&[("dns", "a.svc.internal")]).await;
        assert_eq!(r.status, 201, "the new key signs: {}", r.text);
        // The old key cannot be brought back by another account either.
        let r = old.new_account(None).await;
        assert_eq!(r.problem(), "externalAccountRequired", "{}", r.text);

        // Ten requests of the account (key change, order, eight more from another address)
        // spend its budget; the eleventh is refused from a third address.
        let mut b = a.same_key_from(c.ip(21)).await;
        for i in 0..8 {
            let r = b.new_order(&[("dns", "b.svc.internal")]).await;
            assert_eq!(r.status, 201, "order {i}: {}", r.text);
        }
        let mut d = a.same_key_from(c.ip(22)).await;
        let r = d.new_order(&[("dns", "d.svc.internal")]).await;
        assert_eq!((r.status, r.problem()), (429, "rateLimited"), "{}", r.text);
    });
}
