//! Three coordinator processes in one Raft group and two workers: SIGKILL the leader while
//! p2pctl keeps working (it fails over to the other coordinators, which elect a new
//! leader) and `logs -f` keeps following (it resumes on another coordinator), then the
//! killed coordinator restarts from its files and catches up.

use std::time::{Duration, Instant};

use p2p_shared::api::{NodeInfo, NodeState};
use p2p_shared::logs::LogRecord;
use p2p_tests::cluster::{Cluster, json};
use p2p_tests::{Proc, parse, signal, stderr, stdout, wait_for, write_manifest};

fn group(c: &Cluster) -> Option<serde_json::Value> {
    let out = c.ctl(&["cluster", "coordinators", "-o", "json", "--timeout", "3"]);
    out.status.success().then(|| json(&stdout(&out)))
}

fn voters(g: &serde_json::Value) -> usize {
    g["coordinators"]
        .as_array()
        .map_or(0, |a| a.iter().filter(|c| c["voter"] == true).count())
}

fn leader(g: &serde_json::Value) -> Option<String> {
    g["coordinators"]
        .as_array()?
        .iter()
        .find(|c| c["leader"] == true)
        .and_then(|c| c["node_id"].as_str())
        .map(str::to_string)
}

/// Counts on stdout, one line every 20 ms.
const COUNTER: &str = "command: /bin/sh\nargs: ['-c', 'i=0; while :; do i=$((i+1)); echo \"count $i\"; sleep 0.02; done']\n";
const IDLE: &str = "command: /bin/sh\nargs: ['-c', 'while :; do sleep 1; done']\n";

fn endpoint(c: &Cluster, host: u8) -> String {
    format!("https://{}:{}", c.ip(host), c.port)
}

/// Records `p2pctl logs ARGS` finds on the coordinator on `host` alone.
fn logs_at(c: &Cluster, host: u8, args: &[&str]) -> Vec<LogRecord> {
    let e = endpoint(c, host);
    let mut all = vec!["--endpoint", &e, "-o", "json", "logs"];
    all.extend_from_slice(args);
    let out = c.ctl(&all);
    if !out.status.success() {
        return Vec::new();
    }
    parse(&stdout(&out))
}

fn count(r: &LogRecord) -> Option<u64> {
    r.message.strip_prefix("count ")?.trim().parse().ok()
}

