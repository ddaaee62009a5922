//! Supervised services with real `p2pd` processes and real child processes (shell scripts):
//! restart backoff and crash loops, health-check restarts, stop escalation to the whole
//! process group, hot reload of manifests, desired state across restarts, no strays after
//! SIGKILL, and control forwarded between nodes (including a rolling restart).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::path::Path;
use std::time::{Duration, Instant};

use p2p_shared::logs::LogRecord;
use p2p_shared::services::{
    DesiredState, ServiceDetail, ServiceHealth, ServiceInstance, ServiceList, ServiceState,
    ServiceStatusList,
};
use p2p_tests::cluster::{Cluster, json};
use p2p_tests::{Proc, parse, signal, stderr, stdout, wait_for, write_manifest};

const WAIT: Duration = Duration::from_secs(30);

/// The single instance of `name` as `p2pctl svc status` shows it.
fn status(c: &Cluster, name: &str) -> Option<ServiceDetail> {
    let out = c.ctl(&["-o", "json", "svc", "status", name]);
    if !out.status.success() {
        return None;
    }
    parse::<ServiceStatusList>(&stdout(&out))
        .instances
        .into_iter()
        .next()
}

fn wait_status(
    c: &Cluster,
    name: &str,
    what: &str,
    ok: impl Fn(&ServiceDetail) -> bool,
) -> ServiceDetail {
    wait_for(WAIT, || status(c, name).filter(|s| ok(s)))
        .unwrap_or_else(|| panic!("{name} never {what}: last {:?}", status(c, name)))
}

fn state(s: &ServiceDetail) -> ServiceState {
    s.instance.state
}

fn pid(s: &ServiceDetail) -> u32 {
    s.instance.pid.unwrap_or_else(|| panic!("no pid in {s:?}"))
}

/// True while `pid` is a live (not zombie) process.
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rsplit_once(')')
                .map(|(_, r)| r.trim_start().chars().next())
        })
        .flatten()
        .is_some_and(|st| st != 'Z' && st != 'X')
}

fn wait_dead(pid: u32, what: &str) {
    assert!(
        wait_for(WAIT, || (!alive(pid)).then_some(())).is_some(),
        "{what} (pid {pid}) is still alive"
    );
}

fn read_pid(path: &Path) -> u32 {
    wait_for(WAIT, || {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|s| s.trim().parse().ok())
    })
    .unwrap_or_else(|| panic!("{} never written", path.display()))
}

/// Processes whose command line is exactly `argv`.
fn count_procs(argv: &[&str]) -> usize {
    let want: Vec<u8> = argv
        .iter()
        .flat_map(|a| [a.as_bytes(), b"\0"].concat())
        .collect();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.parse::<u32>().is_ok())
                && std::fs::read(e.path().join("cmdline")).is_ok_and(|c| c == want)
        })
        .count()
}

fn coordinator(c: &Cluster) -> Proc {
    let p = c.spawn("coord", 1, false, None);
    assert!(c.wait_log("coord", "p2pd ready"), "{}", c.log("coord"));
    p
}

/// A service that writes its own pid and starts a grandchild (`sleep <token>`, both in its
/// process group) that writes its pid too; both ignore SIGTERM when `stubborn`.
fn family_script(dir: &Path, tag: &str, token: u32, stubborn: bool) -> String {
    let trap = if stubborn { "trap '' TERM; " } else { "" };
    format!(
        "command: /bin/sh\nargs: [\"-c\", \"{trap}echo $$ > {d}/{tag}.leader; sleep {token} & echo $! > {d}/{tag}.child; while :; do sleep 0.2; done\"]\nstop_timeout: 1s\n",
        d = dir.display()
    )
}

/// A coordinator signed in as admin, supervising one manifest.
fn coordinator_with(name: &str, manifest: &str) -> (Cluster, Proc) {
    let c = Cluster::new();
    let coord = coordinator(&c);
    c.login_admin();
    write_manifest(&c.services_dir("coord"), name, manifest);
    (c, coord)
}

