//! Revocation by gossip across real network namespaces (root): a worker whose link to the
//! coordinator is cut with nftables still refuses a revoked certificate within 5 s (it
//! hears the CA-signed record from another worker), and still after a restart with the link
//! still cut (it stored it). Skips with a reason without root; fails under CI=true.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::time::{Duration, Instant};

use p2p_shared::api::{CertKind, CertSummary, NodeInfo};
use p2p_tests::netns::{NetCluster, PORT, require};
use p2p_tests::{parse, stderr, stdout, wait_for};

/// `host`'s own view through its API with the `ops` operator certificate; `None` when the
/// node refuses the certificate (or does not answer).
fn nodes_seen_by(net: &NetCluster, host: &str, ip: &str) -> Option<Vec<NodeInfo>> {
    let endpoint = format!("https://{ip}:{PORT}");
    let args = [
        "--context",
        "ops",
        "--endpoint",
        &endpoint,
        "--timeout",
        "2",
        "-o",
        "json",
        "nodes",
        "ls",
    ];
    let out = net.ctl(host, &args, &[]);
    out.status.success().then(|| parse(&stdout(&out)))
}

fn accepts_ops(net: &NetCluster, host: &str, ip: &str) -> bool {
    nodes_seen_by(net, host, ip).is_some()
}

fn alive_everywhere(net: &NetCluster, host: &str, ip: &str, names: &[&str]) -> bool {
    nodes_seen_by(net, host, ip).is_some_and(|nodes| {
        names.iter().all(|n| {
            nodes
                .iter()
                .any(|x| x.node_id == *n && x.state.to_string() == "alive")
        })
    })
}

#[test]
fn a_worker_cut_off_from_the_coordinator_learns_a_revocation_by_gossip() {
    if !require("a_worker_cut_off_from_the_coordinator_learns_a_revocation_by_gossip") {
        return;
    }
    let mut net = NetCluster::new();
    net.topo.switch("sw");
    let hosts = [
        ("c", "198.51.100.1"),
        ("w2", "198.51.100.2"),
        ("w3", "198.51.100.3"),
    ];
    for (h, ip) in hosts {
        net.topo.host(h);
        net.topo.plug(h, "sw", &format!("{ip}/24"));
    }
    net.start("c", Some("198.51.100.1"), None, None);
    net.login("198.51.100.1");
    let token = net.token(2);
    for (h, ip) in &hosts[1..] {
        net.start(h, Some(ip), Some("198.51.100.1"), Some(&token));
    }
    let names = ["c", "w2", "w3"];
    assert!(
        wait_for(Duration::from_secs(30), || {
            alive_everywhere(&net, "w3", "198.51.100.3", &names).then_some(())
        })
        .is_some(),
        "no convergence:\n{}",
        net.log("w3")
    );
    assert!(accepts_ops(&net, "w3", "198.51.100.3"));

    // w3 can no longer reach the coordinator, neither its API (the long-poll) nor its
    // gossip; w2 reaches both.
    net.topo.cut("w3", &["198.51.100.1"]);
    let certs: Vec<CertSummary> = parse(&net.ctl_ok("c", &["cert", "ls", "--all", "-o", "json"]));
    let ops = certs
        .iter()
        .find(|c| c.kind == CertKind::Operator && c.subject == "ops")
        .unwrap()
        .serial
        .clone();
    let out = net.ctl("c", &["cert", "revoke", &ops], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let revoked = Instant::now();
    let refused = wait_for(Duration::from_secs(5), || {
        (!accepts_ops(&net, "w3", "198.51.100.3")).then_some(revoked.elapsed())
    });
    let refused =
        refused.unwrap_or_else(|| panic!("w3 still accepts the certificate:\n{}", net.log("w3")));
    eprintln!("w3 refused the revoked certificate {refused:?} after the revocation");
    assert!(
        net.log("w3").contains("revocations learned by gossip"),
        "{}",
        net.log("w3")
    );

    // Restarted with the link still cut: the stored record is in force at once.
    let at = net.procs.iter().position(|(n, _)| n == "w3").unwrap();
    let (_, mut w3) = net.procs.remove(at);
    w3.terminate(Duration::from_secs(10));
    net.spawn(
        "w3",
        Some("198.51.100.3"),
        "coordinator_mode: false\ncoordinator_addresses: [\"198.51.100.1:8801\"]\n",
        None,
    );
    let up = wait_for(Duration::from_secs(30), || {
        net.log("w3").contains("p2pd ready").then_some(())
    });
    if up.is_some() {
        assert!(
            !accepts_ops(&net, "w3", "198.51.100.3"),
            "{}",
            net.log("w3")
        );
    } else {
        // A worker that cannot reach any coordinator may not declare itself ready; its
        // TLS still has to refuse the certificate once it listens.
        let listening = wait_for(Duration::from_secs(20), || {
            net.log("w3").contains("listening").then_some(())
        });
        assert!(listening.is_some(), "{}", net.log("w3"));
        assert!(
            !accepts_ops(&net, "w3", "198.51.100.3"),
            "{}",
            net.log("w3")
        );
    }
}
