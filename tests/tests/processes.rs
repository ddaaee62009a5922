//! Real `p2pd` and `p2pctl` processes on loopback.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use p2p_shared::Role;
use p2p_shared::api::{NodeInfo, NodeRole, NodeState, WhoAmI};
use p2p_tests::{Proc, bin, free_port, p2pctl, parse, stderr, stdout, wait_for};

const START: Duration = Duration::from_secs(30);

struct Node {
    dir: tempfile::TempDir,
    port: u16,
}

impl Node {
    fn new(node_id: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let config = format!(
            "# test node\nnode_id: {node_id}\nport: {port}\nbind_address: 127.0.0.1\n\
             challenge_port: {}\nstate_directory: {}\nshutdown_timeout: 5s\n",
            free_port(),
            dir.path().join("state").display()
        );
        std::fs::write(dir.path().join("node.yaml"), config).unwrap();
        std::fs::write(dir.path().join("pw"), "vault-password\n").unwrap();
        std::fs::write(dir.path().join("admin-pw"), "admin-password-1\n").unwrap();
        Self { dir, port }
    }

    fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    fn p2pd(&self) -> Command {
        let mut c = Command::new(bin("p2pd"));
        c.env_remove("P2PD_PASSWORD")
            .arg("--config")
            .arg(self.path("node.yaml"))
            .env("RUST_LOG", "info");
        c
    }

    /// `p2pd init`; returns the CA fingerprint it printed.
    fn init(&self) -> String {
        let out = self
            .p2pd()
            .arg("--password-file")
            .arg(self.path("pw"))
            .arg("init")
            .arg("--admin-password-file")
            .arg(self.path("admin-pw"))
            .output()
            .unwrap();
        assert!(out.status.success(), "init failed: {}", stderr(&out));
        let text = stdout(&out);
        text.lines()
            .find_map(|l| l.strip_prefix("CA fingerprint: "))
            .unwrap_or_else(|| panic!("no fingerprint in: {text}"))
            .to_string()
    }

    fn start(&self) -> Proc {
        let log = std::fs::File::create(self.path("p2pd.log")).unwrap();
        Proc::spawn(
            self.p2pd()
                .env("P2PD_PASSWORD", "vault-password")
                .stdout(Stdio::null())
                .stderr(log),
        )
    }

    fn server(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    fn ctl_config(&self) -> std::path::PathBuf {
        self.path("p2pctl.toml")
    }

    fn login(&self, fingerprint: &str) {
        let server = self.server();
        let args = [
            "login",
            "--server",
            &server,
            "--ca-fingerprint",
            fingerprint,
            "--user",
            "admin",
        ];
        let ok = wait_for(START, || {
            let out = p2pctl(
                &self.ctl_config(),
                &args,
                &[("P2PCTL_PASSWORD", "admin-password-1")],
            );
            match out.status.code() {
                Some(0) => Some(()),
                Some(5) => None, // not listening yet
                _ => panic!("login failed: {}", stderr(&out)),
            }
        });
        assert!(ok.is_some(), "p2pd never became reachable: {}", self.log());
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.path("p2pd.log")).unwrap_or_default()
    }
}

