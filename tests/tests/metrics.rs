//! Metrics with real `p2pd` processes: `p2pctl top` through a coordinator and through a
//! worker (signed in there with an operator certificate), and a service measured with its
//! whole process group.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::time::Duration;

use p2p_shared::metrics::NodeSample;
use p2p_tests::cluster::Cluster;
use p2p_tests::{parse, stdout, wait_for, write_manifest};

const WAIT: Duration = Duration::from_secs(30);

fn top(c: &Cluster, extra: &[&str]) -> Option<Vec<NodeSample>> {
    let mut args = extra.to_vec();
    args.extend(["-o", "json", "top"]);
    let out = c.ctl(&args);
    out.status.success().then(|| parse(&stdout(&out)))
}

#[test]
fn top_shows_every_node_through_a_coordinator_and_through_a_worker() {
    let c = Cluster::new();
    // A service whose work is done by a child: its group's memory includes the child's.
    write_manifest(
        &c.services_dir("w2"),
        "family",
        "command: /bin/sh\nargs: ['-c', 'sleep 600 & sleep 600 & wait']\n",
    );
    let _procs = c.start_nodes(2);
    let nodes =
        wait_for(WAIT, || top(&c, &[]).filter(|n| n.len() == 2)).expect("top shows both nodes");
    let names: Vec<&str> = nodes.iter().map(|n| n.node_id.as_str()).collect();
    assert_eq!(names, ["coord", "w2"]);
    for n in &nodes {
        assert!(n.memory_total_bytes > 0 && n.cpu_cores >= 1 && n.agent_rss_bytes > 0);
    }
    // The worker's service: the shell and its two children are one process group.
    let family = wait_for(WAIT, || {
        top(&c, &[])?
            .into_iter()
            .find(|n| n.node_id == "w2")?
            .services
            .into_iter()
            .find(|s| s.service == "family" && s.processes == 3)
    })
    .unwrap_or_else(|| {
        panic!(
            "the family service with its 3 processes: {:?}",
            top(&c, &[])
        )
    });
    assert!(family.rss_bytes > 0);
    // `svc status` measures the same group: more than its main process alone (its
    // supervisor samples every 5 s, so the first figure may predate the children).
    let rss_of = |pid: u32| {
        std::fs::read_to_string(format!("/proc/{pid}/statm"))
            .ok()
            .and_then(|t| t.split_whitespace().nth(1)?.parse::<u64>().ok())
            .map(|pages| pages * 4096)
    };
    let group_counted = wait_for(WAIT, || {
        let out = c.ctl(&["-o", "json", "svc", "status", "family"]);
        if !out.status.success() {
            return None;
        }
        let list: p2p_shared::services::ServiceStatusList = parse(&stdout(&out));
        let detail = list.instances.into_iter().next()?;
        let main = rss_of(detail.instance.pid?)?;
        (detail.rss_bytes? > main).then_some(detail)
    });
    assert!(
        group_counted.is_some(),
        "svc status never counted more than the shell alone"
    );

    // A worker answers too, to an operator certificate (workers take no JWTs): it asks
    // the coordinator for its sample over mTLS.
    let worker = c.url(2, "");
    let through_worker = wait_for(WAIT, || {
        top(&c, &["--context", "ops", "--endpoint", &worker]).filter(|n| n.len() == 2)
    })
    .expect("top through the worker");
    assert!(through_worker.iter().any(|n| n.node_id == "coord"));
}
