//! Protocol behaviour on the deterministic simulator (virtual time: these run in
//! milliseconds of real time).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::net::SocketAddr;

use p2p_gossip::sim::{Sim, SimConfig, node_name};
use p2p_gossip::{Config, Output, State, Swim, SyncRequest};

#[test]
fn a_crash_is_known_to_every_member() {
    for seed in 1..=5 {
        let mut sim = Sim::converged(SimConfig::new(20, seed));
        sim.run_until(15_000);
        sim.crash_watched(7);
        let t0 = sim.now();
        sim.run_until(t0 + 20_000);
        let t = sim
            .all_saw_dead()
            .expect("every member learns of the crash");
        assert!(t - t0 < 10_000, "seed {seed}: took {} ms", t - t0);
        assert_eq!(sim.false_deaths(), 0, "seed {seed}");
    }
}

#[test]
fn nodes_joining_through_one_seed_converge() {
    let mut sim = Sim::joining(SimConfig::new(30, 3), 5_000);
    sim.run_until(25_000);
    assert!(
        sim.converged_view(),
        "30 joining nodes do not agree after 20 s"
    );
    assert_eq!(sim.false_deaths(), 0);
}

#[test]
fn a_paused_member_kills_nobody_and_comes_back() {
    for seed in 1..=5 {
        let mut sim = Sim::converged(SimConfig::new(10, seed));
        sim.run_until(10_000);
        sim.pause(4);
        sim.run_until(15_000);
        sim.resume(4);
        sim.run_until(40_000);
        let paused = node_name(4);
        let wrongly_dead: Vec<_> = sim
            .observations
            .iter()
            .filter(|o| o.state == State::Dead && o.node != paused)
            .collect();
        assert!(wrongly_dead.is_empty(), "seed {seed}: {wrongly_dead:?}");
        assert!(
            sim.converged_view(),
            "seed {seed}: views did not settle after the pause"
        );
    }
}

#[test]
fn a_healed_partition_merges_within_thirty_seconds() {
    for seed in 1..=3 {
        let mut sim = Sim::converged(SimConfig::new(24, seed));
        sim.run_until(10_000);
        sim.partition(|i| (i % 2) as u32);
        sim.run_until(10_000 + 120_000);
        // Each side has declared the other dead.
        assert_eq!(sim.view(0, 1), Some(State::Dead), "seed {seed}");
        let healed = sim.now();
        sim.heal();
        let mut merged = None;
        for step in 1..=60 {
            sim.run_until(healed + step * 500);
            if sim.converged_view() {
                merged = Some(step * 500);
                break;
            }
        }
        let merged = merged.expect("views merged after the heal");
        assert!(merged <= 30_000, "seed {seed}: merged after {merged} ms");
    }
}

#[test]
fn a_graceful_leave_is_seen_as_left_not_dead() {
    let mut sim = Sim::converged(SimConfig::new(12, 9));
    sim.run_until(5_000);
    let now = sim.now();
    sim.swim_mut(5).leave(now);
    sim.run_until(7_000);
    sim.crash(5);
    sim.run_until(30_000);
    for o in (0..12).filter(|&o| o != 5) {
        assert_eq!(sim.view(o, 5), Some(State::Left), "observer {o}");
    }
}

#[test]
fn a_dead_member_forced_out_is_left_everywhere_and_an_alive_one_cannot_be() {
    let mut sim = Sim::converged(SimConfig::new(12, 11));
    sim.run_until(5_000);
    let now = sim.now();
    assert!(matches!(
        sim.swim_mut(0).force_leave(now, &node_name(4)),
        Err(p2p_gossip::ForceLeaveError::Alive(_))
    ));
    assert!(matches!(
        sim.swim_mut(0).force_leave(now, &node_name(0)),
        Err(p2p_gossip::ForceLeaveError::Own)
    ));
    sim.crash(4);
    sim.run_until(20_000);
    assert_eq!(sim.view(0, 4), Some(State::Dead));
    let now = sim.now();
    sim.swim_mut(0).force_leave(now, &node_name(4)).unwrap();
    sim.run_until(now + 5_000);
    for o in (0..12).filter(|&o| o != 4) {
        assert_eq!(sim.view(o, 4), Some(State::Left), "observer {o}");
    }
}

