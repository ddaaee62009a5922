//! Logs with real `p2pd` processes: a worker's service output followed live from the
//! coordinator with filters, no loss and no duplicates across a coordinator crash, a
//! killed worker's last lines still readable, and retention enforced.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::time::{Duration, Instant};

use p2p_shared::api::{NodeInfo, NodeState};
use p2p_shared::logs::{LogLevel, LogRecord};
use p2p_tests::cluster::Cluster;
use p2p_tests::{parse, signal, stderr, stdout, wait_for, write_manifest};

const WAIT: Duration = Duration::from_secs(30);

/// Records as `p2pctl logs -o json ARGS` on the coordinator returns them.
fn records(c: &Cluster, args: &[&str]) -> Vec<LogRecord> {
    let mut all = vec!["-o", "json", "logs", "--tail", "10000"];
    all.extend_from_slice(args);
    let out = c.ctl(&all);
    // 4: no node runs the service yet (it is still starting). 6: the read budget (10 a
    // second after a burst of 100) ran out because a slow machine kept the caller polling:
    // ask again later.
    if matches!(out.status.code(), Some(4) | Some(6)) {
        return Vec::new();
    }
    assert!(out.status.success(), "{}", stderr(&out));
    parse(&stdout(&out))
}

fn message(r: &LogRecord) -> &str {
    &r.message
}

/// The numbers N of `PREFIX N` messages.
fn numbers(recs: &[LogRecord], prefix: &str) -> Vec<u64> {
    recs.iter()
        .filter_map(|r| message(r).strip_prefix(prefix)?.trim().parse().ok())
        .collect()
}

