//! Hosts in network namespaces on virtual switches (a bridge in a namespace of its own), for
//! tests of what crosses a network: addresses from 192.0.2.0/24, 198.51.100.0/24 and
//! 203.0.113.0/24 only. Everything is removed on drop.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

/// Distinguishes topologies (and probes) of tests running in one process.
static NEXT: AtomicU32 = AtomicU32::new(0);

fn unique() -> String {
    format!(
        "{}{}",
        std::process::id() % 100_000,
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

use crate::{stderr, stdout};

/// Ok if this machine can make namespaces (root, iproute2, nft); Err says why not.
pub fn available() -> Result<(), String> {
    let uid = Command::new("id")
        .arg("-u")
        .output()
        .map_err(|e| e.to_string())?;
    if stdout(&uid).trim() != "0" {
        return Err("not root".into());
    }
    let probe = format!("p2pprobe{}", unique());
    let ok = Command::new("ip")
        .args(["netns", "add", &probe])
        .status()
        .map_err(|e| format!("no `ip`: {e}"))?;
    let _ = Command::new("ip").args(["netns", "del", &probe]).status();
    if !ok.success() {
        return Err("`ip netns add` failed".into());
    }
    Command::new("nft")
        .arg("--version")
        .output()
        .map_err(|e| format!("no `nft` (apt install nftables): {e}"))?;
    Ok(())
}

/// True to go on; false (after printing why) to skip (a failure under CI=true).
pub fn require(test: &str) -> bool {
    crate::require_capability(test, "network namespaces", available())
}

pub fn run(program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    assert!(out.status.success(), "{program} {args:?}: {}", stderr(&out));
}

pub struct Topology {
    tag: String,
    namespaces: Vec<String>,
    links: usize,
}

impl Topology {
    pub fn new() -> Self {
        Topology {
            tag: unique(),
            namespaces: Vec::new(),
            links: 0,
        }
    }

    /// The namespace name of `name`.
    pub fn ns(&self, name: &str) -> String {
        format!("p2p{}{}", name, self.tag)
    }

    fn add_ns(&mut self, name: &str) -> String {
        let ns = self.ns(name);
        run("ip", &["netns", "add", &ns]);
        run("ip", &["-n", &ns, "link", "set", "lo", "up"]);
        self.namespaces.push(ns.clone());
        ns
    }

    /// A switch: a bridge in a namespace of its own.
    pub fn switch(&mut self, name: &str) {
        let ns = self.add_ns(name);
        run("ip", &["-n", &ns, "link", "add", "br0", "type", "bridge"]);
        run("ip", &["-n", &ns, "link", "set", "br0", "up"]);
    }

    pub fn host(&mut self, name: &str) {
        self.add_ns(name);
    }

    /// Plugs `host` into `switch` with address `cidr` (e.g. 192.0.2.1/24).
    pub fn plug(&mut self, host: &str, switch: &str, cidr: &str) {
        self.links += 1;
        let (h, s) = (
            format!("h{}x{}", self.tag, self.links),
            format!("s{}x{}", self.tag, self.links),
        );
        let (hns, sns) = (self.ns(host), self.ns(switch));
        run(
            "ip",
            &["link", "add", &h, "type", "veth", "peer", "name", &s],
        );
        run("ip", &["link", "set", &h, "netns", &hns]);
        run("ip", &["link", "set", &s, "netns", &sns]);
        run("ip", &["-n", &sns, "link", "set", &s, "master", "br0"]);
        run("ip", &["-n", &sns, "link", "set", &s, "up"]);
        run("ip", &["-n", &hns, "addr", "add", cidr, "dev", &h]);
        run("ip", &["-n", &hns, "link", "set", &h, "up"]);
    }

    /// A command run inside `host`'s namespace.
    pub fn exec(&self, host: &str, program: &Path) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.ns(host)]).arg(program);
        c
    }

    /// Drops every packet between `host` and the given addresses (both directions).
    pub fn cut(&self, host: &str, peers: &[&str]) {
        let ns = self.ns(host);
        let set = format!("{{ {} }}", peers.join(", "));
        let script = format!(
            "table inet p2pcut {{\n chain in {{ type filter hook input priority 0; ip saddr {set} drop; }}\n \
             chain out {{ type filter hook output priority 0; ip daddr {set} drop; }}\n}}\n"
        );
        let file = std::env::temp_dir().join(format!("p2pcut-{ns}.nft"));
        std::fs::write(&file, script).unwrap_or_else(|e| panic!("write nft script: {e}"));
        run(
            "ip",
            &["netns", "exec", &ns, "nft", "-f", &file.to_string_lossy()],
        );
        let _ = std::fs::remove_file(file);
    }

    pub fn heal(&self, host: &str) {
        run(
            "ip",
            &[
                "netns",
                "exec",
                &self.ns(host),
                "nft",
                "delete",
                "table",
                "inet",
                "p2pcut",
            ],
        );
    }
}

