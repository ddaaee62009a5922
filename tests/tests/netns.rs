//! Two hosts in network namespaces joined by a veth pair (192.0.2.0/24): the worker's address
//! changes and the worker renews its certificate on its own, with the new address
//! validated by the coordinator's call-back. Needs root; skips with a reason elsewhere, and
//! fails under CI=true.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use p2p_tests::{Proc, bin, stderr, stdout, wait_for};

fn ip(args: &[&str]) {
    let out = Command::new("ip").args(args).output().unwrap();
    assert!(out.status.success(), "ip {args:?}: {}", stderr(&out));
}

/// Two namespaces and a veth pair; removed on drop.
struct Hosts {
    coord: String,
    worker: String,
    wdev: String,
}

impl Hosts {
    fn new() -> Self {
        let id = std::process::id();
        let h = Self {
            coord: format!("p2pc{id}"),
            worker: format!("p2pw{id}"),
            wdev: format!("vw{id}"),
        };
        let cdev = format!("vc{id}");
        ip(&["netns", "add", &h.coord]);
        ip(&["netns", "add", &h.worker]);
        ip(&[
            "link", "add", &cdev, "type", "veth", "peer", "name", &h.wdev,
        ]);
        ip(&["link", "set", &cdev, "netns", &h.coord]);
        ip(&["link", "set", &h.wdev, "netns", &h.worker]);
        ip(&["-n", &h.coord, "addr", "add", "192.0.2.1/24", "dev", &cdev]);
        ip(&[
            "-n",
            &h.worker,
            "addr",
            "add",
            "192.0.2.2/24",
            "dev",
            &h.wdev,
        ]);
        for (ns, dev) in [(&h.coord, &cdev), (&h.worker, &h.wdev)] {
            ip(&["-n", ns, "link", "set", dev, "up"]);
            ip(&["-n", ns, "link", "set", "lo", "up"]);
        }
        h
    }

    fn exec(&self, ns: &str, program: PathBuf) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", ns]).arg(program);
        c
    }
}

impl Drop for Hosts {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.coord])
            .status();
        let _ = Command::new("ip")
            .args(["netns", "del", &self.worker])
            .status();
    }
}

#[test]
fn address_change_triggers_renewal() {
    if !p2p_tests::netns::require("address_change_triggers_renewal") {
        return;
    }
    let hosts = Hosts::new();
    let dir = tempfile::tempdir().unwrap();
    let path = |n: &str| dir.path().join(n);
    std::fs::write(
        path("coord.yaml"),
        format!(
            "node_id: coord\nbind_address: 192.0.2.1\nstate_directory: {}\nshutdown_timeout: 2s\n",
            path("coord").display()
        ),
    )
    .unwrap();
    std::fs::write(
        path("w1.yaml"),
        format!(
            "node_id: w1\ncoordinator_mode: false\ncoordinator_addresses: [\"192.0.2.1:8801\"]\n\
             bind_address: 0.0.0.0\ncert_check_interval: 500ms\nstate_directory: {}\nshutdown_timeout: 2s\n",
            path("w1").display()
        ),
    )
    .unwrap();
    let spawn = |ns: &str, name: &str, token: Option<&str>| {
        let log = std::fs::File::create(path(&format!("{name}.log"))).unwrap();
        let mut cmd = hosts.exec(ns, bin("p2pd"));
        cmd.arg("--config")
            .arg(path(&format!("{name}.yaml")))
            .env("P2PD_PASSWORD", "vault-password")
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(log);
        if let Some(t) = token {
            cmd.env("P2PD_JOIN_TOKEN", t);
        }
        Proc::spawn(&mut cmd)
    };
    let log =
        |name: &str| std::fs::read_to_string(path(&format!("{name}.log"))).unwrap_or_default();
    let _coord = spawn(&hosts.coord, "coord", None);
    assert!(
        wait_for(Duration::from_secs(30), || log("coord")
            .contains("p2pd ready")
            .then_some(()))
        .is_some(),
        "{}",
        log("coord")
    );
    let fp = log("coord")
        .split("ca_fingerprint=")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap()
        .to_string();
    let pw = std::fs::read_to_string(path("coord/initial-admin-password")).unwrap();
    let ctl = |args: &[&str]| -> Output {
        hosts
            .exec(&hosts.coord, bin("p2pctl"))
            .args(args)
            .env("P2PCTL_CONFIG", path("p2pctl.toml"))
            .env("P2PCTL_PASSWORD", pw.trim())
            .output()
            .unwrap()
    };
    let out = ctl(&[
        "login",
        "--server",
        "https://192.0.2.1:8801",
        "--ca-fingerprint",
        &fp,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = ctl(&["token", "create", "--node-id", "w1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let token = stdout(&out).trim().to_string();

    let _worker = spawn(&hosts.worker, "w1", Some(&token));
    let ips_of_w1 = || -> Option<Vec<String>> {
        let out = ctl(&["cert", "show", "w1", "-o", "json"]);
        let v: p2p_shared::api::CertSummary = serde_json::from_str(&stdout(&out)).ok()?;
        Some(v.ip_addresses)
    };
    let first = wait_for(Duration::from_secs(30), || {
        ips_of_w1().filter(|v| !v.is_empty())
    });
    assert_eq!(first, Some(vec!["192.0.2.2".to_string()]), "{}", log("w1"));

    // The worker moves to another address. promote_secondaries keeps the new address when
    // the old primary of the subnet goes (by default the kernel drops both).
    let sysctl = format!("net.ipv4.conf.{}.promote_secondaries=1", hosts.wdev);
    let out = Command::new("ip")
        .args(["netns", "exec", &hosts.worker, "sysctl", "-w", &sysctl])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let dev = hosts.wdev.as_str();
    ip(&[
        "-n",
        &hosts.worker,
        "addr",
        "add",
        "192.0.2.3/24",
        "dev",
        dev,
    ]);
    ip(&[
        "-n",
        &hosts.worker,
        "addr",
        "del",
        "192.0.2.2/24",
        "dev",
        dev,
    ]);
    let renewed = wait_for(Duration::from_secs(30), || {
        ips_of_w1().filter(|v| v == &vec!["192.0.2.3".to_string()])
    });
    assert!(
        renewed.is_some(),
        "no renewal after the address change:\n{}",
        log("w1")
    );
    let wlog = log("w1");
    assert!(
        wlog.contains("reason=address 192.0.2.3 is not in the certificate"),
        "{wlog}"
    );
    // The coordinator logs the signature as it answers: allow its line a moment to land.
    let noted = wait_for(Duration::from_secs(5), || {
        log("coord").contains("renewal").then_some(())
    });
    assert!(noted.is_some(), "{}", log("coord"));
}
