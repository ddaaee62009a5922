//! The ACME clients people use, from Debian, against a real coordinator: `lego` and
//! `certbot` each get a certificate through `http-01` with an external account binding,
//! the chain verifies against the cluster CA (`openssl verify`), they renew it, revoke it,
//! and the revoked serial is in the CRL (`openssl crl`). Under CI=true a missing client
//! fails the test.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::path::Path;
use std::process::{Command, Output};

use p2p_shared::acme::{AcmeAccountInfo, EabCreated};
use p2p_shared::api::CertSummary;
use p2p_tests::cluster::Cluster;
use p2p_tests::{free_port, parse, require_capability, stderr, stdout};

fn installed(program: &str) -> Result<(), String> {
    match Command::new(program).arg("--version").output() {
        Ok(_) => Ok(()),
        Err(e) => Err(format!(
            "`{program}` cannot run ({e}): apt-get install {program}"
        )),
    }
}

/// A coordinator whose ACME server calls challenges back on a port of the test's own.
fn cluster() -> (Cluster, u16, std::path::PathBuf, Vec<p2p_tests::Proc>) {
    let mut c = Cluster::new();
    let port = free_port();
    c.extra_config = format!("acme_http_port: {port}\n");
    let procs = c.start_nodes(1);
    let ca = c.save_ca(1);
    (c, port, ca, procs)
}

fn eab(c: &Cluster) -> EabCreated {
    parse(&c.ctl_ok(&[
        "acme",
        "eab",
        "create",
        "--names",
        "localhost,127.0.0.0/8",
        "-o",
        "json",
    ]))
}

fn ok(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what} failed:\n{}\n{}",
        stdout(out),
        stderr(out)
    );
}

fn serial_of(cert: &Path) -> String {
    let out = Command::new("openssl")
        .args(["x509", "-noout", "-serial", "-in"])
        .arg(cert)
        .output()
        .unwrap();
    ok("openssl x509", &out);
    stdout(&out)
        .trim()
        .trim_start_matches("serial=")
        .to_ascii_lowercase()
}