impl Default for Topology {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Topology {
    fn drop(&mut self) {
        for ns in self.namespaces.iter().rev() {
            let _ = Command::new("ip").args(["netns", "del", ns]).status();
        }
    }
}

/// The API and gossip port of every `p2pd` in a namespace cluster.
pub const PORT: u16 = 8801;

/// `p2pd` processes in the hosts of a [`Topology`], their files in one temporary
/// directory, and `p2pctl` run from inside a host.
pub struct NetCluster {
    pub topo: Topology,
    pub dir: tempfile::TempDir,
    pub procs: Vec<(String, crate::Proc)>,
}

impl NetCluster {
    pub fn new() -> Self {
        NetCluster {
            topo: Topology::new(),
            dir: tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}")),
            procs: Vec::new(),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(&format!("{name}.log"))).unwrap_or_default()
    }

    /// Starts p2pd `name` in its namespace and waits until it is ready; `bind` None binds
    /// every interface; with `coordinator` it is a worker joining through that address.
    pub fn start(
        &mut self,
        name: &str,
        bind: Option<&str>,
        coordinator: Option<&str>,
        token: Option<&str>,
    ) {
        let extra = coordinator
            .map(|c| format!("coordinator_mode: false\ncoordinator_addresses: [\"{c}:{PORT}\"]\n"))
            .unwrap_or_default();
        self.spawn(name, bind, &extra, token);
        self.wait_ready(name);
    }

    /// Starts p2pd `name` with `extra` configuration lines, without waiting.
    pub fn spawn(&mut self, name: &str, bind: Option<&str>, extra: &str, token: Option<&str>) {
        let text = format!(
            "node_id: {name}\nport: {PORT}\nbind_address: {}\nstate_directory: {}\nshutdown_timeout: 2s\n{extra}",
            bind.unwrap_or("0.0.0.0"),
            self.path(name).display()
        );
        let config = self.path(&format!("{name}.yaml"));
        std::fs::write(&config, text).unwrap_or_else(|e| panic!("write config: {e}"));
        let log = std::fs::File::create(self.path(&format!("{name}.log")))
            .unwrap_or_else(|e| panic!("create log: {e}"));
        let mut cmd = self.topo.exec(name, &crate::bin("p2pd"));
        cmd.arg("--config")
            .arg(&config)
            .env("P2PD_PASSWORD", "vault-password")
            .env("RUST_LOG", "info")
            .env_remove("P2PD_JOIN_TOKEN")
            .stdout(std::process::Stdio::null())
            .stderr(log);
        if let Some(t) = token {
            cmd.env("P2PD_JOIN_TOKEN", t);
        }
        self.procs
            .push((name.to_string(), crate::Proc::spawn(&mut cmd)));
    }

    pub fn wait_ready(&self, name: &str) {
        let ok = crate::wait_for(std::time::Duration::from_secs(60), || {
            self.log(name).contains("p2pd ready").then_some(())
        });
        assert!(ok.is_some(), "{name} did not start:\n{}", self.log(name));
    }

    /// `p2pctl ARGS` run in `host`'s namespace (contexts in `p2pctl.toml` unless ARGS say
    /// `--config`).
    pub fn ctl(&self, host: &str, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
        let mut cmd = self.topo.exec(host, &crate::bin("p2pctl"));
        cmd.args(args)
            .env("P2PCTL_CONFIG", self.path("p2pctl.toml"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output()
            .unwrap_or_else(|e| panic!("cannot run p2pctl: {e}"))
    }

    pub fn ctl_ok(&self, host: &str, args: &[&str]) -> String {
        let out = self.ctl(host, args, &[]);
        assert!(out.status.success(), "p2pctl {args:?}: {}", stderr(&out));
        stdout(&out)
    }

    /// Signs in as admin from `host` to the coordinator at `ip`, with the contexts file
    /// `config` (so clients in several namespaces keep separate ones).
    pub fn login_from(&self, host: &str, ip: &str, config: &Path) {
        let fp = crate::cluster::fingerprint_from_log(&self.log("c"));
        let pw = std::fs::read_to_string(self.path("c/initial-admin-password"))
            .unwrap_or_else(|e| panic!("no initial password: {e}"));
        let server = format!("https://{ip}:{PORT}");
        let config = config.to_string_lossy();
        let out = self.ctl(
            host,
            &[
                "--config",
                &config,
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
        assert!(out.status.success(), "{}", stderr(&out));
    }

    /// Signs in as admin from the namespace of `c` (the first coordinator) and makes an
    /// operator-certificate context `ops`, which every node accepts.
    pub fn login(&self, coord_ip: &str) {
        self.login_from("c", coord_ip, &self.path("p2pctl.toml"));
        self.ctl_ok(
            "c",
            &[
                "cert",
                "issue",
                "--user",
                "ops",
                "--role",
                "viewer",
                "--context-name",
                "ops",
            ],
        );
    }

    /// A worker join token for `uses` nodes, made from `c`'s namespace.
    pub fn token(&self, uses: u32) -> String {
        self.ctl_ok(
            "c",
            &[
                "token",
                "create",
                "--ttl",
                "10m",
                "--uses",
                &uses.to_string(),
            ],
        )
        .trim()
        .to_string()
    }
}

impl Default for NetCluster {
    fn default() -> Self {
        Self::new()
    }
}