#[test]
fn a_workers_service_is_followed_from_the_coordinator_with_filters() {
    let c = Cluster::new();
    let _procs = c.start_nodes(2);
    write_manifest(
        &c.services_dir("w2"),
        "chatty",
        "command: /bin/sh\nargs: ['-c', 'i=0; while :; do i=$((i+1)); echo \"fine $i\"; echo \"ERROR oops $i\" >&2; sleep 0.1; done']\n",
    );
    // A follow of a service nobody runs (yet) is refused as a typing mistake (exit 4).
    let early = c.ctl(&["logs", "--service", "chatt", "--tail", "1"]);
    assert_eq!(early.status.code(), Some(4), "{}", stderr(&early));
    assert!(stderr(&early).contains("chatt"), "{}", stderr(&early));
    let nosuch = c.ctl(&["logs", "-f", "--node", "w9"]);
    assert_eq!(nosuch.status.code(), Some(4), "{}", stderr(&nosuch));
    let known = wait_for(WAIT, || {
        stdout(&c.ctl(&["svc", "ls"]))
            .contains("chatty")
            .then_some(())
    });
    assert!(known.is_some(), "chatty never showed up");
    let (_follower, lines) = c.follow(&["--node", "w2", "--service", "chatty", "--level", "error"]);
    let deadline = Instant::now() + WAIT;
    let mut got = Vec::new();
    while got.len() < 5 {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = lines.recv_timeout(left).unwrap_or_else(|_| {
            panic!(
                "only {} followed lines: {got:?}\n{}",
                got.len(),
                c.log("w2")
            )
        });
        got.push(parse::<LogRecord>(&line));
    }
    for r in &got {
        assert_eq!(r.node_id, "w2", "{r:?}");
        assert_eq!(r.source, "chatty", "{r:?}");
        assert_eq!(r.stream, "stderr", "{r:?}");
        assert_eq!(r.level, LogLevel::Error, "{r:?}");
        assert!(message(r).starts_with("ERROR oops "), "{r:?}");
    }
    let seqs: Vec<u64> = got.iter().map(|r| r.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in order: {seqs:?}");

    // Queries: grep, level, and the agent's own log lines collected too.
    let fine = records(&c, &["--node", "w2", "--grep", "^fine [0-9]+$"]);
    assert!(!fine.is_empty());
    assert!(
        fine.iter()
            .all(|r| r.level == LogLevel::Info && r.stream == "stdout")
    );
    let agent = records(
        &c,
        &["--node", "w2", "--service", "p2pd", "--grep", "p2pd ready"],
    );
    assert_eq!(agent.len(), 1, "{agent:?}");
    // `svc logs` is the same query by service.
    let out = c.ctl(&["svc", "logs", "chatty", "--tail", "3", "--level", "error"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(
        text.lines()
            .all(|l| l.contains(" w2 chatty[stderr] ERROR ")),
        "{text}"
    );
}

#[test]
fn a_coordinator_crash_mid_stream_loses_and_duplicates_nothing() {
    let c = Cluster::new();
    let mut procs = c.start_nodes(2);
    write_manifest(
        &c.services_dir("w2"),
        "counter",
        "command: /bin/sh\nargs: ['-c', 'i=0; while :; do i=$((i+1)); echo \"count $i\"; sleep 0.02; done']\n",
    );
    let counted = |c: &Cluster| numbers(&records(c, &["--service", "counter"]), "count ");
    assert!(wait_for(WAIT, || (counted(&c).len() >= 50).then_some(())).is_some());

    let shipped = counted(&c).into_iter().max().unwrap_or(0);
    signal(&procs[0], libc::SIGKILL);
    let _ = procs[0].child.wait();
    // Lines pile up on the worker while the coordinator is down.
    let piled = wait_for(WAIT, || {
        let v: Vec<LogRecord> =
            c.ctl_json_at(2, "ops", &["logs", "--service", "counter", "--tail", "1"])?;
        let last: u64 = message(v.first()?).strip_prefix("count ")?.parse().ok()?;
        (last >= shipped + 20).then_some(())
    });
    assert!(piled.is_some(), "the worker stopped recording");
    procs[0] = c.spawn("coord", 1, false, None);
    assert!(c.wait_log("coord", "p2pd ready"));
    // Let it ship for a while after the reconnect, then stop the counter.
    let before = counted(&c).len();
    assert!(
        wait_for(WAIT, || (counted(&c).len() > before + 50).then_some(())).is_some(),
        "shipping did not resume"
    );
    // (Once the restarted coordinator has relearnt the worker's services through gossip.)
    let stopped = wait_for(WAIT, || {
        c.ctl(&["svc", "stop", "counter"])
            .status
            .success()
            .then_some(())
    });
    assert!(stopped.is_some(), "{}", c.log("coord"));

    // The worker's own copy is the reference: everything it recorded reaches the
    // coordinator exactly once.
    let worker_last = || {
        c.ctl_json_at::<Vec<LogRecord>>(2, "ops", &["logs", "--service", "counter", "--tail", "1"])
            .and_then(|v| v.first().map(|r| message(r).to_string()))
    };
    let last: u64 = wait_for(WAIT, || {
        let m = worker_last()?;
        m.strip_prefix("count ")?.parse().ok()
    })
    .unwrap();
    let all = wait_for(WAIT, || {
        let n = counted(&c);
        (n.iter().max() == Some(&last)).then_some(n)
    })
    .expect("the coordinator never caught up");
    let mut sorted = all.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), all.len(), "duplicates on the coordinator");
    assert_eq!(sorted, (1..=last).collect::<Vec<_>>(), "lines lost");
    let recs = records(&c, &["--service", "counter"]);
    let mut seqs: Vec<u64> = recs.iter().map(|r| r.seq).collect();
    let n = seqs.len();
    seqs.dedup();
    assert_eq!(seqs.len(), n, "a (node, seq) appears twice");
}

#[test]
fn a_killed_workers_last_lines_stay_readable() {
    let c = Cluster::new();
    let mut procs = c.start_nodes(2);
    write_manifest(
        &c.services_dir("w2"),
        "doomed",
        "command: /bin/sh\nargs: ['-c', 'i=0; while :; do i=$((i+1)); echo \"line $i\"; sleep 0.05; done']\n",
    );
    let lines = |c: &Cluster| {
        numbers(
            &records(c, &["--node", "w2", "--service", "doomed"]),
            "line ",
        )
    };
    assert!(wait_for(WAIT, || (lines(&c).len() >= 20).then_some(())).is_some());
    signal(&procs[1], libc::SIGKILL);
    let _ = procs[1].child.wait();
    let at_kill = lines(&c);
    // The node is declared dead, and what it shipped stays.
    let dead = wait_for(WAIT, || {
        let v: NodeInfo = c.ctl_json_at(1, "ops", &["nodes", "show", "w2"])?;
        (v.state == NodeState::Dead).then_some(())
    });
    assert!(dead.is_some(), "w2 was never declared dead");
    let after = lines(&c);
    assert!(
        after.len() >= at_kill.len() && at_kill.len() >= 20,
        "{after:?}"
    );
    assert_eq!(after, (1..=after.len() as u64).collect::<Vec<_>>());

    // Back with its log database gone: its numbering starts over locally, and it
    // continues above what the coordinator holds, so its new lines are not taken for old.
    for f in ["logs.db", "logs.db-wal", "logs.db-shm"] {
        let _ = std::fs::remove_file(c.path("w2").join(f));
    }
    procs[1] = c.spawn("w2", 2, true, None);
    let grew = wait_for(WAIT, || (lines(&c).len() >= after.len() + 10).then_some(()));
    assert!(
        grew.is_some(),
        "new lines after the restart never arrived: {}",
        c.log("w2")
    );
    assert!(
        c.log("w2")
            .contains("log numbering is behind the coordinator")
    );
}

#[test]
fn retention_keeps_the_newest_records_within_the_limit() {
    let mut c = Cluster::new();
    c.extra_config = "max_log_entries: 100\n".into();
    let _coord = {
        let p = c.spawn("coord", 1, false, None);
        assert!(c.wait_log("coord", "p2pd ready"));
        p
    };
    c.login_admin();
    write_manifest(
        &c.services_dir("coord"),
        "burst",
        "command: /bin/sh\nargs: ['-c', 'i=0; while [ $i -lt 500 ]; do i=$((i+1)); echo \"burst $i\"; done; exec sleep 1000']\n",
    );
    let kept = wait_for(WAIT, || {
        let recs = records(&c, &[]);
        let burst = numbers(&recs, "burst ");
        (recs.len() <= 100 && burst.contains(&500)).then_some(burst)
    })
    .unwrap_or_else(|| panic!("retention not enforced: {} records", records(&c, &[]).len()));
    assert!(!kept.contains(&1), "the oldest go first: {kept:?}");
}