#[test]
fn metadata_reaches_every_member_and_newer_versions_win() {
    let mut sim = Sim::converged(SimConfig::new(50, 4));
    sim.run_until(5_000);
    sim.swim_mut(3).set_meta("role", Some("worker".into()));
    sim.run_until(6_000);
    sim.swim_mut(3).set_meta("role", Some("coordinator".into()));
    sim.run_until(12_000);
    for o in 0..50 {
        let m = sim.swim(o).member(&node_name(3)).expect("member known");
        assert_eq!(m.meta_value("role"), Some("coordinator"), "observer {o}");
    }
}

fn addr(s: &str) -> SocketAddr {
    s.parse().expect("test address")
}

fn sends(s: &mut Swim) -> Vec<(SocketAddr, Vec<u8>)> {
    let mut v = Vec::new();
    while let Some(o) = s.poll_output() {
        if let Output::Send { to, payload } = o {
            v.push((to, payload));
        }
    }
    v
}

#[test]
fn multi_homed_peer_the_answering_address_is_remembered() {
    let a_addr = addr("192.0.2.1:7946");
    let (b_bad, b_good) = (addr("203.0.113.2:7946"), addr("198.51.100.2:7946"));
    let mut a = Swim::new(Config::lan(), "a", vec![a_addr], 1, 1, 0);
    let mut b = Swim::new(Config::lan(), "b", vec![b_bad, b_good], 1, 2, 0);
    // a joins b.
    let join = a.join_request();
    let resp = b.handle_sync(0, join);
    a.sync_continue(0, resp);
    assert_eq!(
        a.member("b").map(|m| m.addrs.clone()),
        Some(vec![b_bad, b_good])
    );
    sends(&mut a);
    sends(&mut b);
    // Run a until it probes b: it pings every advertised address; only b_good is routable.
    let mut now = 0;
    let mut answered = false;
    while now < 3_000 && !answered {
        now += 10;
        a.tick(now);
        b.tick(now);
        for (to, payload) in sends(&mut a) {
            if to == b_good {
                b.handle_packet(now, a_addr, &payload);
                answered = true;
            }
        }
        for (to, payload) in sends(&mut b) {
            if to == a_addr {
                a.handle_packet(now, b_good, &payload);
            }
        }
    }
    assert!(answered, "a never probed b");
    assert_eq!(a.member("b").and_then(|m| m.preferred), Some(b_good));
    // Later gossip about b (same addresses, new incarnation) keeps the choice.
    let gossip = p2p_gossip::Packet {
        msg: p2p_gossip::Msg::Gossip,
        updates: vec![p2p_gossip::Update::Alive {
            node: "b".into(),
            incarnation: 5,
            addrs: vec![b_bad, b_good],
        }],
    };
    a.handle_packet(now, b_good, &gossip.encode());
    let m = a.member("b").expect("b known");
    assert_eq!((m.incarnation, m.preferred), (5, Some(b_good)));
}

#[test]
fn garbage_is_counted_never_fatal() {
    let mut a = Swim::new(Config::lan(), "a", vec![addr("192.0.2.1:1")], 1, 1, 0);
    for junk in [
        &b""[..],
        &[0xff; 3],
        &[7u8; 1400],
        &[0, 200, 200, 200, 200, 200],
    ] {
        a.handle_packet(1, addr("192.0.2.9:1"), junk);
    }
    assert_eq!(a.stats().undecodable, 4);
    assert!(SyncRequest::decode(&[9, 9, 9]).is_err());
}

#[test]
fn a_restarted_node_out_bids_its_old_incarnation() {
    let mut sim = Sim::converged(SimConfig::new(8, 5));
    sim.run_until(5_000);
    // Someone claims node 2 is dead at a higher incarnation than it knows (it restarted
    // without its state): it must refute and end up alive everywhere.
    let now = sim.now();
    let claim = p2p_gossip::Packet {
        msg: p2p_gossip::Msg::Gossip,
        updates: vec![p2p_gossip::Update::Dead {
            node: node_name(2),
            incarnation: 9,
            from: node_name(1),
        }],
    };
    sim.swim_mut(2)
        .handle_packet(now, addr("198.51.100.2:20000"), &claim.encode());
    assert!(sim.swim(2).incarnation() > 9);
    sim.run_until(15_000);
    for o in 0..8 {
        assert_eq!(sim.view(o, 2), Some(State::Alive), "observer {o}");
    }
}

