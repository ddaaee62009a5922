//! The CA's certificate revocation list with real processes and `openssl`: fetched without
//! credentials by `p2pctl cert crl`, it verifies against the cluster CA, has `thisUpdate`
//! and `nextUpdate`, and lists a certificate once it is revoked.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::process::Command;

use p2p_shared::api::CertSummary;
use p2p_tests::cluster::Cluster;
use p2p_tests::{parse, stderr, stdout};

/// `openssl crl -text` of `file` checked against `ca`: (verified, text).
fn openssl_crl(file: &std::path::Path, ca: &std::path::Path, der: bool) -> (bool, String) {
    let mut cmd = Command::new("openssl");
    cmd.arg("crl").arg("-in").arg(file).arg("-CAfile").arg(ca);
    if der {
        cmd.args(["-inform", "DER"]);
    }
    let out = cmd.args(["-noout", "-text"]).output().unwrap();
    (stderr(&out).contains("verify OK"), stdout(&out))
}

#[test]
fn the_revocation_list_verifies_and_lists_what_was_revoked() {
    let c = Cluster::new();
    let _procs = c.start_nodes(2);
    let ca = c.save_ca(1);

    let pem = c.path("crl.pem");
    c.ctl_ok(&["cert", "crl", "--out", pem.to_str().unwrap()]);
    let (verified, text) = openssl_crl(&pem, &ca, false);
    assert!(verified, "{text}");
    assert!(
        text.contains("Last Update") && text.contains("Next Update"),
        "{text}"
    );
    assert!(text.contains("No Revoked Certificates"), "{text}");

    let certs: Vec<CertSummary> = parse(&c.ctl_ok(&["cert", "ls", "-o", "json"]));
    let serial = certs
        .iter()
        .find(|x| x.subject == "w2")
        .unwrap()
        .serial
        .clone();
    c.ctl_ok(&["cert", "revoke", "w2"]);

    // Served again at once after the revocation, to anyone (no credentials), DER.
    let der = c.path("crl.der");
    let out = Command::new("curl")
        .args(["-sk", "-o"])
        .arg(&der)
        .args(["-w", "%{http_code} %{content_type}"])
        .arg(c.url(1, "/v1/pki/crl"))
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "200 application/pkix-crl");
    let (verified, text) = openssl_crl(&der, &ca, true);
    assert!(verified, "{text}");
    // openssl prints the serial as a number: upper case, no leading zeros.
    let printed = serial.trim_start_matches('0').to_ascii_uppercase();
    assert!(text.contains(&printed), "{serial} not in:\n{text}");

    // A worker holds no CA: it says where to ask.
    let out = Command::new("curl")
        .args(["-sk", "-o", "/dev/null", "-w", "%{http_code}"])
        .arg(c.url(2, "/v1/pki/crl"))
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "421", "{}", stderr(&out));
}