#[test]
fn init_start_login_and_list_nodes_with_the_real_binaries() {
    let node = Node::new("coord-1");
    let fp = node.init();
    assert!(fp.starts_with("SHA256:") && fp.len() == 71, "{fp}");
    let mut p2pd = node.start();
    node.login(&fp);

    let out = p2pctl(&node.ctl_config(), &["nodes", "ls", "-o", "json"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let nodes: Vec<NodeInfo> = parse(&stdout(&out));
    assert_eq!(nodes.len(), 1, "{nodes:?}");
    assert_eq!(nodes[0].node_id, "coord-1");
    assert_eq!(nodes[0].role, NodeRole::Coordinator);
    assert_eq!(nodes[0].state, NodeState::Alive);
    assert_eq!(nodes[0].api_address, format!("127.0.0.1:{}", node.port));

    let out = p2pctl(&node.ctl_config(), &["whoami", "-o", "json"], &[]);
    let me: WhoAmI = parse(&stdout(&out));
    assert_eq!(me.user, "admin");
    assert_eq!(me.role, Role::Admin);

    // Not found and signed out have their documented exit codes.
    let out = p2pctl(&node.ctl_config(), &["nodes", "show", "nope"], &[]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let out = p2pctl(&node.ctl_config(), &["logout"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = p2pctl(&node.ctl_config(), &["nodes", "ls"], &[]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    // A wrong password says what to check (not "run p2pctl login", which this is).
    let out = p2pctl(
        &node.ctl_config(),
        &["login", "--user", "admin"],
        &[("P2PCTL_PASSWORD", "not-the-password")],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("check the user name"),
        "{}",
        stderr(&out)
    );
    // A context pinning another CA says so, with both fingerprints and what to do.
    let other = format!("SHA256:{}", "ab".repeat(32));
    let server = format!("https://127.0.0.1:{}", node.port);
    let out = p2pctl(
        &node.ctl_config(),
        &["login", "--server", &server, "--ca-fingerprint", &other],
        &[("P2PCTL_PASSWORD", "admin-password-1")],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("not the one this context pins"), "{err}");
    assert!(err.contains(&fp) && err.contains(&other), "{err}");

    // SIGTERM stops it cleanly.
    let status = p2pd
        .terminate(Duration::from_secs(10))
        .expect("p2pd exits on SIGTERM");
    assert!(status.success(), "exit status {status}: {}", node.log());
    let log = node.log();
    assert!(
        log.contains("p2pd ready") && log.contains("p2pd stopped"),
        "{log}"
    );
    assert!(
        !log.contains("admin-password-1") && !log.contains("vault-password"),
        "secret in log"
    );
}

#[test]
fn wrong_password_is_one_clear_line_and_changes_nothing() {
    let node = Node::new("coord-2");
    node.init();
    let vault = node.path("state/vault.p2p");
    let before = std::fs::read(&vault).unwrap();
    let out = node
        .p2pd()
        .env("P2PD_PASSWORD", "not-the-password")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].contains("wrong password for vault"), "{err}");
    assert_eq!(std::fs::read(&vault).unwrap(), before);

    // A tampered vault: clear error, file untouched.
    let mut bad = before.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    std::fs::write(&vault, &bad).unwrap();
    let out = node
        .p2pd()
        .env("P2PD_PASSWORD", "vault-password")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("tampered"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&vault).unwrap(), bad);
}

#[test]
fn config_errors_name_file_line_and_hint() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.yaml");
    std::fs::write(&path, "node_id: a\nport: 8801\nbind_adress: 127.0.0.1\n").unwrap();
    let out = Command::new(bin("p2pd"))
        .arg("--config")
        .arg(&path)
        .env("P2PD_PASSWORD", "x")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains(&format!("{}:3:", path.display())), "{err}");
    assert!(err.contains("did you mean `bind_address`?"), "{err}");
    // A flag supplies what the file lacks: a worker file without coordinator_addresses,
    // started with --coordinator, gets past the configuration (to wanting a join token).
    std::fs::write(
        &path,
        format!(
            "node_id: w\ncoordinator_mode: false\nstate_directory: {}\n",
            dir.path().join("w").display()
        ),
    )
    .unwrap();
    let out = Command::new(bin("p2pd"))
        .arg("--config")
        .arg(&path)
        .args(["--coordinator", "127.0.0.1:1"])
        .env("P2PD_PASSWORD", "x")
        .env_remove("P2PD_JOIN_TOKEN")
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(!err.contains("needs coordinator_addresses"), "{err}");
    assert!(err.contains("join token"), "{err}");
}

#[test]
fn vault_ls_shows_names_and_sizes_never_contents() {
    let node = Node::new("coord-3");
    node.init();
    let out = node
        .p2pd()
        .env("P2PD_PASSWORD", "vault-password")
        .args(["vault", "ls"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for entry in ["ca.crt", "ca.key", "cluster_id", "jwt.key", "users"] {
        assert!(text.contains(entry), "{entry} missing: {text}");
    }
    assert!(!text.contains("BEGIN"), "contents leaked: {text}");
}

#[test]
fn dev_cluster_is_usable_by_p2pctl_with_no_setup() {
    let dir = tempfile::tempdir().unwrap();
    let ctl = dir.path().join("p2pctl.toml");
    let port = free_port();
    let mut dev = Proc::spawn(
        Command::new(bin("p2pd"))
            .args(["dev", "--dev-port", &port.to_string()])
            .env("P2PCTL_CONFIG", &ctl)
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    );
    let listed = wait_for(START, || {
        if !Path::new(&ctl).exists() {
            return None;
        }
        let out = p2pctl(&ctl, &["nodes", "ls", "-o", "json"], &[]);
        // The last worker may still be joining the coordinator's view.
        let nodes: Vec<NodeInfo> = out.status.success().then(|| parse(&stdout(&out)))?;
        (nodes.len() == 5).then_some(nodes)
    })
    .expect("dev cluster answered p2pctl with all five nodes");
    let nodes = listed;
    let names: Vec<&str> = nodes.iter().map(|n| n.node_id.as_str()).collect();
    assert_eq!(
        names,
        ["c1", "c2", "c3", "w1", "w2"],
        "the names the README's examples use"
    );
    // Three coordinators in one Raft group, one leading.
    let out = p2pctl(&ctl, &["cluster", "coordinators", "-o", "json"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let group: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let members = group["coordinators"].as_array().unwrap();
    assert_eq!(members.len(), 3, "{group}");
    assert!(members.iter().all(|c| c["voter"] == true), "{group}");
    assert_eq!(
        members.iter().filter(|c| c["leader"] == true).count(),
        1,
        "{group}"
    );
    // Every agent's own records are collected, under its own name, on every coordinator.
    let own = wait_for(START, || {
        let out = p2pctl(
            &ctl,
            &["logs", "--node", "c2", "--service", "p2pd", "-o", "json"],
            &[],
        );
        let recs: Vec<p2p_shared::logs::LogRecord> =
            out.status.success().then(|| parse(&stdout(&out)))?;
        (!recs.is_empty() && recs.iter().all(|r| r.node_id == "c2")).then_some(())
    });
    assert!(
        own.is_some(),
        "c2's own records never reached the coordinator asked"
    );
    let out = p2pctl(&ctl, &["context", "ls", "-o", "json"], &[]);
    let ctxs: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(ctxs[0]["name"], "dev");
    assert_eq!(ctxs[0]["current"], true);
    let status = dev.terminate(Duration::from_secs(10)).expect("dev exits");
    assert!(status.success());
}

#[test]
fn a_kept_dev_cluster_starts_again_and_dev_refuses_flags_it_does_not_use() {
    let dir = tempfile::tempdir().unwrap();
    let ctl = dir.path().join("p2pctl.toml");
    let state = dir.path().join("state");
    let port = free_port().to_string();
    let dev = |extra: &[&str]| {
        let mut cmd = Command::new(bin("p2pd"));
        cmd.args(["dev", "--dev-port", &port, "--dev-state-dir"])
            .arg(&state)
            .args(extra)
            .env("P2PCTL_CONFIG", &ctl)
            .env_remove("P2PD_CONFIG")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        cmd
    };
    for bad in [&["--node-id", "x"][..], &["--log-level", "loud"]] {
        let out = dev(bad).output().unwrap();
        assert!(!out.status.success(), "{bad:?} was accepted");
        assert!(stderr(&out).contains(bad[0]), "{bad:?}: {}", stderr(&out));
    }
    for round in 0..2 {
        let mut proc = Proc::spawn(&mut dev(&[]));
        let up = wait_for(START, || {
            let out = p2pctl(&ctl, &["nodes", "ls", "-o", "json"], &[]);
            let nodes: Vec<NodeInfo> = out.status.success().then(|| parse(&stdout(&out)))?;
            (nodes.len() == 5).then_some(())
        });
        assert!(
            up.is_some(),
            "round {round}: the kept cluster did not answer"
        );
        // SIGHUP (the terminal closed) stops it as cleanly as Ctrl-C.
        p2p_tests::signal(&proc, libc::SIGHUP);
        let status = wait_for(Duration::from_secs(20), || {
            proc.child.try_wait().ok().flatten()
        });
        assert!(
            status.is_some_and(|s| s.success()),
            "round {round}: {status:?}"
        );
    }
}

#[test]
fn password_on_argv_is_warned_about() {
    let node = Node::new("coord-4");
    node.init();
    let out = node
        .p2pd()
        .args(["--password", "vault-password", "vault", "ls"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--password is visible to other users"),
        "{}",
        stderr(&out)
    );
}
