//! A cluster of real `p2pd` processes on a 127.a.b.0/24 block of its own, with a `p2pctl`
//! config of its own, for multi-process tests.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test support: a panic is the failure report

use std::io::{BufRead, BufReader};
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::{Proc, bin, p2pctl, stderr, stdout, wait_for};

pub const START: Duration = Duration::from_secs(30);

/// A block of 127.0.0.0/8 of our own, so parallel tests never share an address: distinct
/// for every call within a test process (tests of one binary run in parallel threads), and
/// spread by process id across binaries.
pub fn block() -> (u8, u8) {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let base = std::process::id().wrapping_mul(2654435761) % 62_500;
    let index = (base + n.wrapping_mul(7919)) % 62_500;
    ((index / 250 + 2) as u8, (index % 250 + 2) as u8)
}

pub struct Cluster {
    /// Extra YAML appended to every node's config.
    pub extra_config: String,
    /// Extra environment for every `p2pd` started.
    pub extra_env: Vec<(String, String)>,
    pub dir: tempfile::TempDir,
    pub net: (u8, u8),
    pub port: u16,
    pub challenge_port: u16,
}

impl Default for Cluster {
    fn default() -> Self {
        Self::new()
    }
}

impl Cluster {
    pub fn new() -> Self {
        let net = block();
        Self {
            extra_config: String::new(),
            extra_env: Vec::new(),
            dir: tempfile::tempdir().unwrap(),
            net,
            port: 20000 + (std::process::id() % 20000) as u16,
            challenge_port: 40000 + (std::process::id() % 20000) as u16,
        }
    }

    pub fn ip(&self, host: u8) -> IpAddr {
        IpAddr::from([127, self.net.0, self.net.1, host])
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The services directory of node `name` (created on first use).
    pub fn services_dir(&self, name: &str) -> PathBuf {
        let dir = self.path(&format!("services-{name}"));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    pub fn write_config(&self, name: &str, host: u8, worker: bool) -> PathBuf {
        let mut text = format!(
            "node_id: {name}\nport: {}\nbind_address: {}\nchallenge_port: {}\n\
             state_directory: {}\nshutdown_timeout: 5s\ncert_check_interval: 1s\n\
             services_directory: {}\nservices_reload_interval: 200ms\n\
             services_default_user: root\n",
            self.port,
            self.ip(host),
            self.challenge_port,
            self.path(name).display(),
            self.services_dir(name).display()
        );
        if worker {
            text.push_str(&format!(
                "coordinator_mode: false\ncoordinator_addresses:\n  - {}:{}\n",
                self.ip(1),
                self.port
            ));
        }
        text.push_str(&self.extra_config);
        let path = self.path(&format!("{name}.yaml"));
        std::fs::write(&path, text).unwrap();
        path
    }

    pub fn spawn(&self, name: &str, host: u8, worker: bool, token: Option<&str>) -> Proc {
        let config = self.write_config(name, host, worker);
        let log = std::fs::File::create(self.path(&format!("{name}.log"))).unwrap();
        self.run(&config, log, token)
    }

    /// Runs `p2pd` with `config`, its stderr into `log`, and the join token if any.
    fn run(&self, config: &std::path::Path, log: std::fs::File, token: Option<&str>) -> Proc {
        let mut cmd = Command::new(bin("p2pd"));
        cmd.arg("--config")
            .arg(config)
            .env("P2PD_PASSWORD", "vault-password")
            .env("RUST_LOG", "info")
            .env_remove("P2PD_JOIN_TOKEN")
            .stdout(Stdio::null())
            .stderr(log);
        if let Some(t) = token {
            cmd.env("P2PD_JOIN_TOKEN", t);
        }
        cmd.envs(self.extra_env.iter().map(|(k, v)| (k, v)));
        Proc::spawn(&mut cmd)
    }

    /// Starts a coordinator that joins the cluster through the one on host 1, with a
    /// token from `p2pctl token create --coordinator`. Its state survives a restart: call
    /// again without a token to bring it back.
    pub fn spawn_coordinator(&self, name: &str, host: u8, token: Option<&str>) -> Proc {
        let extra = format!("coordinator_addresses:\n  - {}:{}\n", self.ip(1), self.port);
        let config = self.write_config(name, host, false);
        let mut text = std::fs::read_to_string(&config).unwrap();
        text.push_str(&extra);
        std::fs::write(&config, text).unwrap();
        // Appended: a restarted coordinator's log follows its first life.
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.path(&format!("{name}.log")))
            .unwrap();
        self.run(&config, log, token)
    }

    /// The cluster CA's certificate as the node on `host` presents it (the last of its
    /// chain, read with `openssl s_client`), saved as `ca.pem`; its path.
    pub fn save_ca(&self, host: u8) -> PathBuf {
        let ca = self.path("ca.pem");
        let out = Command::new("openssl")
            .args(["s_client", "-showcerts", "-connect"])
            .arg(format!("{}:{}", self.ip(host), self.port))
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("openssl s_client: {e}"));
        let chain = String::from_utf8_lossy(&out.stdout).into_owned();
        let last = chain
            .rfind("-----BEGIN CERTIFICATE-----")
            .unwrap_or_else(|| panic!("no chain printed: {chain}"));
        let end = chain[last..]
            .find("-----END CERTIFICATE-----")
            .map(|e| e + last + 25)
            .unwrap_or_else(|| panic!("a chain cut short: {chain}"));
        std::fs::write(&ca, &chain[last..end]).unwrap_or_else(|e| panic!("{e}"));
        ca
    }

