//! The coordinators' shared cache with a real `redis-server` and real `p2pd` processes:
//! one coordinator's `svc status` answer serves the other, an action through one drops
//! what the other keeps, values that are not ours are refused, a rate limit holds across
//! coordinators, and Redis going away (and coming back) never changes an answer.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::net::IpAddr;
use std::process::Command;
use std::time::Duration;

use p2p_shared::api::{CacheStats, CacheStatsList};
use p2p_shared::services::ServiceStatusList;
use p2p_tests::cluster::Cluster;
use p2p_tests::redis_server::{self, Redis};
use p2p_tests::{Proc, parse, require_capability, stderr, stdout, wait_for, write_manifest};

const IDLE: &str = "command: /bin/sh\nargs: ['-c', 'while :; do sleep 1; done']\n";

fn have_redis(test: &str) -> bool {
    require_capability(test, "redis-server", redis_server::available())
}

/// A coordinator (host 1), a worker `w2` (host 2) and a second coordinator `coord2`
/// (host 3), all pointed at `redis`; `services` run on w2.
fn cluster(redis: &Redis, extra: &str, services: &[&str]) -> (Cluster, Vec<Proc>) {
    let mut c = Cluster::new();
    // A loaded CI machine can take longer than the default 50 ms; a call that times out
    // falls back to the local floor, which would blur what these tests count.
    c.extra_config = format!("redis_url: {}\nredis_timeout: 500ms\n{extra}", redis.url());
    for s in services {
        write_manifest(&c.services_dir("w2"), s, IDLE);
    }
    let mut procs = c.start_nodes(if services.is_empty() { 1 } else { 2 });
    let token = c.ctl_ok(&["token", "create", "--coordinator", "--ttl", "10m"]);
    procs.push(c.spawn_coordinator("coord2", 3, Some(token.trim())));
    assert!(c.wait_log("coord2", "p2pd ready"), "{}", c.log("coord2"));
    (c, procs)
}

fn endpoint(c: &Cluster, host: u8) -> String {
    format!("https://{}:{}", c.ip(host), c.port)
}

fn ctl_at(c: &Cluster, host: u8, args: &[&str]) -> std::process::Output {
    let e = endpoint(c, host);
    let mut all = vec!["--endpoint", &e, "--timeout", "5", "-o", "json"];
    all.extend_from_slice(args);
    c.ctl(&all)
}

fn status_at(c: &Cluster, host: u8, service: &str) -> Option<ServiceStatusList> {
    let out = ctl_at(c, host, &["svc", "status", service]);
    out.status.success().then(|| parse(&stdout(&out)))
}

fn generation(s: &ServiceStatusList) -> u64 {
    s.instances[0].instance.generation
}