#[test]
fn crashes_back_off_with_growing_delays_then_fail() {
    let (c, _coord) = coordinator_with(
        "crashy",
        "command: /bin/sh\nargs: ['-c', 'date +%s%N >> starts; echo about to fail >&2; exit 3']\n\
         restart:\n  policy: on-failure\n  backoff_initial: 300ms\n  backoff_max: 10s\n  jitter: 0\n  crash_loop_limit: 3\n",
    );
    let dir = c.services_dir("coord");
    let s = wait_status(&c, "crashy", "failed", |s| state(s) == ServiceState::Failed);
    assert_eq!(s.instance.restarts, 3, "{s:?}");
    assert_eq!(s.consecutive_failures, 4, "{s:?}");
    assert_eq!(
        s.instance.last_exit.as_deref(),
        Some("exited with code 3"),
        "{s:?}"
    );
    let starts: Vec<u64> = std::fs::read_to_string(dir.join("starts"))
        .unwrap()
        .lines()
        .map(|l| l.trim().parse().unwrap())
        .collect();
    assert_eq!(starts.len(), 4, "one start and three restarts: {starts:?}");
    let delays: Vec<u64> = starts
        .windows(2)
        .map(|w| (w[1] - w[0]) / 1_000_000)
        .collect();
    for (i, (d, floor)) in delays.iter().zip([300, 600, 1200]).enumerate() {
        assert!(
            *d >= floor,
            "restart {i} came after {d} ms, before {floor} ms: {delays:?}"
        );
    }
    assert!(
        delays[0] < delays[1] && delays[1] < delays[2],
        "delays must grow: {delays:?}"
    );
    // Its stderr became log records, line by line.
    let out = c.ctl_ok(&[
        "-o",
        "json",
        "svc",
        "logs",
        "crashy",
        "--grep",
        "about to fail",
    ]);
    let lines: Vec<LogRecord> = parse(&out);
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines.iter().all(|l| l.stream == "stderr"), "{out}");
    // A failed service stays down until an operator starts it: no restart is scheduled.
    assert!(s.next_start_at.is_none(), "{s:?}");
    assert_eq!(
        std::fs::read_to_string(dir.join("starts"))
            .unwrap()
            .lines()
            .count(),
        4
    );
}

#[test]
fn failing_health_check_restarts_the_service() {
    let c = Cluster::new();
    let _coord = coordinator(&c);
    c.login_admin();
    let dir = c.services_dir("coord");
    std::fs::write(dir.join("healthy"), "").unwrap();
    write_manifest(
        &dir,
        "checked",
        "command: /bin/sh\nargs: ['-c', 'exec sleep 1000']\n\
         restart: {backoff_initial: 200ms, jitter: 0}\n\
         health:\n  command: ['/bin/sh', '-c', 'test -f healthy']\n  interval: 200ms\n  timeout: 1s\n  unhealthy_threshold: 2\n",
    );
    let first = wait_status(&c, "checked", "became healthy", |s| {
        s.instance.health == ServiceHealth::Healthy
    });
    assert_eq!(state(&first), ServiceState::Running);
    let old = pid(&first);
    std::fs::remove_file(dir.join("healthy")).unwrap();
    let restarted = wait_status(&c, "checked", "was restarted", |s| {
        s.instance.generation > first.instance.generation
    });
    wait_dead(old, "the unhealthy process");
    assert!(
        c.log("coord")
            .contains("service is unhealthy; restarting it")
    );
    std::fs::write(dir.join("healthy"), "").unwrap();
    let healed = wait_status(&c, "checked", "became healthy again", |s| {
        s.instance.health == ServiceHealth::Healthy && state(s) == ServiceState::Running
    });
    assert!(healed.instance.restarts >= 1, "{healed:?}");
    assert_ne!(pid(&healed), old);
    assert!(restarted.instance.generation >= 2);
}

