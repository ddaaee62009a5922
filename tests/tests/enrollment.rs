//! Real processes: a coordinator and a worker enrol over loopback, `p2pctl` drives tokens and
//! certificates, and real external clients (`curl`, `openssl s_client`) are refused on a
//! node route without a certificate, with a certificate of another CA, and with a revoked
//! one.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use p2p_shared::Role;
use p2p_shared::api::{
    AuthMethod, CertStatus, CertSummary, JoinTokenInfo, JoinTokenStatus, RenewResult, WhoAmI,
};
use p2p_tests::cluster::Cluster;
use p2p_tests::{parse, stderr, stdout, wait_for};

fn curl(args: &[&str]) -> Output {
    Command::new("curl")
        .args(["-sS", "--max-time", "10", "-o", "-", "-w", "\n%{http_code}"])
        .args(args)
        .output()
        .expect("curl is installed (.ci/run installs it)")
}

/// A self-signed certificate from a CA that is not ours, made by openssl.
fn foreign_cert(dir: &Path) -> (PathBuf, PathBuf) {
    let (crt, key) = (dir.join("foreign.crt"), dir.join("foreign.key"));
    let out = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ])
        .args(["-days", "1", "-subj", "/CN=intruder"])
        .args(["-addext", "subjectAltName=URI:spiffe://x/node/intruder"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&crt)
        .output()
        .expect("openssl is installed (.ci/run installs it)");
    assert!(out.status.success(), "{}", stderr(&out));
    (crt, key)
}

