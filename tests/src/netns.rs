//! Hosts in network namespaces on virtual switches (a bridge in a namespace of its own), for
//! tests of what crosses a network: addresses from 192.0.2.0/24, 198.51.100.0/24 and
//! 203.0.113.0/24 only. Everything is removed on drop.

use std::path::Path;
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

/// True to go on; false (after printing why) to skip. Under CI=true a missing capability
/// fails the test instead.
pub fn require(test: &str) -> bool {
    match available() {
        Ok(()) => true,
        Err(why) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{test} needs network namespaces under CI=true: {why}")
        }
        Err(why) => {
            eprintln!("skipping {test}: {why}");
            false
        }
    }
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