#[test]
fn p2pctl_keeps_working_when_the_leader_is_killed_and_it_catches_up() {
    let c = Cluster::new();
    let mut procs = c.start_nodes(1);
    let token = c.ctl_ok(&[
        "token",
        "create",
        "--coordinator",
        "--uses",
        "2",
        "--ttl",
        "10m",
    ]);
    procs.push(c.spawn_coordinator("coord2", 2, Some(token.trim())));
    procs.push(c.spawn_coordinator("coord3", 3, Some(token.trim())));
    let names = ["coord", "coord2", "coord3"];
    for n in &names[1..] {
        assert!(c.wait_log(n, "p2pd ready"), "{}", c.log(n));
    }
    let formed = wait_for(Duration::from_secs(30), || {
        group(&c).filter(|g| voters(g) == 3)
    });
    assert!(formed.is_some(), "{:?}\n{}", group(&c), c.log("coord2"));
    // Signed in before the others joined, p2pctl learns them from the answers.
    c.ctl_ok(&["nodes", "ls"]);
    let contexts = std::fs::read_to_string(c.path("p2pctl.toml")).unwrap();
    for host in [2, 3] {
        assert!(
            contexts.contains(&endpoint(&c, host)),
            "coordinator {host} is not in the context:\n{contexts}"
        );
    }
    // Two workers, enrolled through the first coordinator: w4 counts, w5 idles.
    let worker_token = c.ctl_ok(&["token", "create", "--ttl", "10m", "--uses", "2"]);
    write_manifest(&c.services_dir("w4"), "counter", COUNTER);
    write_manifest(&c.services_dir("w5"), "idle", IDLE);
    let mut workers = [
        c.spawn("w4", 4, true, Some(worker_token.trim())),
        c.spawn("w5", 5, true, Some(worker_token.trim())),
    ];
    for n in ["w4", "w5"] {
        assert!(c.wait_log(n, "p2pd ready"), "{}", c.log(n));
    }
    // Every coordinator holds the whole cluster's logs: the worker's (it ships to each
    // coordinator) and each other coordinator's own.
    for host in 1..=3u8 {
        let everywhere = wait_for(Duration::from_secs(30), || {
            let counted = !logs_at(&c, host, &["--service", "counter", "--tail", "1"]).is_empty();
            let peers = names
                .iter()
                .enumerate()
                .filter(|(i, _)| *i as u8 + 1 != host)
                .all(|(_, n)| !logs_at(&c, host, &["--node", n, "--tail", "1"]).is_empty());
            (counted && peers).then_some(())
        });
        assert!(
            everywhere.is_some(),
            "coordinator {host} lacks records\n{}",
            c.log("w4")
        );
    }
    let before = leader(&group(&c).unwrap()).unwrap();
    let at = names.iter().position(|n| *n == before).unwrap();
    // Signed in through the leader: it is the first server p2pctl asks, so the follow
    // below streams from the coordinator about to die.
    c.login_admin_at(at as u8 + 1);
    let (mut follower, lines) = c.follow(&["--service", "counter"]);
    let first = lines
        .recv_timeout(Duration::from_secs(30))
        .expect("the follow shows the counter");
    let mut followed: Vec<u64> = count(&parse::<LogRecord>(&first)).into_iter().collect();

    let (mut watcher, views) =
        c.streaming_ctl(&["-o", "json", "nodes", "ls", "--watch"], "watch.log");
    let first: Vec<NodeInfo> = parse(&views.recv_timeout(Duration::from_secs(10)).unwrap());
    assert_eq!(first.len(), 5, "{first:?}");

    signal(&procs[at], libc::SIGKILL);
    let killed = Instant::now();
    let _ = procs[at].child.wait();
    // Each command succeeds: p2pctl tries the next coordinator while they elect.
    let write = c.ctl(&["token", "create", "--ttl", "10m"]);
    assert!(
        write.status.success(),
        "write after the kill: {}",
        stderr(&write)
    );
    let write_after = killed.elapsed();
    let password = std::fs::read_to_string(c.path("coord/initial-admin-password")).unwrap();
    let login = p2p_tests::p2pctl(
        &c.path("p2pctl.toml"),
        &["login", "--user", "admin"],
        &[("P2PCTL_PASSWORD", password.trim())],
    );
    assert!(login.status.success(), "login: {}", stderr(&login));
    for args in [
        &["nodes", "ls"][..],
        &["cert", "issue", "--user", "dave", "--role", "viewer"],
        &["svc", "restart", "idle"],
        &["token", "create", "--ttl", "10m"],
    ] {
        let out = c.ctl(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let add = p2p_tests::p2pctl(
        &c.path("p2pctl.toml"),
        &["user", "add", "carol", "--role", "operator"],
        &[("P2PCTL_NEW_PASSWORD", "carol-password-1")],
    );
    assert!(add.status.success(), "{}", stderr(&add));
    eprintln!("first write {write_after:?} after SIGKILL of the leader {before}");
    let after = wait_for(Duration::from_secs(10), || {
        group(&c).and_then(|g| leader(&g)).filter(|l| *l != before)
    });
    assert!(after.is_some(), "a new leader: {:?}", group(&c));
    // The watch printed the view again when the killed coordinator stopped being alive.
    let noticed = (0..20).find_map(|_| {
        let view: Vec<NodeInfo> = parse(&views.recv_timeout(Duration::from_secs(15)).ok()?);
        view.iter()
            .any(|n| n.node_id == before && n.state != NodeState::Alive)
            .then_some(())
    });
    assert!(
        noticed.is_some(),
        "nodes ls --watch never showed {before} down"
    );
    watcher.terminate(Duration::from_secs(5));

    // The follow moved to another coordinator and showed every count once: stop the
    // counter, then read up to the last number the worker itself recorded.
    assert!(c.ctl(&["svc", "stop", "counter"]).status.success());
    let last = wait_for(Duration::from_secs(10), || {
        let v: Vec<LogRecord> =
            c.ctl_json_at(4, "ops", &["logs", "--service", "counter", "--tail", "1"])?;
        count(v.first()?)
    })
    .expect("the worker's last count");
    let deadline = Instant::now() + Duration::from_secs(30);
    while followed.last() != Some(&last) {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(line) = lines.recv_timeout(left) else {
            panic!(
                "the follow stopped at {:?} of {last}\n{}",
                followed.last(),
                std::fs::read_to_string(c.path("follow.log")).unwrap_or_default()
            );
        };
        followed.extend(count(&parse::<LogRecord>(&line)));
    }
    let from = followed[0];
    assert_eq!(
        followed,
        (from..=last).collect::<Vec<_>>(),
        "every count from {from} to {last} once, in order"
    );
    let notice = std::fs::read_to_string(c.path("follow.log")).unwrap_or_default();
    assert!(notice.contains("following from"), "{notice}");
    follower.terminate(Duration::from_secs(5));

    // The killed coordinator restarts from its files, rejoins, and has what it missed.
    procs[at] = if at == 0 {
        c.spawn("coord", 1, false, None)
    } else {
        c.spawn_coordinator(names[at], at as u8 + 1, None)
    };
    let restarted = endpoint(&c, at as u8 + 1);
    let caught_up = wait_for(Duration::from_secs(30), || {
        let out = c.ctl(&["--endpoint", &restarted, "user", "ls", "-o", "json"]);
        (out.status.success() && stdout(&out).contains("carol")).then_some(())
    });
    assert!(caught_up.is_some(), "{}", c.log(names[at]));

    // Every coordinator SIGKILLed at once, then restarted: no acknowledged write is lost.
    let tokens_before = c.ctl_ok(&["token", "ls", "-o", "json"]);
    let tokens_before = json(&tokens_before).as_array().unwrap().len();
    for p in &procs {
        signal(p, libc::SIGKILL);
    }
    for p in procs.iter_mut() {
        let _ = p.child.wait();
    }
    let mut procs: Vec<Proc> = vec![
        c.spawn("coord", 1, false, None),
        c.spawn_coordinator("coord2", 2, None),
        c.spawn_coordinator("coord3", 3, None),
    ];
    let back = wait_for(Duration::from_secs(30), || {
        let tokens = c.ctl(&["token", "ls", "-o", "json"]);
        let users = c.ctl(&["user", "ls", "-o", "json"]);
        (tokens.status.success()
            && users.status.success()
            && json(&stdout(&tokens)).as_array().map(Vec::len) == Some(tokens_before)
            && stdout(&users).contains("carol"))
        .then_some(())
    });
    assert!(back.is_some(), "{}", c.log("coord"));
    let write = c.ctl(&["token", "create", "--ttl", "10m"]);
    assert!(write.status.success(), "{}", stderr(&write));
    for p in workers.iter_mut().chain(procs.iter_mut().rev()) {
        p.terminate(Duration::from_secs(10));
    }
}