#[test]
fn worker_enrols_and_node_routes_refuse_strangers() {
    let c = Cluster::new();
    let _coord = c.spawn("coord", 1, false, None);
    assert!(c.wait_log("coord", "p2pd ready"), "{}", c.log("coord"));
    c.login_admin();

    // Token: printed once on stdout, listed without its secret.
    let token = c.ctl_ok(&["token", "create", "--ttl", "10m", "--uses", "1"]);
    let token = token.trim().to_string();
    assert!(token.starts_with("p2pjoin1."), "{token}");
    let listed = c.ctl_ok(&["token", "ls", "-o", "json"]);
    assert!(!listed.contains(token.split('.').nth(2).unwrap()));
    assert_eq!(
        parse::<Vec<JoinTokenInfo>>(&listed)[0].status,
        JoinTokenStatus::Active
    );

    // The worker enrols through the real flow and logs each step.
    let mut worker = c.spawn("w1", 2, true, Some(&token));
    assert!(c.wait_log("w1", "p2pd ready"), "{}", c.log("w1"));
    let log = c.log("w1");
    for step in [
        "Starting temporary HTTP server on port",
        "Certificate request response: 200",
        "Certificate successfully updated from coordinator",
        "Temporary HTTP server stopped",
    ] {
        assert!(log.contains(step), "missing `{step}` in:\n{log}");
    }
    assert!(
        !log.contains(token.split('.').nth(2).unwrap()),
        "the token secret was logged"
    );
    // The challenge responder is gone once enrolled.
    let gone = std::net::TcpStream::connect((c.ip(2), c.challenge_port));
    assert!(gone.is_err(), "challenge responder still listening");

    // `cert ls` shows both nodes; the token is used up.
    let certs: Vec<CertSummary> = parse(&c.ctl_ok(&["cert", "ls", "-o", "json"]));
    let subjects: Vec<&str> = certs.iter().map(|x| x.subject.as_str()).collect();
    assert!(
        subjects.contains(&"coord") && subjects.contains(&"w1"),
        "{certs:?}"
    );
    let w1 = certs.iter().find(|x| x.subject == "w1").unwrap().clone();
    assert_eq!(w1.status, CertStatus::Valid);
    assert_eq!(w1.ip_addresses[0], c.ip(2).to_string());
    assert_eq!(
        parse::<Vec<JoinTokenInfo>>(&c.ctl_ok(&["token", "ls", "-o", "json"]))[0].status,
        JoinTokenStatus::UsedUp
    );

    // External clients against the worker's node route.
    let ca = c.save_ca(2);
    let ca_arg = ca.to_str().unwrap();
    let status_url = c.url(2, "/v1/node/status");
    // No client certificate: TLS completes, the node route answers 401.
    let out = curl(&["--cacert", ca_arg, &status_url]);
    let text = stdout(&out);
    assert!(text.ends_with("401"), "{text} {}", stderr(&out));
    assert!(text.contains("\"unauthenticated\""), "{text}");
    // A certificate of another CA: the handshake is refused, no HTTP answer at all.
    let (fcrt, fkey) = foreign_cert(c.dir.path());
    let out = curl(&[
        "--cacert",
        ca_arg,
        "--cert",
        fcrt.to_str().unwrap(),
        "--key",
        fkey.to_str().unwrap(),
        &status_url,
    ]);
    assert!(
        !out.status.success(),
        "foreign CA accepted: {}",
        stdout(&out)
    );
    assert!(stdout(&out).ends_with("000"), "{}", stdout(&out));
    let out = Command::new("openssl")
        .args([
            "s_client",
            "-quiet",
            "-CAfile",
            ca_arg,
            "-cert",
            fcrt.to_str().unwrap(),
            "-key",
            fkey.to_str().unwrap(),
            "-connect",
        ])
        .arg(format!("{}:{}", c.ip(2), c.port))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            if let Some(mut stdin) = child.stdin.take() {
                let _ = stdin.write_all(
                    b"GET /v1/node/status HTTP/1.1\r\nHost: node\r\nConnection: close\r\n\r\n",
                );
            }
            child.wait_with_output()
        })
        .unwrap();
    assert!(
        !stdout(&out).contains("HTTP/1.1"),
        "foreign CA got an answer: {}",
        stdout(&out)
    );
    assert!(
        stderr(&out).to_lowercase().contains("alert"),
        "{}",
        stderr(&out)
    );

    // An operator certificate from `p2pctl cert issue` signs in to the operator API...
    c.issue_viewer_context();
    let who: WhoAmI = parse(&c.ctl_ok(&["--context", "ops", "whoami", "-o", "json"]));
    assert_eq!(who.auth_method, AuthMethod::ClientCertificate);
    assert_eq!(who.role, Role::Viewer);
    let (ocrt, okey) = (c.path("certs/ops.crt"), c.path("certs/ops.key"));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&okey).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // ...is not a node certificate (403 on the node route)...
    let cert_args = [
        "--cacert",
        ca_arg,
        "--cert",
        ocrt.to_str().unwrap(),
        "--key",
        okey.to_str().unwrap(),
    ];
    let out = curl(&[&cert_args[..], &[status_url.as_str()]].concat());
    assert!(stdout(&out).ends_with("403"), "{}", stdout(&out));
    // ...and once revoked it is refused at the handshake, by the worker too, within 5 s.
    let all: Vec<CertSummary> = parse(&c.ctl_ok(&["cert", "ls", "--all", "-o", "json"]));
    let serial = all
        .iter()
        .find(|x| x.subject == "ops")
        .unwrap()
        .serial
        .clone();
    c.ctl_ok(&["cert", "revoke", &serial]);
    let refused = wait_for(Duration::from_secs(5), || {
        let out = curl(&[&cert_args[..], &[status_url.as_str()]].concat());
        stdout(&out).ends_with("000").then_some(())
    });
    assert!(
        refused.is_some(),
        "revoked certificate still accepted by the worker"
    );
    let out = c.ctl(&["--context", "ops", "whoami"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));

    // Operator-requested renewal through the coordinator; the worker logs it.
    let before = w1.serial.clone();
    let r: RenewResult = parse(&c.ctl_ok(&["cert", "renew", "--node", "w1", "-o", "json"]));
    assert_eq!(r.old_serial.as_deref(), Some(before.as_str()));
    assert_ne!(r.new_serial, before);
    // Nothing is due on fresh certificates; --force renews every node anyway.
    let none = c.ctl(&["cert", "renew"]);
    assert!(none.status.success(), "{}", stderr(&none));
    assert!(
        stderr(&none).contains("No node certificate is due")
            || stdout(&none).contains("No node certificate is due"),
        "{}",
        stdout(&none)
    );
    let out = c.ctl_ok(&["cert", "renew", "--force"]);
    assert!(
        out.contains("coord") && out.contains("w1") && out.contains("renewed"),
        "{out}"
    );
    // An admin signed in with a certificate: --force renews that certificate too.
    c.ctl_ok(&[
        "cert",
        "issue",
        "--user",
        "root-op",
        "--role",
        "admin",
        "--context-name",
        "adm",
    ]);
    let old = std::fs::read(c.path("certs/adm.crt")).unwrap();
    let out = c.ctl(&["--context", "adm", "cert", "renew", "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("renewed the operator certificate of context `adm`"),
        "{}",
        stderr(&out)
    );
    assert_ne!(std::fs::read(c.path("certs/adm.crt")).unwrap(), old);
    let who: WhoAmI = parse(&c.ctl_ok(&["--context", "adm", "whoami", "-o", "json"]));
    assert_eq!((who.user.as_str(), who.role), ("root-op", Role::Admin));

    // Revoking the node: its restart cannot renew with the revoked certificate (refused),
    // but the vault still opens and the error names the cause.
    c.ctl_ok(&["cert", "revoke", "w1"]);
    let shown: CertSummary = parse(&c.ctl_ok(&["cert", "show", "w1", "-o", "json"]));
    assert_eq!(shown.status, CertStatus::Revoked);
    assert_eq!(
        worker
            .terminate(Duration::from_secs(10))
            .map(|s| s.success()),
        Some(true)
    );
}