#[test]
fn own_metadata_echoed_back_is_not_republished() {
    let mut sim = Sim::converged(SimConfig::new(20, 11));
    sim.run_until(2_000);
    sim.swim_mut(0).set_meta("role", Some("worker".into()));
    sim.swim_mut(0).set_meta("version", Some("1".into()));
    sim.run_until(10_000);
    let settled = sim.swim(0).member(&node_name(0)).unwrap().meta_version;
    sim.run_until(60_000);
    let later = sim.swim(0).member(&node_name(0)).unwrap().meta_version;
    assert_eq!(
        settled, later,
        "metadata versions keep climbing with no change"
    );
    assert_eq!(settled, 2);
}

#[test]
fn a_stale_left_about_itself_does_not_take_a_node_out() {
    let mut sim = Sim::converged(SimConfig::new(6, 12));
    sim.run_until(3_000);
    // An old `left` of node 2 (incarnation 0, below its current 1) arrives again.
    let stale = p2p_gossip::Packet {
        msg: p2p_gossip::Msg::Gossip,
        updates: vec![p2p_gossip::Update::Left {
            node: node_name(2),
            incarnation: 0,
        }],
    };
    let now = sim.now();
    sim.swim_mut(2)
        .handle_packet(now, addr("198.51.100.1:20000"), &stale.encode());
    assert_eq!(
        sim.swim(2).member(&node_name(2)).unwrap().state,
        State::Alive
    );
    sim.run_until(15_000);
    for o in 0..6 {
        assert_eq!(sim.view(o, 2), Some(State::Alive), "observer {o}");
    }
}

#[test]
fn absurd_incarnations_are_refused() {
    let mut a = Swim::new(Config::lan(), "a", vec![addr("192.0.2.1:1")], 1, 1, 0);
    let evil = p2p_gossip::Packet {
        msg: p2p_gossip::Msg::Gossip,
        updates: vec![p2p_gossip::Update::Dead {
            node: "a".into(),
            incarnation: u64::MAX,
            from: "x".into(),
        }],
    };
    a.handle_packet(1, addr("192.0.2.9:1"), &evil.encode());
    assert_eq!(
        a.incarnation(),
        1,
        "a forged incarnation must not be adopted"
    );
}

/// Feeds `updates` to `swim` as one gossip packet from a stranger.
fn inject(swim: &mut Swim, updates: Vec<p2p_gossip::Update>) {
    let packet = p2p_gossip::Packet {
        msg: p2p_gossip::Msg::Gossip,
        updates,
    };
    swim.handle_packet(1, addr("192.0.2.9:1"), &packet.encode());
}

