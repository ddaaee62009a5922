//! Membership benchmark on the deterministic simulator.
//!
//!     cargo run --release -p p2p-gossip --example gossip_bench [-- --quick] [--sizes 10,100,1000]
//!         [--sections detection,false,dissemination,revocation,idle,lz4]
//!
//! For N = 10, 100, 1000 it reports: time from a crash until every live member marks the
//! node dead (p50/p99 over seeds), false deaths per node-hour at 10% and 20% loss, rounds
//! for an update to reach 99.99% of members at 1% loss, the time for a revocation record
//! (650 bytes of metadata) to reach every member when a fifth of them cannot reach its
//! coordinator, and idle bytes/s per node.

use p2p_gossip::Millis;
use p2p_gossip::sim::{Sim, SimConfig};

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        return f64::NAN;
    }
    let idx = ((p / 100.0) * (v.len() as f64 - 1.0)).round() as usize;
    v[idx.min(v.len() - 1)]
}

fn detection(n: usize, seeds: u64, loss: f64) -> (f64, f64, f64, usize) {
    let mut times = Vec::new();
    let mut unconverged = 0;
    for seed in 0..seeds {
        let mut cfg = SimConfig::new(n, seed + 1);
        cfg.loss = loss;
        let mut sim = Sim::converged(cfg);
        sim.run_until(20_000 + seed * 37);
        let victim = (seed as usize * 7919) % n;
        let t0 = sim.now();
        sim.crash_watched(victim);
        sim.run_until(t0 + 60_000);
        match sim.all_saw_dead() {
            Some(t) => times.push((t - t0) as f64 / 1000.0),
            None => unconverged += 1,
        }
    }
    let mut t = times.clone();
    let max = t.iter().cloned().fold(0.0, f64::max);
    (pct(&mut t, 50.0), pct(&mut times, 99.0), max, unconverged)
}

fn false_deaths(n: usize, loss: f64, virtual_secs: u64, seeds: u64) -> (f64, usize, f64) {
    let mut deaths = 0;
    for seed in 0..seeds {
        let mut cfg = SimConfig::new(n, 1000 + seed);
        cfg.loss = loss;
        let mut sim = Sim::converged(cfg);
        sim.run_until(virtual_secs * 1000);
        deaths += sim.false_deaths();
    }
    let node_hours = (n as f64) * (virtual_secs as f64) * (seeds as f64) / 3600.0;
    (deaths as f64 / node_hours, deaths, node_hours)
}

fn dissemination(n: usize, seeds: u64) -> (f64, f64) {
    let mut rounds = Vec::new();
    for seed in 0..seeds {
        let mut cfg = SimConfig::new(n, 500 + seed);
        cfg.loss = 0.01;
        let interval = cfg.swim.gossip_interval;
        let mut sim = Sim::converged(cfg);
        sim.run_until(10_000);
        sim.watch_meta(0, "bench", "v1");
        let t0 = sim.now();
        sim.swim_mut(0).set_meta("bench", Some("v1".into()));
        let need = ((n - 1) as f64 * 0.9999).ceil() as usize;
        let mut t_reach = None;
        for step in 1..=600 {
            sim.run_until(t0 + step * 50);
            let mut seen: Vec<usize> = sim.meta_seen.iter().map(|(_, o)| *o).collect();
            seen.sort();
            seen.dedup();
            if seen.len() >= need {
                let mut times: Vec<Millis> = sim.meta_seen.iter().map(|(t, _)| *t).collect();
                times.sort();
                t_reach = times.get(need - 1).copied();
                break;
            }
        }
        if let Some(t) = t_reach {
            rounds.push((t - t0) as f64 / interval as f64);
        }
    }
    let mut r = rounds.clone();
    (pct(&mut r, 50.0), pct(&mut rounds, 99.0))
}

/// Sealing (key version, nonce, tag, flags) adds this much to every datagram.
const SEAL_OVERHEAD: f64 = 30.0;
/// IPv4 and UDP headers: what a datagram costs on the wire beyond its sealed payload.
const IP_UDP_HEADERS: f64 = 28.0;

/// Idle traffic per node from 60 s to 180 s after a converged start: UDP payload B/s, the
/// same on the wire (sealed, with IP and UDP headers) B/s, datagrams/s, push-pull payload
/// B/s, and push-pull exchanges begun per node-hour.
fn idle_bandwidth(n: usize) -> (f64, f64, f64, f64, f64) {
    let mut sim = Sim::converged(SimConfig::new(n, 77));
    sim.run_until(60_000);
    let udp0: u64 = sim.udp_bytes.iter().sum();
    let pk0: u64 = sim.udp_packets.iter().sum();
    let sync0: u64 = sim.sync_bytes.iter().sum();
    let started = |sim: &Sim| {
        (0..n)
            .map(|i| sim.swim(i).stats().syncs_started)
            .sum::<u64>()
    };
    let ex0 = started(&sim);
    sim.run_until(180_000);
    let udp = (sim.udp_bytes.iter().sum::<u64>() - udp0) as f64;
    let packets = (sim.udp_packets.iter().sum::<u64>() - pk0) as f64;
    let sync = (sim.sync_bytes.iter().sum::<u64>() - sync0) as f64;
    let exchanges = (started(&sim) - ex0) as f64;
    let per = |b: f64| b / n as f64 / 120.0;
    (
        per(udp),
        per(udp + packets * (SEAL_OVERHEAD + IP_UDP_HEADERS)),
        per(packets),
        per(sync),
        per(exchanges) * 3600.0,
    )
}