/// The counters of cache `name` on the node on `host`.
fn cache_at(c: &Cluster, host: u8, name: &str) -> Option<CacheStats> {
    let out = ctl_at(c, host, &["cluster", "cache-stats"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let list: CacheStatsList = parse(&stdout(&out));
    list.caches.into_iter().find(|s| s.name == name)
}

fn shared_values(c: &Cluster, host: u8) -> CacheStats {
    cache_at(c, host, "shared_values").unwrap_or_else(|| panic!("no shared cache on host {host}"))
}

fn restart_at(c: &Cluster, host: u8, service: &str) -> u64 {
    let out = ctl_at(c, host, &["svc", "restart", service]);
    assert!(out.status.success(), "{}", stderr(&out));
    let detail: p2p_shared::services::ServiceDetail = parse(&stdout(&out));
    detail.instance.generation
}

/// The shared table of a service's answers, as Redis holds it.
fn table(conn: &mut redis::Connection, service: &str) -> (String, Vec<(String, Vec<u8>)>) {
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("p2pd:*:svc:{service}"))
        .query(conn)
        .unwrap();
    let [key] = keys.as_slice() else {
        panic!("one table for {service}: {keys:?}")
    };
    let fields: Vec<(String, Vec<u8>)> = redis::cmd("HGETALL").arg(key).query(conn).unwrap();
    let values = fields.into_iter().filter(|(f, _)| f != "epoch").collect();
    (key.clone(), values)
}

fn occurrences(text: &str, needle: &str) -> usize {
    text.matches(needle).count()
}

#[test]
fn coordinators_share_answers_invalidate_each_other_and_answer_without_redis() {
    if !have_redis("shared cache") {
        return;
    }
    let mut redis = Redis::start();
    // The polls below read often: more than the default budget across coordinators.
    let roomy = "rate_limits:\n  read: {requests: 60000, burst: 2000}\n";
    let (c, _procs) = cluster(&redis, roomy, &["web", "api"]);
    let first = wait_for(Duration::from_secs(30), || status_at(&c, 1, "web"));
    let first = first.unwrap_or_else(|| panic!("no status of web: {}", c.log("coord")));
    assert_eq!(first.instances.len(), 1, "{first:?}");

    // Built by one coordinator, served to the other from Redis (whichever asks Redis
    // within a second of the other's answer: each keeps its own for a second).
    let hits = || shared_values(&c, 1).hits + shared_values(&c, 3).hits;
    let before = hits();
    let seen = wait_for(Duration::from_secs(10), || {
        status_at(&c, 1, "web");
        let got = status_at(&c, 3, "web")?;
        (hits() > before).then_some(got)
    });
    assert_eq!(seen.map(|s| generation(&s)), Some(generation(&first)));

    // A restart through coord: coord2's next answer has the new generation at once.
    let heard = shared_values(&c, 3).invalidations;
    let g = restart_at(&c, 1, "web");
    assert!(g > generation(&first));
    let after = status_at(&c, 3, "web").unwrap();
    assert_eq!(
        generation(&after),
        g,
        "coord2 served an answer from before the restart"
    );
    let told = wait_for(Duration::from_secs(5), || {
        (shared_values(&c, 3).invalidations > heard).then_some(())
    });
    assert!(told.is_some(), "coord2 heard of the restart");

    // Values that are not ours, put where coord2 will look: refused, answers still right.
    let mut conn = redis.connection().unwrap();
    status_at(&c, 1, "api").unwrap();
    status_at(&c, 1, "web").unwrap();
    let (_, api_values) = table(&mut conn, "api");
    assert!(!api_values.is_empty());
    let rejected = shared_values(&c, 3).rejected;
    let mut foreign = b"p2l2\x02\x05other".to_vec();
    foreign.extend_from_slice(&[0; 8 + 8 + 16 + 40]);
    for (i, bad) in [
        b"garbage, not a value".to_vec(),
        api_values[0].1.clone(), // sealed for another place
        foreign,
    ]
    .into_iter()
    .enumerate()
    {
        // Over every answer there, again and again: coord2 writes its own (under the
        // instances as it sees them) after refusing one.
        let refused = wait_for(Duration::from_secs(10), || {
            let (key, values) = table(&mut conn, "web");
            for (field, _) in &values {
                let _: () = redis::cmd("HSET")
                    .arg(&key)
                    .arg(field)
                    .arg(&bad)
                    .query(&mut conn)
                    .unwrap();
            }
            let s = status_at(&c, 3, "web")?;
            assert_eq!(generation(&s), g, "case {i}: wrong answer {s:?}");
            (shared_values(&c, 3).rejected > rejected + i as u64).then_some(())
        });
        assert!(
            refused.is_some(),
            "case {i} was not refused: {:?}",
            shared_values(&c, 3)
        );
    }

    // Redis gone: every answer still right, the outage logged once and counted.
    let logged = c.log("coord").len();
    redis.kill();
    for _ in 0..4 {
        for host in [1, 3] {
            let s = status_at(&c, host, "web").unwrap();
            assert_eq!(generation(&s), g);
        }
    }
    let g2 = restart_at(&c, 1, "web");
    assert_eq!(generation(&status_at(&c, 1, "web").unwrap()), g2);
    assert!(shared_values(&c, 1).redis_errors > 0);
    let since_kill = c.log("coord")[logged..].to_string();
    let warned = "shared cache unavailable";
    assert_eq!(occurrences(&since_kill, warned), 1, "{since_kill}");

    // Redis back: used again, and invalidations flow again (resubscribed).
    redis.restart();
    let back = wait_for(Duration::from_secs(20), || {
        let before = hits();
        status_at(&c, 1, "web");
        status_at(&c, 3, "web");
        (hits() > before).then_some(())
    });
    let shared_lines = |name: &str| -> String {
        c.log(name)
            .lines()
            .filter(|l| l.contains("shared cache"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        back.is_some(),
        "coord:\n{}\ncoord2:\n{}\n{:?}\n{:?}",
        shared_lines("coord"),
        shared_lines("coord2"),
        shared_values(&c, 1),
        shared_values(&c, 3)
    );
    let recovered = wait_for(Duration::from_secs(20), || {
        status_at(&c, 1, "web");
        c.log("coord")[logged..]
            .contains("shared cache reachable again")
            .then_some(())
    });
    assert!(recovered.is_some(), "{}", shared_lines("coord"));
    let resubscribed = wait_for(Duration::from_secs(20), || {
        let heard = shared_values(&c, 3).invalidations;
        restart_at(&c, 1, "api");
        wait_for(Duration::from_secs(1), || {
            (shared_values(&c, 3).invalidations > heard).then_some(())
        })
    });
    assert!(resubscribed.is_some(), "{}", c.log("coord2"));
}

/// `curl` from `source` (unauthenticated: charged to the address), the status code.
fn get_from(source: IpAddr, url: &str) -> u16 {
    request_from(source, url, &[])
}

fn request_from(source: IpAddr, url: &str, args: &[&str]) -> u16 {
    let out = Command::new("curl")
        .args([
            "-sk",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "--max-time",
            "5",
        ])
        .args(args)
        .arg("--interface")
        .arg(source.to_string())
        .arg(url)
        .output()
        .expect("curl runs");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(0)
}

/// `n` reads alternating between the two coordinators; how many were not refused (429).
fn allowed_of(c: &Cluster, source: IpAddr, n: usize) -> usize {
    (0..n)
        .filter(|i| {
            let host = if i % 2 == 0 { 1 } else { 3 };
            get_from(source, &c.url(host, "/v1/nodes")) != 429
        })
        .count()
}

/// `n` writes (refused 401 once admitted), alternating; how many were not refused (429).
fn writes_allowed_of(c: &Cluster, source: IpAddr, n: usize) -> usize {
    let codes: Vec<u16> = (0..n)
        .map(|i| {
            let host = if i % 2 == 0 { 1 } else { 3 };
            let url = c.url(host, "/v1/tokens");
            request_from(source, &url, &["-X", "POST"])
        })
        .collect();
    assert!(codes.iter().all(|c| [401, 429].contains(c)), "{codes:?}");
    codes.iter().filter(|c| **c != 429).count()
}

#[test]
fn a_rate_limit_holds_across_coordinators_and_falls_back_to_each_ones_own() {
    if !have_redis("shared rate limit") {
        return;
    }
    let mut redis = Redis::start();
    // Ten reads (a hundred writes) at once, then one every ten seconds: no refill
    // during the test.
    let limits =
        "rate_limits:\n  read: {requests: 6, burst: 10}\n  write: {requests: 6, burst: 100}\n";
    let (c, _procs) = cluster(&redis, limits, &[]);
    let base = match c.ip(1) {
        IpAddr::V4(v4) => v4.octets(),
        IpAddr::V6(_) => unreachable!("clusters are on 127/8"),
    };
    let source = |last: u8| IpAddr::from([base[0], base[1], base[2], last]);

    // Shared: ten in all, however they are spread.
    assert_eq!(allowed_of(&c, source(201), 20), 10);
    // A big budget is leased ten at a time: still a hundred in all (less what a lease
    // left unspent when it lapsed), never each coordinator's hundred.
    let writes = writes_allowed_of(&c, source(203), 240);
    let rates = |host| cache_at(&c, host, "shared_rate_limits");
    assert!(
        (100 - 18..=100).contains(&writes),
        "{writes} writes allowed; {:?} {:?}",
        rates(1),
        rates(3)
    );

    // Redis down: each coordinator's own budget is the floor, ten each.
    redis.kill();
    assert_eq!(allowed_of(&c, source(202), 24), 20);
}

#[test]
fn a_coordinator_uses_redis_over_tls_with_its_own_ca() {
    if !have_redis("shared cache over TLS") {
        return;
    }
    let redis = Redis::start_tls();
    let mut c = Cluster::new();
    c.extra_config = format!(
        "redis_url: {}\nredis_ca_file: {}\n",
        redis.url(),
        redis.ca_file().display()
    );
    let _procs = c.start_nodes(1);
    // Every read spends from the shared budget: Redis answered it, over TLS.
    let used = wait_for(Duration::from_secs(10), || {
        cache_at(&c, 1, "shared_rate_limits").filter(|r| r.hits > 0)
    });
    let rates = used.unwrap_or_else(|| panic!("{}", c.log("coord")));
    assert_eq!(rates.redis_errors, 0, "{rates:?}");
    let keys = redis.cli(&["KEYS", "p2pd:*:rl:*"]).unwrap();
    assert!(keys.contains(":rl:"), "no rate buckets in Redis: {keys}");
}

/// Two coordinators' shared caches in one process against a real Redis, once both answer.
async fn pair(
    redis: &Redis,
) -> (
    std::sync::Arc<p2pd::cache::shared::Shared>,
    std::sync::Arc<p2pd::cache::shared::Shared>,
    tokio::sync::watch::Sender<bool>,
) {
    use p2pd::cache::shared::{Shared, SharedSettings};
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let make = |node: &str| {
        let settings = SharedSettings {
            url: redis.url(),
            ca_pem: None,
            timeout: Duration::from_millis(200),
            cluster_id: "c1".into(),
            node_id: node.into(),
            key: zeroize::Zeroizing::new([7; 32]),
        };
        Shared::start(settings, shutdown.clone()).unwrap().0
    };
    let (a, b) = (make("a"), make("b"));
    for s in [&a, &b] {
        // Polled until connected, within a deadline.
        let up = async {
            while s.take("warm-up", 6000, 1000).await.is_none() {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        tokio::time::timeout(Duration::from_secs(10), up)
            .await
            .unwrap();
    }
    (a, b, stop)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leased_budgets_never_exceed_the_cluster_budget() {
    if !have_redis("leased budgets") {
        return;
    }
    let redis = Redis::start();
    let (a, b, _stop) = pair(&redis).await;
    let mut allowed = 0;
    for i in 0..240 {
        let s = if i % 2 == 0 { &a } else { &b };
        match s.take("write|someone", 6, 100).await {
            Some(Ok(())) => allowed += 1,
            Some(Err(_)) => {}
            None => panic!("redis did not answer request {i}"),
        }
    }
    assert!((82..=100).contains(&allowed), "{allowed} allowed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_table_keeps_a_bounded_number_of_answers_and_its_epoch() {
    if !have_redis("bounded tables") {
        return;
    }
    let redis = Redis::start();
    let (a, _b, _stop) = pair(&redis).await;
    a.invalidate("svc:churn").await;
    // A service whose instances keep changing: a new view, so a new answer, each time.
    for view in 0..200 {
        a.put("svc:churn", &format!("*|{view}"), 1, b"answer").await;
    }
    let mut conn = redis.connection().unwrap();
    let fields: u64 = redis::cmd("HLEN")
        .arg("p2pd:c1:svc:churn")
        .query(&mut conn)
        .unwrap();
    assert!((2..=65).contains(&fields), "{fields} fields");
    let epoch: Option<u64> = redis::cmd("HGET")
        .arg("p2pd:c1:svc:churn")
        .arg("epoch")
        .query(&mut conn)
        .unwrap();
    assert_eq!(epoch, Some(1), "the epoch survives the trimming");
    // The newest answer is still there and served.
    let got = a.get("svc:churn", "*|199", Duration::from_secs(5)).await;
    assert_eq!(got, p2pd::cache::shared::Lookup::Hit(b"answer".to_vec()));
}
