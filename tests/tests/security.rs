//! Security properties with real `p2pd` and `p2pctl` processes: passwords and tokens go only
//! to coordinators, revocation holds across a restart with no coordinator reachable, and
//! services never see the agent's secrets.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::time::Duration;

use p2p_shared::logs::LogRecord;
use p2p_tests::cluster::Cluster;
use p2p_tests::{parse, stderr, stdout, wait_for, write_manifest};

const WAIT: Duration = Duration::from_secs(30);

#[test]
fn p2pctl_never_sends_a_password_or_token_to_a_worker() {
    let c = Cluster::new();
    let _procs = c.start_nodes(2);
    let fp = p2p_tests::cluster::fingerprint_from_log(&c.log("coord"));
    let worker = format!("https://{}:{}", c.ip(2), c.port);
    let out = p2p_tests::p2pctl(
        &c.path("p2pctl.toml"),
        &[
            "login",
            "--server",
            &worker,
            "--ca-fingerprint",
            &fp,
            "--user",
            "admin",
            "--name",
            "stolen",
        ],
        &[("P2PCTL_PASSWORD", "any-password")],
    );
    assert!(!out.status.success(), "login to a worker succeeded");
    assert!(
        stderr(&out).contains("not a coordinator"),
        "{}",
        stderr(&out)
    );
    // The admin context (a JWT) pointed at the worker is refused before anything is sent.
    let out = c.ctl(&["--endpoint", &worker, "nodes", "ls"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("not a coordinator"),
        "{}",
        stderr(&out)
    );
    // An operator certificate may ask any node.
    let out = c.ctl(&["--context", "ops", "--endpoint", &worker, "nodes", "ls"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_restarted_worker_with_no_coordinator_still_refuses_a_revoked_certificate() {
    let c = Cluster::new();
    let mut procs = c.start_nodes(2);
    let worker = format!("https://{}:{}", c.ip(2), c.port);
    let as_ops = || c.ctl(&["--context", "ops", "--endpoint", &worker, "nodes", "ls"]);
    assert!(as_ops().status.success(), "{}", stderr(&as_ops()));
    let certs: Vec<p2p_shared::api::CertSummary> =
        parse(&c.ctl_ok(&["cert", "ls", "--all", "-o", "json"]));
    let serial = certs
        .iter()
        .find(|x| x.subject == "ops")
        .unwrap()
        .serial
        .clone();
    c.ctl_ok(&["cert", "revoke", &serial]);
    let refused = wait_for(WAIT, || (as_ops().status.code() == Some(3)).then_some(()));
    assert!(
        refused.is_some(),
        "the worker never refused the revoked certificate"
    );

    // The coordinator goes away; the worker restarts and cannot ask anyone.
    assert!(procs[0].terminate(WAIT).is_some());
    assert!(procs[1].terminate(WAIT).is_some());
    procs[1] = c.spawn("w2", 2, true, None);
    assert!(c.wait_log("w2", "p2pd ready"), "{}", c.log("w2"));
    let out = as_ops();
    assert_eq!(
        out.status.code(),
        Some(3),
        "a revoked certificate was accepted after the restart: {}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn services_see_none_of_the_agents_secrets() {
    let mut c = Cluster::new();
    // p2pd gets its password through P2PD_PASSWORD (Cluster::spawn) and systemd-like variables.
    c.extra_env = vec![
        (
            "CREDENTIALS_DIRECTORY".into(),
            "/nonexistent-credentials".into(),
        ),
        ("NOTIFY_SOCKET".into(), "/nonexistent-notify-socket".into()),
        ("WATCHDOG_USEC".into(), "0".into()),
    ];
    let _coord = {
        let p = c.spawn("coord", 1, false, None);
        assert!(c.wait_log("coord", "p2pd ready"), "{}", c.log("coord"));
        p
    };
    c.login_admin();
    let dir = c.services_dir("coord");
    write_manifest(
        &dir,
        "printenv",
        "command: /usr/bin/env\nrestart: {policy: never}\n",
    );
    let lines = wait_for(WAIT, || {
        let out = c.ctl(&["-o", "json", "svc", "logs", "printenv", "--tail", "1000"]);
        // Not found until the supervisor has started it.
        let recs: Vec<LogRecord> = out.status.success().then(|| parse(&stdout(&out)))?;
        recs.iter()
            .any(|r| r.message.starts_with("P2P_SERVICE="))
            .then_some(recs)
    })
    .expect("the service's environment never reached the logs");
    let env: Vec<&str> = lines.iter().map(|r| r.message.as_str()).collect();
    for forbidden in [
        "P2PD_",
        "CREDENTIALS_DIRECTORY=",
        "NOTIFY_SOCKET=",
        "WATCHDOG_",
        "RUST_LOG=",
    ] {
        assert!(
            !env.iter().any(|l| l.starts_with(forbidden)),
            "{forbidden} reached the service: {env:?}"
        );
    }
    assert!(env.iter().any(|l| l.starts_with("PATH=")), "{env:?}");
    assert!(env.contains(&"P2P_SERVICE=printenv"), "{env:?}");
    // It knows its node: name and own address.
    assert!(env.contains(&"P2P_NODE_ID=coord"), "{env:?}");
    let address = format!("P2P_NODE_ADDRESS={}", c.ip(1));
    assert!(env.contains(&address.as_str()), "{env:?}");

    // A manifest's `user:` is who the service runs as (p2pd must be root to switch).
    if euid() != 0 {
        eprintln!("skipping the user: check: p2pd cannot switch users unless it runs as root");
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the suite as root"
        );
        return;
    }
    write_manifest(
        &dir,
        "whoami",
        "command: /usr/bin/id\nargs: ['-u']\nuser: nobody\nworking_directory: /\nrestart: {policy: never}\n",
    );
    let uid = wait_for(WAIT, || {
        let out = c.ctl(&["-o", "json", "svc", "logs", "whoami"]);
        let recs: Vec<LogRecord> = out.status.success().then(|| parse(&stdout(&out)))?;
        recs.first().map(|r| r.message.clone())
    });
    assert_eq!(uid.as_deref(), Some("65534"), "{}", c.log("coord"));
}

#[allow(unsafe_code)]
fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() }
}

#[test]
fn an_operator_certificate_named_after_an_account_cannot_change_its_password() {
    let c = Cluster::new();
    let _procs = c.start_nodes(1);
    c.ctl_ok(&[
        "cert",
        "issue",
        "--user",
        "admin",
        "--role",
        "viewer",
        "--context-name",
        "fake-admin",
    ]);
    let out = p2p_tests::p2pctl(
        &c.path("p2pctl.toml"),
        &["--context", "fake-admin", "user", "passwd", "admin"],
        &[
            ("P2PCTL_NEW_PASSWORD", "taken-over-123"),
            ("P2PCTL_PASSWORD", "unknown"),
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    // The real admin still signs in with the original password.
    c.login_admin();
    c.ctl_ok(&["whoami"]);
}

#[test]
fn password_changes_and_revocations_end_a_users_sessions() {
    let c = Cluster::new();
    let _procs = c.start_nodes(1);
    let ctl =
        |args: &[&str], env: &[(&str, &str)]| p2p_tests::p2pctl(&c.path("p2pctl.toml"), args, env);
    let out = ctl(
        &["user", "add", "vera", "--role", "viewer"],
        &[("P2PCTL_NEW_PASSWORD", "vera-password-1")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let login = |password: &str| {
        ctl(
            &["login", "--user", "vera", "--name", "vera"],
            &[("P2PCTL_PASSWORD", password)],
        )
    };
    assert!(login("vera-password-1").status.success());
    let whoami = || ctl(&["--context", "vera", "whoami"], &[]);
    assert!(whoami().status.success(), "{}", stderr(&whoami()));

    // Her own change needs the current password...
    let wrong = ctl(
        &["--context", "vera", "user", "passwd", "vera"],
        &[
            ("P2PCTL_PASSWORD", "not-her-password"),
            ("P2PCTL_NEW_PASSWORD", "vera-password-2"),
        ],
    );
    assert_eq!(wrong.status.code(), Some(3), "{}", stderr(&wrong));
    assert!(
        whoami().status.success(),
        "a refused change ended the session"
    );
    let changed = ctl(
        &["--context", "vera", "user", "passwd", "vera"],
        &[
            ("P2PCTL_PASSWORD", "vera-password-1"),
            ("P2PCTL_NEW_PASSWORD", "vera-password-2"),
        ],
    );
    assert!(changed.status.success(), "{}", stderr(&changed));
    // ...and ends her sessions.
    assert_eq!(whoami().status.code(), Some(3), "{}", stderr(&whoami()));
    assert!(!login("vera-password-1").status.success());
    assert!(login("vera-password-2").status.success());
    assert!(whoami().status.success());

    // An admin ends them too.
    let admin = admin_context(&c);
    let out = ctl(
        &["--context", &admin, "user", "revoke-sessions", "vera"],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(whoami().status.code(), Some(3), "{}", stderr(&whoami()));
}

/// The context `login_admin` wrote (named after the server; `login --name` made another
/// one current since).
fn admin_context(c: &Cluster) -> String {
    let rows: Vec<serde_json::Value> = parse(&c.ctl_ok(&["context", "ls", "-o", "json"]));
    rows.iter()
        .find(|r| r["user"] == "admin")
        .and_then(|r| r["name"].as_str())
        .unwrap()
        .to_string()
}
