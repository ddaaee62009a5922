//! Live-event benchmark client (bench/events.sh runs it against a real cluster, signed in
//! through the p2pctl config in `P2PCTL_CONFIG`):
//!
//! - `events_bench latency N`: one socket on the coordinator; the latency from cause to
//!   client of N log lines printed by the service `stamp` on w1 (each carries its clock),
//!   N state changes of the service `flap` (it prints its clock and exits; the change is
//!   its `backoff`), and N samples taken on w1 (their own time), as p50/p99/max.
//! - `events_bench fanout CLIENTS SECONDS`: CLIENTS sockets subscribed to metrics for
//!   SECONDS, then the messages delivered and their latency from sample to client.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: a panic is the report

use std::collections::HashMap;
use std::time::{Duration, Instant};

use p2p_shared::contexts::CtlConfig;
use p2p_shared::events::{EventBody, EventType, Subscription};
use p2p_shared::services::ServiceState;
use p2p_shared::tls::Fingerprint;
use p2p_shared::{ApiClient, ClientOptions, ServerTrust};

fn client() -> ApiClient {
    let path = std::env::var("P2PCTL_CONFIG").expect("P2PCTL_CONFIG");
    let file = CtlConfig::load(std::path::Path::new(&path)).unwrap();
    let ctx = &file.contexts[file.current_context.as_ref().unwrap()];
    let mut o = ClientOptions::new(
        ctx.server.clone(),
        ServerTrust::Pinned(Fingerprint::parse(&ctx.ca_fingerprint).unwrap()),
    );
    o.token = ctx.token.clone();
    ApiClient::new(o).unwrap()
}

fn now_ns() -> i128 {
    time::OffsetDateTime::now_utc().unix_timestamp_nanos()
}

fn report(what: &str, mut ms: Vec<f64>) {
    if ms.is_empty() {
        println!("{what}: no measurements");
        return;
    }
    ms.sort_by(f64::total_cmp);
    let q = |p: f64| ms[((p * (ms.len() - 1) as f64).round() as usize).min(ms.len() - 1)];
    println!(
        "{what}, {} events: p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms",
        ms.len(),
        q(0.5),
        q(0.99),
        ms[ms.len() - 1]
    );
}

async fn latency(n: usize) {
    let sub = Subscription {
        types: [EventType::Logs, EventType::Services, EventType::Metrics].into(),
        node: Some("w1".into()),
        ..Subscription::default()
    };
    let mut stream = client().events(&sub).await.unwrap();
    let (mut lines, mut samples, mut changes) = (Vec::new(), Vec::new(), Vec::new());
    let mut exits: HashMap<u64, i128> = HashMap::new();
    let mut seen: HashMap<u64, i128> = HashMap::new();
    let mut synced = false;
    let deadline = Instant::now() + Duration::from_secs(600);
    while (lines.len() < n || samples.len() < n || changes.len() < n) && Instant::now() < deadline {
        let e = stream.next().await.unwrap().unwrap();
        let now = now_ns();
        match e.body {
            EventBody::Synced { .. } => synced = true,
            _ if !synced => {}
            EventBody::Logs(r) => {
                let words: Vec<&str> = r.message.split_whitespace().collect();
                match (r.source.as_str(), words.as_slice()) {
                    ("stamp", ["stamp", ns]) if lines.len() < n => {
                        lines.push((now - ns.parse::<i128>().unwrap()) as f64 / 1e6);
                    }
                    ("flap", ["exit", generation, ns]) => {
                        let (g, at) = (generation.parse().unwrap(), ns.parse().unwrap());
                        match seen.remove(&g) {
                            Some(t) if changes.len() < n => changes.push((t - at) as f64 / 1e6),
                            Some(_) => {}
                            None => {
                                exits.insert(g, at);
                            }
                        }
                    }
                    _ => {}
                }
            }
            EventBody::Services(s) if s.name == "flap" && s.state == ServiceState::Backoff => {
                match exits.remove(&s.generation) {
                    Some(at) if changes.len() < n => changes.push((now - at) as f64 / 1e6),
                    Some(_) => {}
                    None => {
                        seen.insert(s.generation, now);
                    }
                }
            }
            EventBody::Metrics(m) if samples.len() < n => {
                samples.push((now - m.time.unix_timestamp_nanos()) as f64 / 1e6);
            }
            _ => {}
        }
    }
    report("log line printed on w1 -> client of the coordinator", lines);
    report("service state change on w1 (its exit) -> client", changes);
    report("sample taken on w1 -> client", samples);
}

async fn fanout(clients: usize, seconds: u64) {
    let client = client();
    let sub = Subscription {
        types: [EventType::Metrics].into(),
        ..Subscription::default()
    };
    // One after another, as dashboards open: a burst of handshakes beyond the node's
    // handshake pool is refused by design.
    let mut streams = Vec::new();
    for _ in 0..clients {
        match client.events(&sub).await {
            Ok(s) => streams.push(s),
            Err(e) => println!("a client could not subscribe: {e}"),
        }
    }
    let started = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for mut stream in streams {
        tasks.push(tokio::spawn(async move {
            let (mut got, mut lat, mut lagged) = (0u64, Vec::new(), 0u64);
            let mut synced = false;
            while let Ok(Some(e)) = tokio::time::timeout_at(started.into(), stream.next()).await {
                match e.map_err(|e| e.to_string())?.body {
                    EventBody::Synced { .. } => synced = true,
                    EventBody::Metrics(m) if synced => {
                        got += 1;
                        lat.push((now_ns() - m.time.unix_timestamp_nanos()) as f64 / 1e6);
                    }
                    EventBody::Lagged { dropped } => lagged += dropped,
                    _ => {}
                }
            }
            Ok::<_, String>((got, lat, lagged))
        }));
    }
    let (mut total, mut all, mut lagged) = (0, Vec::new(), 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok((g, l, d)) => {
                total += g;
                all.extend(l);
                lagged += d;
            }
            Err(e) => println!("a client's stream broke: {e}"),
        }
    }
    println!(
        "{clients} clients over {seconds} s: {total} samples delivered ({:.0}/s), {lagged} dropped",
        total as f64 / seconds as f64
    );
    report("sample taken -> each of the clients", all);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    match args.get(1).map(String::as_str) {
        Some("latency") => rt.block_on(latency(args[2].parse().unwrap())),
        Some("fanout") => rt.block_on(fanout(args[2].parse().unwrap(), args[3].parse().unwrap())),
        _ => eprintln!("usage: events_bench latency N | fanout CLIENTS SECONDS"),
    }
}