    pub fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(&format!("{name}.log"))).unwrap_or_default()
    }

    pub fn wait_log(&self, name: &str, needle: &str) -> bool {
        wait_for(START, || self.log(name).contains(needle).then_some(())).is_some()
    }

    pub fn ctl(&self, args: &[&str]) -> Output {
        p2pctl(&self.path("p2pctl.toml"), args, &[])
    }

    pub fn ctl_ok(&self, args: &[&str]) -> String {
        let out = self.ctl(args);
        assert!(out.status.success(), "p2pctl {args:?}: {}", stderr(&out));
        stdout(&out)
    }

    pub fn url(&self, host: u8, path: &str) -> String {
        format!("https://{}:{}{path}", self.ip(host), self.port)
    }
}

pub fn fingerprint_from_log(log: &str) -> String {
    log.split("ca_fingerprint=")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("no fingerprint in log: {log}"))
        .to_string()
}

pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("bad JSON ({e}): {text}"))
}

impl Cluster {
    /// Signs `p2pctl` in as admin against the coordinator on host 1.
    pub fn login_admin(&self) {
        self.login_admin_at(1);
    }

    /// Signs in as admin through the coordinator on `host`, which becomes the context's
    /// first server (the others are learnt for failing over).
    pub fn login_admin_at(&self, host: u8) {
        let fp = fingerprint_from_log(&self.log("coord"));
        let pw = std::fs::read_to_string(self.path("coord/initial-admin-password"))
            .unwrap_or_else(|e| panic!("no initial password: {e}"));
        let server = format!("https://{}:{}", self.ip(host), self.port);
        let out = p2pctl(
            &self.path("p2pctl.toml"),
            &[
                "login",
                "--server",
                &server,
                "--ca-fingerprint",
                &fp,
                "--user",
                "admin",
            ],
            &[("P2PCTL_PASSWORD", pw.trim())],
        );
        assert!(out.status.success(), "login: {}", stderr(&out));
    }

    /// Runs `p2pctl -o json` against the node on `host`, signed in with an operator
    /// certificate (workers do not verify JWTs), and reads the answer as a `T`.
    pub fn ctl_json_at<T: serde::de::DeserializeOwned>(
        &self,
        host: u8,
        context: &str,
        args: &[&str],
    ) -> Option<T> {
        let endpoint = format!("https://{}:{}", self.ip(host), self.port);
        let mut all = vec![
            "--context",
            context,
            "--endpoint",
            &endpoint,
            "--timeout",
            "3",
            "-o",
            "json",
        ];
        all.extend_from_slice(args);
        let out = self.ctl(&all);
        if !out.status.success() {
            return None;
        }
        serde_json::from_str(&stdout(&out)).ok()
    }
}

impl Cluster {
    /// Starts a coordinator (host 1) and workers `w2..=wN` on hosts 2..=n, signs p2pctl in
    /// as admin, and issues an operator certificate context `ops` (role viewer) that every
    /// node accepts.
    pub fn start_nodes(&self, n: u8) -> Vec<Proc> {
        let mut procs = vec![self.spawn("coord", 1, false, None)];
        assert!(
            self.wait_log("coord", "p2pd ready"),
            "{}",
            self.log("coord")
        );
        self.login_admin();
        if n > 1 {
            let uses = (n - 1).to_string();
            let token = self.ctl_ok(&["token", "create", "--ttl", "10m", "--uses", &uses]);
            for h in 2..=n {
                procs.push(self.spawn(&format!("w{h}"), h, true, Some(token.trim())));
            }
            for h in 2..=n {
                let name = format!("w{h}");
                assert!(self.wait_log(&name, "p2pd ready"), "{}", self.log(&name));
            }
        }
        self.issue_viewer_context();
        procs
    }

    /// `p2pctl -o json logs -f ARGS` as a child (its stderr into `follow.log`), its stdout
    /// lines delivered on a channel.
    pub fn follow(&self, args: &[&str]) -> (Proc, mpsc::Receiver<String>) {
        let mut all = vec!["-o", "json", "logs", "-f"];
        all.extend_from_slice(args);
        self.streaming_ctl(&all, "follow.log")
    }

    /// `p2pctl ARGS` as a child that keeps printing (its stderr into `stderr_file`), its
    /// stdout lines delivered on a channel.
    pub fn streaming_ctl(
        &self,
        args: &[&str],
        stderr_file: &str,
    ) -> (Proc, mpsc::Receiver<String>) {
        let mut cmd = Command::new(bin("p2pctl"));
        for (k, _) in std::env::vars() {
            if k.starts_with("P2PCTL_") {
                cmd.env_remove(k);
            }
        }
        let log = std::fs::File::create(self.path(stderr_file)).unwrap();
        cmd.env("P2PCTL_CONFIG", self.path("p2pctl.toml"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(log);
        let mut proc = Proc::spawn(&mut cmd);
        let out = proc.child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        (proc, rx)
    }

    /// Issues an operator certificate for user `ops` (role viewer) and saves it as the
    /// context `ops`; every node accepts it.
    pub fn issue_viewer_context(&self) {
        self.ctl_ok(&[
            "cert",
            "issue",
            "--user",
            "ops",
            "--role",
            "viewer",
            "--context-name",
            "ops",
        ]);
    }
}