fn verify_chain(ca: &Path, cert: &Path) {
    let out = Command::new("openssl")
        .arg("verify")
        .arg("-CAfile")
        .arg(ca)
        .arg(cert)
        .output()
        .unwrap();
    assert!(
        stdout(&out).contains(": OK"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}

/// The CRL as `openssl crl -text` prints it, checked against the CA.
fn crl_text(c: &Cluster, ca: &Path) -> String {
    let crl = c.path("crl.pem");
    c.ctl_ok(&["cert", "crl", "--out", crl.to_str().unwrap()]);
    let out = Command::new("openssl")
        .args(["crl", "-noout", "-text", "-CAfile"])
        .arg(ca)
        .arg("-in")
        .arg(&crl)
        .output()
        .unwrap();
    assert!(stderr(&out).contains("verify OK"), "{}", stderr(&out));
    stdout(&out).to_ascii_lowercase()
}

fn the_account_and_its_certificates(c: &Cluster, revoked: &str) {
    let accounts: Vec<AcmeAccountInfo> =
        parse(&c.ctl_ok(&["acme", "accounts", "ls", "-o", "json"]));
    assert_eq!(accounts.len(), 1, "{accounts:?}");
    assert_eq!(
        accounts[0].contact,
        vec!["mailto:ops@example.com".to_string()]
    );
    let certs: Vec<CertSummary> = parse(&c.ctl_ok(&["acme", "certs", "ls", "--all", "-o", "json"]));
    assert_eq!(certs.len(), 2, "obtained and renewed: {certs:?}");
    let r = certs.iter().find(|x| x.serial == revoked).unwrap();
    assert_eq!(r.status.to_string(), "revoked");
    assert!(certs.iter().all(|x| x.subject == accounts[0].account_id));
}

#[test]
fn lego_obtains_renews_and_revokes_a_certificate() {
    if !require_capability(
        "lego_obtains_renews_and_revokes_a_certificate",
        "lego",
        installed("lego"),
    ) {
        return;
    }
    let (c, port, ca, _procs) = cluster();
    let key = eab(&c);
    let dir = c.path("lego");
    let lego = |args: &[&str]| {
        Command::new("lego")
            .env("LEGO_CA_CERTIFICATES", &ca)
            .arg("--server")
            .arg(c.url(1, "/acme/directory"))
            .arg("--path")
            .arg(&dir)
            .args(["--accept-tos", "--email", "ops@example.com", "--eab"])
            .args(["--kid", &key.key_id, "--hmac", &key.hmac_key])
            // Debian's lego (4.9) sends an IP address as a `dns` identifier, which RFC 8738
            // does not allow and the server refuses; IP identifiers are tested in acme.rs.
            .args(["--domains", "localhost", "--http"])
            .args(["--http.port", &format!(":{port}")])
            .args(args)
            .output()
            .unwrap()
    };
    ok("lego run", &lego(&["run"]));
    let cert = dir.join("certificates/localhost.crt");
    verify_chain(&ca, &cert);
    let text = stdout(
        &Command::new("openssl")
            .args(["x509", "-noout", "-ext", "subjectAltName", "-in"])
            .arg(&cert)
            .output()
            .unwrap(),
    );
    assert!(text.contains("DNS:localhost"), "{text}");
    let first = serial_of(&cert);

    ok(
        "lego renew",
        &lego(&["renew", "--days", "3650", "--no-random-sleep"]),
    );
    verify_chain(&ca, &cert);
    let renewed = serial_of(&cert);
    assert_ne!(first, renewed, "renewal brought a new certificate");

    ok("lego revoke", &lego(&["revoke"]));
    assert!(crl_text(&c, &ca).contains(renewed.trim_start_matches('0')));
    the_account_and_its_certificates(&c, &renewed);
}

#[test]
fn certbot_obtains_renews_and_revokes_a_certificate() {
    if !require_capability(
        "certbot_obtains_renews_and_revokes_a_certificate",
        "certbot",
        installed("certbot"),
    ) {
        return;
    }
    let (c, port, ca, _procs) = cluster();
    let key = eab(&c);
    let dir = c.path("certbot");
    let certbot = |args: &[&str]| {
        Command::new("certbot")
            .env("REQUESTS_CA_BUNDLE", &ca)
            .args(args)
            .arg("--server")
            .arg(c.url(1, "/acme/directory"))
            .arg("--config-dir")
            .arg(dir.join("config"))
            .arg("--work-dir")
            .arg(dir.join("work"))
            .arg("--logs-dir")
            .arg(dir.join("logs"))
            .args(["--non-interactive", "--no-random-sleep-on-renew"])
            .output()
            .unwrap()
    };
    let port = port.to_string();
    ok(
        "certbot certonly",
        &certbot(&[
            "certonly",
            "--standalone",
            "--agree-tos",
            "--email",
            "ops@example.com",
            "--eab-kid",
            &key.key_id,
            "--eab-hmac-key",
            &key.hmac_key,
            "-d",
            "localhost",
            "--http-01-port",
            &port,
        ]),
    );
    let live = dir.join("config/live/localhost");
    verify_chain(&ca, &live.join("fullchain.pem"));
    let first = serial_of(&live.join("cert.pem"));

    ok("certbot renew", &certbot(&["renew", "--force-renewal"]));
    verify_chain(&ca, &live.join("fullchain.pem"));
    let renewed = serial_of(&live.join("cert.pem"));
    assert_ne!(first, renewed, "renewal brought a new certificate");

    let cert_path = live.join("cert.pem");
    ok(
        "certbot revoke",
        &certbot(&[
            "revoke",
            "--cert-path",
            cert_path.to_str().unwrap(),
            "--reason",
            "keycompromise",
            "--no-delete-after-revoke",
        ]),
    );
    assert!(crl_text(&c, &ca).contains(renewed.trim_start_matches('0')));
    the_account_and_its_certificates(&c, &renewed);
}
