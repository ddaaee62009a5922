//! Overload protection with real `p2pd` processes, real TLS, `curl` and `p2pctl`: idle
//! connections cannot stop a node, budgets are per verified caller (never per header),
//! limits come from YAML, and p2pctl waits out one `Retry-After`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::net::{IpAddr, SocketAddr};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::{Duration, Instant};

use p2p_shared::api::{GossipStats, LimitStats, NodeInfo, NodeState};
use p2p_shared::tls::{Fingerprint, PeerRequirements, client_config};
use p2p_shared::{ServerTrust, contexts::CtlConfig};
use p2p_tests::cluster::{Cluster, fingerprint_from_log, json};
use p2p_tests::{bin, parse, stderr, stdout, wait_for};

fn raise_open_file_limit() {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let (_, hard) = getrlimit(Resource::RLIMIT_NOFILE).unwrap();
    setrlimit(Resource::RLIMIT_NOFILE, hard, hard).unwrap();
    let (soft, _) = getrlimit(Resource::RLIMIT_NOFILE).unwrap();
    assert!(
        soft >= 4096,
        "this test needs 4096 open files, the hard limit is {soft}"
    );
}

/// `curl` against `url`, from `source`, with extra arguments; returns (status, headers,
/// body).
fn curl(source: IpAddr, url: &str, args: &[&str]) -> (u16, String, String) {
    let out: Output = Command::new("curl")
        .args(["-sk", "--max-time", "10", "-D", "-", "--interface"])
        .arg(source.to_string())
        .args(args)
        .arg(url)
        .output()
        .expect("curl runs");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_ascii_lowercase(), body.to_string())
}

fn admin_token(c: &Cluster) -> String {
    let cfg = CtlConfig::load(&c.path("p2pctl.toml")).unwrap();
    let name = cfg.current_context.clone().unwrap();
    cfg.contexts[&name].token.clone().unwrap()
}