/// LZ4 on what gets big: a join (the whole view) and a full piggyback datagram.
fn lz4_saving(n: usize) -> (usize, usize) {
    let mut sim = Sim::converged(SimConfig::new(n, 5));
    sim.run_until(5_000);
    for i in 0..n {
        sim.swim_mut(i).set_meta(
            "role",
            Some(if i % 10 == 0 { "coordinator" } else { "worker" }.into()),
        );
        sim.swim_mut(i).set_meta("version", Some("0.1.0".into()));
    }
    sim.run_until(30_000);
    let join = sim.swim(0).join_request().encode();
    let packed = lz4_flex::block::compress_prepend_size(&join);
    (join.len(), packed.len())
}

/// Seconds until every member holds a 650-byte record set on node 0, with the links from
/// node 0 to a fifth of the members cut, at 1% loss: (p50, p99, max) over seeds.
fn revocation_spread(n: usize, seeds: u64) -> (f64, f64, f64) {
    let mut secs = Vec::new();
    for seed in 0..seeds {
        let mut cfg = SimConfig::new(n, 900 + seed);
        cfg.loss = 0.01;
        let mut sim = Sim::converged(cfg);
        for w in 1..=n / 5 {
            sim.cut_link(0, w);
        }
        sim.run_until(10_000);
        let record = format!(
            "42;{};{}",
            vec!["ab".repeat(16); 16].join(","),
            "s".repeat(96)
        );
        sim.watch_meta(0, "revocations", &record);
        let t0 = sim.now();
        sim.swim_mut(0).set_meta("revocations", Some(record));
        let mut reached = None;
        for step in 1..=600 {
            sim.run_until(t0 + step * 50);
            if let Some(t) = sim.all_saw_meta(0) {
                reached = Some(t);
                break;
            }
        }
        secs.push(reached.map_or(f64::INFINITY, |t| (t - t0) as f64 / 1000.0));
    }
    let max = secs.iter().copied().fold(0.0, f64::max);
    (pct(&mut secs, 50.0), pct(&mut secs, 99.0), max)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    // --sizes 10,100 runs only those cluster sizes.
    let chosen: Option<Vec<usize>> = args
        .iter()
        .position(|a| a == "--sizes")
        .and_then(|i| args.get(i + 1))
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect());
    let default: &[usize] = if quick { &[10, 100] } else { &[10, 100, 1000] };
    let sizes: &[usize] = chosen.as_deref().unwrap_or(default);
    // --sections detection,false,dissemination,idle,lz4 runs only those parts.
    let sections: Option<Vec<String>> = args
        .iter()
        .position(|a| a == "--sections")
        .and_then(|i| args.get(i + 1))
        .map(|v| v.split(',').map(|x| x.trim().to_string()).collect());
    let run = |name: &str| {
        sections
            .as_ref()
            .is_none_or(|s| s.iter().any(|x| x == name))
    };
    println!("p2p-gossip simulator benchmark (Config::lan: probe 1 s, gossip 200 ms x 3)");
    println!();
    if run("detection") {
        println!("crash -> every live member marks it dead (0% loss)");
        for &n in sizes {
            let seeds = if n >= 1000 {
                20
            } else if quick {
                10
            } else {
                40
            };
            let (p50, p99, max, lost) = detection(n, seeds, 0.0);
            println!(
                "  N={n:<5} seeds={seeds:<3} p50 {p50:.2} s  p99 {p99:.2} s  max {max:.2} s  never {lost}"
            );
        }
        println!();
    }
    if run("false") {
        println!("false deaths (live members declared dead)");
        for &n in sizes {
            for loss in [0.10, 0.20] {
                let (secs, seeds) = match n {
                    10 => (3600, 10),
                    100 => (3600, 1),
                    _ => (360, 1),
                };
                let secs = if quick { secs / 6 } else { secs };
                let (rate, deaths, hours) = false_deaths(n, loss, secs, seeds);
                println!(
                    "  N={n:<5} loss {:>2}%  {deaths} in {hours:.0} node-hours = {rate:.3} per node-hour",
                    (loss * 100.0) as u32
                );
            }
        }
        println!();
    }
    if run("dissemination") {
        println!("rounds (200 ms) until 99.99% of members have an update, 1% loss");
        for &n in sizes {
            let seeds = if n >= 1000 { 5 } else { 20 };
            let (p50, p99) = dissemination(n, seeds);
            println!("  N={n:<5} p50 {p50:.1} rounds  p99 {p99:.1} rounds");
        }
        println!();
    }
    if run("revocation") {
        println!(
            "revocation record -> every member, a fifth cut off from its coordinator, 1% loss"
        );
        for &n in sizes {
            let seeds = if n >= 1000 { 5 } else { 20 };
            let (p50, p99, max) = revocation_spread(n, seeds);
            println!("  N={n:<5} seeds={seeds:<3} p50 {p50:.2} s  p99 {p99:.2} s  max {max:.2} s");
        }
        println!();
    }
    if run("idle") {
        println!("idle traffic per node (UDP payload / on the wire / push-pull)");
        for &n in sizes {
            let (udp, wire, packets, sync, exchanges) = idle_bandwidth(n);
            println!(
                "  N={n:<5} {udp:.1} B/s payload, {wire:.1} B/s on the wire ({packets:.2} datagrams/s), push-pull {sync:.1} B/s ({exchanges:.1} exchanges per node-hour)"
            );
        }
        println!();
    }
    if run("lz4") {
        println!("LZ4 on a join request (the whole view, role + version metadata)");
        for &n in sizes {
            let (raw, packed) = lz4_saving(n);
            println!(
                "  N={n:<5} {raw} B -> {packed} B ({:.0}% saved)",
                100.0 * (1.0 - packed as f64 / raw as f64)
            );
        }
    }
}