#[test]
fn member_names_follow_the_node_id_rule() {
    let mut a = Swim::new(Config::lan(), "a", vec![addr("192.0.2.1:1")], 1, 1, 0);
    for name in [
        "Bad",
        "has space",
        "new\nline",
        "",
        "-x",
        &"l".repeat(64),
        "ok-1.b_c",
    ] {
        inject(
            &mut a,
            vec![p2p_gossip::Update::Alive {
                node: name.to_string(),
                incarnation: 1,
                addrs: vec![addr("192.0.2.5:1")],
            }],
        );
    }
    let names: Vec<String> = a.members().map(|m| m.name.clone()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(a.member("ok-1.b_c").is_some());
}

#[test]
fn an_incarnation_far_above_the_known_one_cannot_evict_a_member() {
    let mut a = Swim::new(Config::lan(), "a", vec![addr("192.0.2.1:1")], 1, 1, 0);
    let alive = |inc| p2p_gossip::Update::Alive {
        node: "b".into(),
        incarnation: inc,
        addrs: vec![addr("192.0.2.2:1")],
    };
    inject(&mut a, vec![alive(3)]);
    // Declared dead near the top of the range: b could never out-bid it. Refused.
    for inc in [p2p_gossip::MAX_INCARNATION - 1, 3 + (1 << 21)] {
        inject(
            &mut a,
            vec![p2p_gossip::Update::Dead {
                node: "b".into(),
                incarnation: inc,
                from: "x".into(),
            }],
        );
        assert_eq!(a.member("b").map(|m| m.state), Some(State::Alive), "{inc}");
        assert_eq!(a.member("b").map(|m| m.incarnation), Some(3));
    }
    // An ordinary step still counts, and b's refutation one above it wins again.
    inject(
        &mut a,
        vec![p2p_gossip::Update::Dead {
            node: "b".into(),
            incarnation: 4,
            from: "x".into(),
        }],
    );
    assert_eq!(a.member("b").map(|m| m.state), Some(State::Dead));
    inject(&mut a, vec![alive(5)]);
    assert_eq!(a.member("b").map(|m| m.state), Some(State::Alive));
    // A claim about a itself that far up is not answered by jumping there.
    inject(
        &mut a,
        vec![p2p_gossip::Update::Suspect {
            node: "a".into(),
            incarnation: 1 << 30,
            from: "x".into(),
        }],
    );
    assert_eq!(a.incarnation(), 1);
}

#[test]
fn metadata_per_member_is_capped() {
    let mut a = Swim::new(Config::lan(), "a", vec![addr("192.0.2.1:1")], 1, 1, 0);
    let mut updates = vec![p2p_gossip::Update::Alive {
        node: "b".into(),
        incarnation: 1,
        addrs: vec![addr("192.0.2.2:1")],
    }];
    for i in 0..500u64 {
        updates.push(p2p_gossip::Update::Meta {
            node: "b".into(),
            key: format!("k{i}"),
            value: Some("v".repeat(100)),
            version: i + 1,
        });
    }
    for chunk in updates.chunks(8) {
        inject(&mut a, chunk.to_vec());
    }
    let b = a.member("b").unwrap();
    assert!(
        b.meta.len() <= p2p_gossip::MAX_META_KEYS,
        "{}",
        b.meta.len()
    );
    let bytes: usize = b
        .meta
        .iter()
        .map(|(k, e)| k.len() + e.value.as_ref().map_or(0, String::len))
        .sum();
    assert!(bytes <= p2p_gossip::MAX_META_BYTES, "{bytes}");
    assert!(a.stats().meta_refused > 0);
    // Its own metadata obeys the same caps.
    let big = Some("x".repeat(p2p_gossip::MAX_META_BYTES + 1));
    a.set_meta("huge", big);
    assert!(!a.member("a").unwrap().meta.contains_key("huge"));
}

#[test]
fn a_join_into_a_thousand_nodes_with_fifty_services_each_is_paged() {
    // The seed knows 1000 members, each with 50 service announcements.
    let mut seed = Swim::new(Config::lan(), "seed", vec![addr("192.0.2.1:1")], 1, 1, 0);
    for n in 0..1000u32 {
        let node = format!("n{n:04}");
        let mut updates = vec![p2p_gossip::Update::Alive {
            node: node.clone(),
            incarnation: 1,
            addrs: vec![SocketAddr::from((
                [10, 0, (n / 250) as u8, (n % 250) as u8],
                8801,
            ))],
        }];
        for s in 0..50u64 {
            updates.push(p2p_gossip::Update::Meta {
                node: node.clone(),
                key: format!("svc.service-{s:02}"),
                value: Some(format!(
                    r#"{{"state":"running","health":"healthy","desired":"running","ports":{{"http":{}}},"pid":{},"restarts":0,"generation":1}}"#,
                    8000 + s,
                    1000 + s
                )),
                version: s + 1,
            });
        }
        for chunk in updates.chunks(10) {
            inject(&mut seed, chunk.to_vec());
        }
    }
    assert_eq!(seed.members().count(), 1001);
    // A new node joins through it: every message stays well under the 4 MiB the agent
    // accepts, and afterwards it knows everything.
    let mut joiner = Swim::new(Config::lan(), "joiner", vec![addr("192.0.2.7:1")], 1, 7, 0);
    let mut ex = joiner.start_exchange(true);
    let mut largest = 0usize;
    let mut rounds = 0;
    while let Some(req) = ex.next_request() {
        let req = SyncRequest::decode(&req.encode()).unwrap();
        let resp = seed.handle_sync(1, req);
        let bytes = resp.encode();
        largest = largest.max(bytes.len());
        let resp = p2p_gossip::SyncResponse::decode(&bytes).unwrap();
        joiner.continue_exchange(1, &mut ex, resp);
        rounds += 1;
    }
    assert!(
        rounds > 2,
        "the view came in {rounds} message(s): not paged"
    );
    assert!(largest < 2 * 1024 * 1024, "a page of {largest} bytes");
    assert_eq!(joiner.members().count(), 1002);
    assert!(
        joiner
            .members()
            .filter(|m| m.name.starts_with('n'))
            .all(|m| m.meta.len() == 50)
    );
    assert!(
        seed.member("joiner").is_some(),
        "the seed did not learn the joiner"
    );
}

#[test]
fn a_quiet_cluster_skips_push_pull_because_acks_show_equal_views() {
    let n = 20;
    let mut sim = Sim::converged(SimConfig::new(n, 31));
    sim.run_until(60_000);
    let started = |sim: &Sim| {
        (0..n)
            .map(|i| sim.swim(i).stats().syncs_started)
            .sum::<u64>()
    };
    let skipped = |sim: &Sim| {
        (0..n)
            .map(|i| sim.swim(i).stats().syncs_skipped)
            .sum::<u64>()
    };
    let (s0, k0) = (started(&sim), skipped(&sim));
    sim.run_until(60_000 + 600_000);
    let (s, k) = (started(&sim) - s0, skipped(&sim) - k0);
    // Ten quiet minutes: every node was due about 20 times (backing off to 30 s), and
    // every time an ack had shown it a peer with the same view.
    assert!(k >= n as u64 * 15, "skipped {k}");
    assert_eq!(s, 0, "no exchange with a live member in a quiet cluster");
}

#[test]
fn a_node_whose_news_was_lost_still_spreads_it_by_push_pull() {
    let n = 20;
    let mut sim = Sim::converged(SimConfig::new(n, 32));
    sim.run_until(60_000);
    let before = sim.swim(5).stats().syncs_started;
    // Cut off, node 5 changes its metadata: its gossip of the change goes nowhere and its
    // retransmissions are spent by the time the cut heals.
    sim.partition(|i| u32::from(i == 5));
    sim.swim_mut(5).set_meta("role", Some("coordinator".into()));
    sim.run_until(61_000);
    sim.heal();
    let healed = sim.now();
    let mut everywhere = None;
    for step in 1..=180 {
        sim.run_until(healed + step * 500);
        if (0..n).all(|o| {
            sim.swim(o)
                .member(&node_name(5))
                .is_some_and(|m| m.meta_value("role") == Some("coordinator"))
        }) {
            everywhere = Some(step * 500);
            break;
        }
    }
    let took = everywhere.expect("every node learned node 5's change");
    // Node 5's acks disagreed with everyone's view, so it did not skip its exchange.
    assert!(sim.swim(5).stats().syncs_started > before);
    assert!(took <= 60_000, "took {took} ms");
}

/// A revocation record (about 650 bytes: the most a coordinator publishes) set on node 0
/// reaches every member within 5 s at N=50, the ten whose link to node 0 is cut included:
/// they hear it from the others.
#[test]
fn a_revocation_record_reaches_members_cut_off_from_its_coordinator() {
    let mut sim = Sim::converged(SimConfig::new(50, 21));
    for w in 1..=10 {
        sim.cut_link(0, w);
    }
    sim.run_until(3_000);
    let record = format!(
        "42;{};{}",
        vec!["ab".repeat(16); 16].join(","),
        "s".repeat(96)
    );
    assert!(record.len() > 600, "{}", record.len());
    sim.watch_meta(0, "revocations", &record);
    let start = sim.now();
    sim.swim_mut(0).set_meta("revocations", Some(record));
    sim.run_until(start + 5_000);
    let all = sim
        .all_saw_meta(0)
        .expect("a member never heard of the record");
    assert!(all - start <= 5_000, "{} ms", all - start);
    for w in 1..=10 {
        assert!(
            sim.meta_seen.iter().any(|(_, i)| *i == w),
            "cut-off member {w}"
        );
    }
}