/// Opens `n` TLS connections to `server`, spread over `sources`, that finish the handshake
/// (no client certificate) and then send nothing.
async fn idle_connections(
    server: SocketAddr,
    fingerprint: &str,
    sources: &[IpAddr],
    n: usize,
) -> Vec<tokio_rustls::client::TlsStream<tokio::net::TcpStream>> {
    let trust = ServerTrust::Pinned(Fingerprint::parse(fingerprint).unwrap());
    let config = client_config(trust, PeerRequirements::default(), None, None).unwrap();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let name = rustls_pki_types::ServerName::IpAddress(server.ip().into());
    let mut held = Vec::with_capacity(n);
    for i in 0..n {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket
            .bind(SocketAddr::new(sources[i % sources.len()], 0))
            .unwrap();
        let tcp = socket.connect(server).await.unwrap();
        held.push(connector.connect(name.clone(), tcp).await.unwrap());
    }
    held
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_anonymous_connections_stop_neither_health_nor_operators_nor_gossip() {
    raise_open_file_limit();
    let mut c = Cluster::new();
    // Long enough that the attack lasts the whole test: room is made by eviction.
    c.extra_config = "request_header_timeout: 120s\nidle_connection_timeout: 120s\n".into();
    let _procs = c.start_nodes(2);
    let fp = fingerprint_from_log(&c.log("coord"));
    let server = SocketAddr::new(c.ip(1), c.port);
    let sources: Vec<IpAddr> = (100..122).map(|h| c.ip(h)).collect();
    let held = idle_connections(server, &fp, &sources, 1100).await;

    let started = Instant::now();
    let (status, _, body) = curl(c.ip(200), &c.url(1, "/v1/health"), &[]);
    assert_eq!(status, 200, "health under attack: {body}");
    eprintln!(
        "health answered in {:?} with 1100 idle connections open",
        started.elapsed()
    );
    let out = c.ctl(&["-o", "json", "nodes", "ls"]);
    assert!(out.status.success(), "nodes ls: {}", stderr(&out));
    let nodes: Vec<NodeInfo> = parse(&stdout(&out));
    assert_eq!(nodes.len(), 2);
    assert!(
        nodes.iter().all(|n| n.state == NodeState::Alive),
        "{nodes:?}"
    );

    // Gossip and node traffic never waited for a connection slot.
    let stats: LimitStats = parse(&c.ctl_ok(&["-o", "json", "cluster", "limit-stats"]));
    let pool = |name: &str| stats.pools.iter().find(|p| p.pool == name).unwrap().clone();
    assert_eq!(pool("node").refused, 0, "{stats:?}");
    assert!(
        pool("public").evicted >= 76,
        "1100 - 1024 idle ones made room: {stats:?}"
    );
    let gossip: GossipStats = parse(&c.ctl_ok(&["-o", "json", "cluster", "gossip-stats"]));
    assert_eq!(
        (
            gossip.members_alive,
            gossip.members_suspect,
            gossip.members_dead
        ),
        (2, 0, 0),
        "{gossip:?}"
    );
    drop(held);
}

#[test]
fn budgets_are_per_verified_caller_from_yaml_and_p2pctl_waits_out_retry_after() {
    let mut c = Cluster::new();
    c.extra_config = "rate_limits:\n  read: {requests: 120, burst: 1}\n  write: {requests: 2, burst: 2}\n  login: {requests: 60, burst: 3}\n".into();
    let _procs = c.start_nodes(1);
    let token = admin_token(&c);
    let auth = format!("Authorization: Bearer {token}");
    let url = c.url(1, "/v1/nodes");

    // One identity over its read budget gets 429 with the standard headers...
    let mut refused = None;
    for _ in 0..3 {
        let r = curl(c.ip(50), &url, &["-H", &auth]);
        if r.0 == 429 {
            refused = Some(r);
            break;
        }
    }
    let (_, head, body) = refused.expect("a 429 within three quick reads");
    assert!(head.contains("retry-after: 1"), "{head}");
    assert!(
        head.contains("ratelimit-policy: \"read\";q=120;w=60"),
        "{head}"
    );
    assert_eq!(json(&body)["error"]["code"], "rate_limited", "{body}");
    assert!(body.contains("read"), "{body}");
    // ...while another identity, from the same address, is unaffected.
    let ops = c.ctl(&["--context", "ops", "nodes", "ls"]);
    assert!(ops.status.success(), "{}", stderr(&ops));

    // p2pctl waits out one Retry-After for a read, and says so.
    let first = c.ctl(&["nodes", "ls"]);
    let second = c.ctl(&["nodes", "ls"]);
    assert!(
        first.status.success() && second.status.success(),
        "{}",
        stderr(&second)
    );
    assert!(
        stderr(&first).contains("retrying in") || stderr(&second).contains("retrying in"),
        "{} / {}",
        stderr(&first),
        stderr(&second)
    );
    // A change is not retried: over the write budget, exit code 6 and the limit named.
    let writes: Vec<Output> = (0..3)
        .map(|_| c.ctl(&["token", "create", "--ttl", "10m"]))
        .collect();
    let over = writes
        .iter()
        .find(|o| !o.status.success())
        .expect("a refused write");
    assert_eq!(over.status.code(), Some(6), "{}", stderr(over));
    assert!(stderr(over).contains("write"), "{}", stderr(over));

    // X-Forwarded-For changes nothing: the login budget is the peer's address.
    let login = c.url(1, "/v1/auth/login");
    let codes: Vec<u16> = (0..5)
        .map(|i| {
            let body = format!(r#"{{"user":"nobody{i}","password":"wrong-password"}}"#);
            let xff = format!("X-Forwarded-For: 198.51.100.{i}");
            let args = [
                "-H",
                "Content-Type: application/json",
                "-H",
                &xff,
                "-d",
                &body,
            ];
            curl(c.ip(60), &login, &args).0
        })
        .collect();
    assert_eq!(
        codes,
        [401, 401, 401, 429, 429],
        "burst 3 per address, whatever the header says"
    );
}

#[test]
fn rate_limiting_false_switches_the_budgets_off_and_says_so() {
    let mut c = Cluster::new();
    c.extra_config =
        "rate_limiting: false\nrate_limits:\n  read: {requests: 60, burst: 1}\n".into();
    let _procs = c.start_nodes(1);
    let token = admin_token(&c);
    let auth = format!("Authorization: Bearer {token}");
    let url = c.url(1, "/v1/nodes");
    let codes: Vec<u16> = (0..5)
        .map(|_| curl(c.ip(50), &url, &["-H", &auth]).0)
        .collect();
    assert_eq!(codes, [200; 5], "no budget applies when switched off");
    let stats = c.ctl(&["-o", "json", "cluster", "limit-stats"]);
    assert!(stats.status.success(), "{}", stderr(&stats));
    let stats = json(&String::from_utf8_lossy(&stats.stdout));
    assert_eq!(stats["rate_limiting"], false, "{stats}");
}

#[test]
fn a_login_flood_is_throttled_per_account_while_others_sign_in() {
    let c = Cluster::new();
    let _procs = c.start_nodes(1);
    let out = p2p_tests::p2pctl(
        &c.path("p2pctl.toml"),
        &["user", "add", "bob", "--role", "viewer"],
        &[("P2PCTL_NEW_PASSWORD", "bob-password-1")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let login = c.url(1, "/v1/auth/login");
    let attempt = |source: u8, user: &str, password: &str| {
        let body = format!(r#"{{"user":"{user}","password":"{password}"}}"#);
        curl(
            c.ip(source),
            &login,
            &["-H", "Content-Type: application/json", "-d", &body],
        )
    };
    // Guesses at admin from many addresses: after three failures the account waits.
    let flood: Vec<(u16, String)> = (0..8)
        .map(|i| {
            let (s, head, _) = attempt(70 + i, "admin", "guess");
            (s, head)
        })
        .collect();
    let statuses: Vec<u16> = flood.iter().map(|f| f.0).collect();
    assert_eq!(&statuses[..3], [401, 401, 401], "{statuses:?}");
    assert!(statuses[3..].iter().all(|s| *s == 429), "{statuses:?}");
    assert!(flood[3].1.contains("retry-after:"), "{}", flood[3].1);
    // Bob signs in meanwhile.
    assert_eq!(attempt(90, "bob", "bob-password-1").0, 200);
    // The real admin is delayed, not locked out.
    let pw = std::fs::read_to_string(c.path("coord/initial-admin-password")).unwrap();
    let ok = wait_for(Duration::from_secs(10), || {
        (attempt(91, "admin", pw.trim()).0 == 200).then_some(())
    });
    assert!(ok.is_some(), "admin could sign in again after the wait");
    let stats: LimitStats = parse(&c.ctl_ok(&["-o", "json", "cluster", "limit-stats"]));
    assert!(
        stats.logins_failed >= 3 && stats.logins_refused >= 5,
        "{stats:?}"
    );
}

#[test]
fn bad_limits_in_yaml_stop_the_start_with_file_and_line() {
    let c = Cluster::new();
    for (extra, needle) in [
        (
            "rate_limits:\n  reads: {requests: 5}\n",
            "unknown field `reads`",
        ),
        ("rate_limits:\n  read: {requests: 0}\n", "between 1 and"),
        ("trusted_proxies: [not-a-block]\n", "address block"),
    ] {
        let config = c.write_config("coord", 1, false);
        let mut text = std::fs::read_to_string(&config).unwrap();
        text.push_str(extra);
        std::fs::write(&config, &text).unwrap();
        let line = text.lines().count() - extra.lines().count() + 1;
        let out = Command::new(bin("p2pd"))
            .arg("--config")
            .arg(&config)
            .env("P2PD_PASSWORD", "vault-password")
            .output()
            .unwrap();
        assert!(!out.status.success());
        let err = stderr(&out);
        let at = format!("{}:{}", config.display(), line);
        let at_next = format!("{}:{}", config.display(), line + 1);
        assert!(err.contains(&at) || err.contains(&at_next), "{at}: {err}");
        assert!(err.contains(needle), "{needle}: {err}");
    }
}
