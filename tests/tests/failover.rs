//! Three coordinator processes in one Raft group: SIGKILL the leader while p2pctl keeps
//! working (it fails over to the other coordinators, which elect a new leader), then the
//! killed coordinator restarts from its files and catches up.

use std::time::{Duration, Instant};

use p2p_tests::cluster::{Cluster, json};
use p2p_tests::{Proc, signal, stderr, stdout, wait_for};

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
    // Signing in again learns the other coordinators for failing over.
    c.login_admin();
    let before = leader(&group(&c).unwrap()).unwrap();
    let at = names.iter().position(|n| *n == before).unwrap();

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
    let read = c.ctl(&["nodes", "ls"]);
    assert!(read.status.success(), "{}", stderr(&read));
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

    // The killed coordinator restarts from its files, rejoins, and has what it missed.
    procs[at] = if at == 0 {
        c.spawn("coord", 1, false, None)
    } else {
        c.spawn_coordinator(names[at], at as u8 + 1, None)
    };
    let endpoint = format!("https://{}:{}", c.ip(at as u8 + 1), c.port);
    let caught_up = wait_for(Duration::from_secs(30), || {
        let out = c.ctl(&["--endpoint", &endpoint, "user", "ls", "-o", "json"]);
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
    for p in procs.iter_mut().rev() {
        p.terminate(Duration::from_secs(10));
    }
}