#[test]
fn stop_kills_a_stubborn_process_group_after_the_timeout() {
    let c = Cluster::new();
    let _coord = coordinator(&c);
    c.login_admin();
    let dir = c.services_dir("coord");
    let token = 700_000 + std::process::id() % 100_000;
    write_manifest(
        &dir,
        "stubborn",
        &family_script(&dir, "stubborn", token, true),
    );
    let leader = read_pid(&dir.join("stubborn.leader"));
    let child = read_pid(&dir.join("stubborn.child"));
    wait_status(&c, "stubborn", "ran", |s| state(s) == ServiceState::Running);
    let started = Instant::now();
    let out = c.ctl(&["-o", "json", "svc", "stop", "stubborn"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let took = started.elapsed();
    assert_eq!(
        parse::<ServiceDetail>(&stdout(&out)).instance.state,
        ServiceState::Stopped
    );
    assert!(
        took >= Duration::from_millis(900),
        "SIGTERM is ignored, so only the 1 s timeout can end it; took {took:?}"
    );
    wait_dead(leader, "the service");
    wait_dead(child, "the grandchild");
    assert_eq!(count_procs(&["sleep", &token.to_string()]), 0);
    assert!(c.log("coord").contains("did not stop in time"));
    let s = status(&c, "stubborn").unwrap();
    assert_eq!(s.instance.desired, DesiredState::Stopped);
    assert!(
        s.instance
            .last_exit
            .as_deref()
            .unwrap_or("")
            .contains("SIGKILL"),
        "{s:?}"
    );
}

#[test]
fn adding_editing_and_deleting_manifests_takes_effect() {
    let c = Cluster::new();
    let _coord = coordinator(&c);
    c.login_admin();
    let dir = c.services_dir("coord");
    let ls = || parse::<ServiceList>(&c.ctl_ok(&["-o", "json", "svc", "ls"]));

    write_manifest(
        &dir,
        "hot",
        "command: /bin/sleep\nargs: ['1001']\ntags: [a]\n",
    );
    let v1 = wait_status(&c, "hot", "started", |s| state(s) == ServiceState::Running);
    let pid1 = pid(&v1);

    // Discovery-only change: applied in place, same process.
    write_manifest(
        &dir,
        "hot",
        "command: /bin/sleep\nargs: ['1001']\ntags: [b]\nports: {http: 8080}\n",
    );
    let v2 = wait_status(&c, "hot", "got its new tags", |s| {
        s.instance.tags.first().is_some_and(|t| t == "b")
    });
    assert_eq!(pid(&v2), pid1);
    assert_eq!(v2.instance.ports.get("http"), Some(&8080));

    // Process change: restarted with the new arguments.
    write_manifest(
        &dir,
        "hot",
        "command: /bin/sleep\nargs: ['1002']\ntags: [b]\n",
    );
    let v3 = wait_status(&c, "hot", "restarted", |s| {
        s.instance.generation > v2.instance.generation && state(s) == ServiceState::Running
    });
    assert_eq!(v3.command, ["/bin/sleep", "1002"]);
    wait_dead(pid1, "the old process");

    // A broken edit is reported with file and line and changes nothing.
    write_manifest(
        &dir,
        "hot",
        "command: /bin/sleep\nargs: ['1003']\nrestart:\n  polcy: never\n",
    );
    let problems = wait_for(WAIT, || ls().manifest_errors.into_iter().next())
        .expect("the bad manifest was never reported");
    let error = problems.error.as_str();
    assert!(error.contains("hot.yaml:4:"), "{error}");
    assert!(error.contains("did you mean `policy`?"), "{error}");
    let text = stderr(&c.ctl(&["svc", "ls"]));
    assert!(
        text.contains("hot.yaml:4:"),
        "svc ls warns on stderr: {text}"
    );
    assert_eq!(pid(&status(&c, "hot").unwrap()), pid(&v3));

    // Another good service alongside is untouched by the broken one.
    write_manifest(&dir, "other", "command: /bin/sleep\nargs: ['1004']\n");
    wait_status(&c, "other", "started", |s| {
        state(s) == ServiceState::Running
    });

    // Service names complete from the cluster as you type.
    let out = p2p_tests::p2pctl(
        &c.path("p2pctl.toml"),
        &["--", "p2pctl", "svc", "status", "ot"],
        &[("COMPLETE", "fish")],
    );
    assert_eq!(stdout(&out).trim(), "other", "{}", stderr(&out));

    // Deleting the manifest stops the service and removes it from discovery.
    std::fs::remove_file(dir.join("hot.yaml")).unwrap();
    wait_dead(pid(&v3), "the deleted service");
    let gone = wait_for(WAIT, || {
        let v = ls();
        let names: Vec<&str> = v.services.iter().map(|s| s.name.as_str()).collect();
        (names == ["other"] && v.manifest_errors.is_empty()).then_some(())
    });
    assert!(gone.is_some(), "{:?}", ls());

    // An unreadable (not UTF-8) manifest, and a second file naming the same service, are
    // reported; once the file goes, so does the report, and the survivor is loaded.
    std::fs::write(dir.join("latin1.yaml"), b"command: /bin/caf\xe9\n").unwrap();
    write_manifest(
        &dir,
        "twin",
        "name: other\ncommand: /bin/sleep\nargs: ['1006']\n",
    );
    let reported = wait_for(WAIT, || {
        let errors = ls().manifest_errors;
        (errors.len() == 2).then_some(errors)
    });
    assert!(reported.is_some(), "{:?}", ls());
    std::fs::remove_file(dir.join("latin1.yaml")).unwrap();
    std::fs::remove_file(dir.join("other.yaml")).unwrap();
    let cleared = wait_for(WAIT, || {
        let v = ls();
        let twin = v.services.iter().any(|s| s.name == "other");
        (v.manifest_errors.is_empty() && twin).then_some(())
    });
    assert!(cleared.is_some(), "{:?}", ls());
    wait_status(&c, "other", "taken over by twin.yaml", |s| {
        s.command == ["/bin/sleep", "1006"] && state(s) == ServiceState::Running
    });
}

#[test]
fn desired_state_survives_restarts_and_a_crash_leaves_no_strays() {
    let c = Cluster::new();
    let mut coord = coordinator(&c);
    c.login_admin();
    let dir = c.services_dir("coord");
    let token = 800_000 + std::process::id() % 100_000;
    write_manifest(&dir, "keep", &family_script(&dir, "keep", token, false));
    write_manifest(&dir, "off", "command: /bin/sleep\nargs: ['1005']\n");
    wait_status(&c, "keep", "ran", |s| state(s) == ServiceState::Running);
    wait_status(&c, "off", "ran", |s| state(s) == ServiceState::Running);
    c.ctl_ok(&["svc", "stop", "off"]);

    // A graceful stop of p2pd stops the whole family.
    let leader = read_pid(&dir.join("keep.leader"));
    let child = read_pid(&dir.join("keep.child"));
    assert!(coord.terminate(WAIT).is_some_and(|s| s.success()));
    assert!(!alive(leader) && !alive(child), "services outlived p2pd");

    // Back up: `keep` runs again, `off` stays stopped.
    for f in ["keep.leader", "keep.child"] {
        std::fs::remove_file(dir.join(f)).unwrap();
    }
    let mut coord = c.spawn("coord", 1, false, None);
    assert!(c.wait_log("coord", "p2pd ready"));
    wait_status(&c, "keep", "came back", |s| {
        state(s) == ServiceState::Running
    });
    let off = wait_status(&c, "off", "was listed", |s| {
        state(s) == ServiceState::Stopped
    });
    assert_eq!(off.instance.desired, DesiredState::Stopped);
    assert_eq!(count_procs(&["/bin/sleep", "1005"]), 0);

    // SIGKILL: the leader dies with p2pd; the grandchild is left until the next start,
    // which kills it before starting `keep` once more.
    let leader = read_pid(&dir.join("keep.leader"));
    let child = read_pid(&dir.join("keep.child"));
    for f in ["keep.leader", "keep.child"] {
        std::fs::remove_file(dir.join(f)).unwrap();
    }
    signal(&coord, libc::SIGKILL);
    let _ = coord.child.wait();
    wait_dead(leader, "the service leader after p2pd's SIGKILL");
    let mut coord = c.spawn("coord", 1, false, None);
    assert!(c.wait_log("coord", "p2pd ready"));
    let s = wait_status(&c, "keep", "came back after the crash", |s| {
        state(s) == ServiceState::Running
    });
    wait_dead(child, "the stray grandchild");
    assert!(c.log("coord").contains("left behind by a previous run"));
    let new_leader = read_pid(&dir.join("keep.leader"));
    assert_eq!(pid(&s), new_leader);
    assert_eq!(
        count_procs(&["sleep", &token.to_string()]),
        1,
        "exactly one copy of the service's family runs"
    );
    // A graceful stop leaves nothing behind on the test machine either.
    assert!(coord.terminate(WAIT).is_some());
    assert_eq!(count_procs(&["sleep", &token.to_string()]), 0);
}

fn instances(c: &Cluster, args: &[&str]) -> Vec<ServiceInstance> {
    let mut all = vec!["-o", "json", "svc", "ls"];
    all.extend_from_slice(args);
    parse::<ServiceList>(&c.ctl_ok(&all)).services
}

fn start_time_ns(dir: &Path) -> u64 {
    std::fs::read_to_string(dir.join("starts"))
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn control_is_forwarded_to_the_node_running_the_service() {
    let c = Cluster::new();
    let mut procs = c.start_nodes(2);
    let worker_dir = c.services_dir("w2");
    let coord_dir = c.services_dir("coord");
    write_manifest(
        &worker_dir,
        "web",
        "command: /bin/sleep\nargs: ['1006']\nports: {http: 8080}\ntags: [edge]\n",
    );

    // The coordinator lists the worker's instance (learnt through gossip).
    let found = wait_for(WAIT, || {
        let v = instances(&c, &[]);
        v.iter()
            .find(|i| i.name == "web" && i.state == ServiceState::Running)
            .cloned()
    })
    .expect("the coordinator never saw web");
    assert_eq!(found.node_id, "w2");
    assert_eq!(found.addresses[0], c.ip(2).to_string());
    assert_eq!(found.ports.get("http"), Some(&8080));

    // A restart sent to the coordinator acts on the worker.
    let before = status(&c, "web").unwrap();
    assert_eq!(before.instance.node_id, "w2");
    let out = c.ctl(&["-o", "json", "svc", "restart", "web"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let after: ServiceDetail = parse(&stdout(&out));
    assert_eq!(after.instance.node_id, "w2");
    assert!(after.instance.generation > before.instance.generation);
    assert_ne!(after.instance.pid, before.instance.pid);
    wait_dead(pid(&before), "the old web process on w2");
    assert!(
        c.log("w2").contains("forwarded_by=coord"),
        "{}",
        c.log("w2")
    );

    // Viewers may list (on any node) but not control.
    let endpoint = format!("https://{}:{}", c.ip(2), c.port);
    let viewer_ls = c.ctl(&["--context", "ops", "--endpoint", &endpoint, "svc", "ls"]);
    assert!(viewer_ls.status.success(), "{}", stderr(&viewer_ls));
    assert!(stdout(&viewer_ls).contains("web"));
    let denied = c.ctl(&[
        "--context",
        "ops",
        "--endpoint",
        &endpoint,
        "svc",
        "stop",
        "web",
    ]);
    assert_eq!(denied.status.code(), Some(3), "{}", stderr(&denied));
    let missing = c.ctl(&["svc", "stop", "web", "--node", "coord"]);
    assert_eq!(missing.status.code(), Some(4), "{}", stderr(&missing));

    // A service on both nodes: plain restart is ambiguous; --all rolls one node at a time,
    // each healthy (1 s after start: `ready` exists; a stopping instance removes it, so a
    // check right after the next spawn cannot see the old one's) before the next begins.
    let roll = "command: /bin/sh\nargs: ['-c', 'trap \"rm -f ready; exit 0\" TERM; date +%s%N >> starts; sleep 1; touch ready; sleep 1007 & wait']\n\
                health:\n  command: ['/bin/sh', '-c', 'test -f ready']\n  interval: 100ms\n  timeout: 1s\n  start_period: 10s\n";
    write_manifest(&coord_dir, "roll", roll);
    write_manifest(&worker_dir, "roll", roll);
    wait_for(WAIT, || {
        let healthy = instances(&c, &[])
            .iter()
            .filter(|i| i.name == "roll" && i.health == ServiceHealth::Healthy)
            .count();
        (healthy == 2).then_some(())
    })
    .unwrap_or_else(|| {
        panic!(
            "roll never became healthy on both nodes: {:?}\n{}",
            instances(&c, &[]),
            c.log("coord")
        )
    });
    let ambiguous = c.ctl(&["svc", "restart", "roll"]);
    assert_eq!(ambiguous.status.code(), Some(2), "a usage mistake");
    assert!(
        stderr(&ambiguous).contains("--node"),
        "{}",
        stderr(&ambiguous)
    );

    let out = c.ctl(&["-o", "json", "svc", "restart", "roll", "--all"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let outcomes = json(&stdout(&out));
    let nodes: Vec<&str> = outcomes
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            assert_eq!(o["result"], "ok", "{o}");
            assert_eq!(o["health"], "healthy", "{o}");
            o["node_id"].as_str().unwrap()
        })
        .collect();
    assert_eq!(nodes, ["coord", "w2"]);
    assert!(
        stderr(&out).contains("2 of 2 node(s) done"),
        "{}",
        stderr(&out)
    );
    let gap_ms = (start_time_ns(&worker_dir) - start_time_ns(&coord_dir)) / 1_000_000;
    assert!(
        gap_ms >= 1000,
        "w2 restarted {gap_ms} ms after coord, before coord was healthy again: coord {:?} w2 {:?}\n{outcomes}",
        std::fs::read_to_string(coord_dir.join("starts")),
        std::fs::read_to_string(worker_dir.join("starts"))
    );
    for d in [&coord_dir, &worker_dir] {
        let runs = std::fs::read_to_string(d.join("starts"))
            .unwrap()
            .lines()
            .count();
        assert_eq!(runs, 2, "one start and one restart in {}", d.display());
    }

    // A service removed while its node was down vanishes from every view once the node is
    // back: the restarted agent withdraws announcements it no longer makes.
    assert!(procs[1].terminate(WAIT).is_some());
    std::fs::remove_file(worker_dir.join("web.yaml")).unwrap();
    procs[1] = c.spawn("w2", 2, true, None);
    let settled = wait_for(WAIT, || {
        let v = instances(&c, &[]);
        let back = v
            .iter()
            .any(|i| i.name == "roll" && i.node_id == "w2" && i.state == ServiceState::Running);
        let stale = v.iter().any(|i| i.name == "web");
        (back && !stale).then_some(())
    });
    assert!(settled.is_some(), "{:?}", instances(&c, &[]));

    // Stopping the agents stops their services' whole families.
    for p in procs.iter_mut() {
        assert!(p.terminate(WAIT).is_some());
    }
    assert_eq!(count_procs(&["sleep", "1007"]), 0);
}

/// `svc status` answers are kept for a moment (a second ask is a hit), and an action on
/// the service makes the next answer fresh: an operator reads their own restart.
#[test]
fn status_answers_are_kept_briefly_and_never_outlive_a_change() {
    let (c, _coord) = coordinator_with(
        "kept",
        "command: /bin/sh\nargs: ['-c', 'exec sleep 1000']\nstop_timeout: 1s\n",
    );
    let first = wait_status(&c, "kept", "ran", |s| state(s) == ServiceState::Running);
    let cache = || {
        let st: p2p_shared::api::CacheStatsList =
            parse(&c.ctl_ok(&["-o", "json", "cluster", "cache-stats"]));
        st.caches
            .into_iter()
            .find(|s| s.name == "service_status")
            .unwrap_or_else(|| panic!("no service_status cache"))
    };
    // Asked again and again: some answers come from the cache (each p2pctl call takes
    // a while, so not necessarily all of them within the second an answer is kept).
    let before = cache();
    for _ in 0..5 {
        assert_eq!(
            status(&c, "kept").unwrap().instance.generation,
            first.instance.generation
        );
    }
    let after = cache();
    assert_eq!(after.hits + after.misses, before.hits + before.misses + 5);
    assert!(after.hits > before.hits, "{before:?} -> {after:?}");

    // A restart through the coordinator: the very next answer is new, with the new
    // generation (the CLI waits for it, and then the cache agrees).
    let out = c.ctl(&["-o", "json", "svc", "restart", "kept"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let restarted: ServiceDetail = parse(&stdout(&out));
    assert!(restarted.instance.generation > first.instance.generation);
    let now = status(&c, "kept").unwrap();
    assert_eq!(now.instance.generation, restarted.instance.generation);
    assert!(
        cache().misses > after.misses,
        "the restart did not make the next ask fresh"
    );
}
