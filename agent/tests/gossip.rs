//! The gossip wire against a real in-process agent over real UDP: sealed packets with a wrong
//! key, tampered, replayed, oversized or garbage are dropped and counted while valid ones are
//! answered; the keyring reaches workers at enrolment; rotating it flaps nobody.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;
use common::*;

use std::sync::atomic::Ordering;
use std::time::Duration;

use p2p_gossip::{Msg, Packet};
use p2p_shared::api::GossipKeyring;
use p2p_shared::{ApiClient, ClientOptions, ServerTrust};
use p2pd::membership::seal::generate_key;
use p2pd::membership::{Keys, Sealer};
use p2pd::node::RunningAgent;
use tokio::net::UdpSocket;

fn admin(coord: &RunningAgent) -> ApiClient {
    let der = p2pd::pki::ca::pem_to_der(coord.ca_pem()).unwrap();
    let mut opts = ClientOptions::new(coord.local_addr.to_string(), ServerTrust::CaCert(der));
    opts.token = Some(coord.issue_token("admin", p2p_shared::Role::Admin).unwrap());
    ApiClient::new(opts).unwrap()
}

fn keyring_of(agent: &RunningAgent) -> GossipKeyring {
    agent.gossip_keyring().expect("a keyring")
}

async fn ack_for(sock: &UdpSocket, sealer: &Sealer, seq: u32, within: Duration) -> bool {
    let mut buf = vec![0u8; 2048];
    let wait = async {
        loop {
            let (n, _) = sock.recv_from(&mut buf).await.unwrap();
            if let Ok(plain) = sealer.open(&buf[..n])
                && let Ok(p) = Packet::decode(&plain)
                && p.msg == (Msg::Ack { seq })
            {
                return true;
            }
        }
    };
    tokio::time::timeout(within, wait).await.unwrap_or(false)
}

fn ping(seq: u32) -> Vec<u8> {
    Packet {
        msg: Msg::Ping {
            seq,
            target: "coord".into(),
        },
        updates: vec![],
    }
    .encode()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_datagrams_are_dropped_and_counted_good_ones_answered() {
    let (net, dir, coord) = cluster().await;
    // The keyring reaches a worker with its certificate.
    let token = coord
        .create_join_token(Duration::from_secs(600), None, 1)
        .unwrap();
    let w = worker(&net, 2, "w2", dir.path(), &coord, Some(&token))
        .await
        .unwrap();
    assert_eq!(keyring_of(&w), keyring_of(&coord));

    let right = Sealer::new(Keys::from_api(&keyring_of(&coord)).unwrap(), 512);
    let wrong = Sealer::new(
        Keys::from_api(&GossipKeyring {
            version: 1,
            keys: vec![generate_key()],
        })
        .unwrap(),
        512,
    );
    let sock = UdpSocket::bind((net.ip(9), 0)).await.unwrap();
    let to = coord.local_addr;
    let stats = coord.membership().sealer.stats.clone();
    let count = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);

    let good = right.seal(&ping(7)).unwrap();
    sock.send_to(&good, to).await.unwrap();
    assert!(
        ack_for(&sock, &right, 7, Duration::from_secs(3)).await,
        "a valid ping is answered"
    );

    let before = (
        count(&stats.replayed),
        count(&stats.unauthenticated),
        count(&stats.malformed),
        count(&stats.oversized),
    );
    // Replayed.
    sock.send_to(&good, to).await.unwrap();
    // Tampered: one bit of the ciphertext.
    let mut tampered = right.seal(&ping(8)).unwrap();
    let last = tampered.len() - 20;
    tampered[last] ^= 0x40;
    sock.send_to(&tampered, to).await.unwrap();
    // Sealed under a key that is not the cluster's.
    sock.send_to(&wrong.seal(&ping(9)).unwrap(), to)
        .await
        .unwrap();
    // Garbage and an oversized datagram.
    sock.send_to(&[0x55u8; 40], to).await.unwrap();
    sock.send_to(&vec![1u8; 4000], to).await.unwrap();
    // A negative check: a replay must not be answered.
    assert!(
        !ack_for(&sock, &right, 7, Duration::from_millis(500)).await,
        "a replay was answered"
    );

    let after = (
        count(&stats.replayed),
        count(&stats.unauthenticated),
        count(&stats.malformed),
        count(&stats.oversized),
    );
    assert_eq!(after.0 - before.0, 1, "replayed");
    assert_eq!(after.1 - before.1, 2, "tampered + wrong key");
    assert_eq!(after.2 - before.2, 1, "garbage");
    assert_eq!(after.3 - before.3, 1, "oversized");

    // Operators see the same counters through the API.
    let st = admin(&coord).gossip_stats().await.unwrap();
    assert!(
        st.dropped_replayed >= 1 && st.dropped_unauthenticated >= 2,
        "{st:?}"
    );
    assert!(
        st.dropped_oversized >= 1 && st.dropped_malformed >= 1,
        "{st:?}"
    );

    // Still serving.
    sock.send_to(&right.seal(&ping(10)).unwrap(), to)
        .await
        .unwrap();
    assert!(
        ack_for(&sock, &right, 10, Duration::from_secs(3)).await,
        "the node still answers after bad input"
    );
    w.shutdown().await;
    coord.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_rotation_reaches_every_node_and_flaps_nobody() {
    let (net, dir, coord) = cluster().await;
    let token = coord
        .create_join_token(Duration::from_secs(600), None, 2)
        .unwrap();
    let w2 = worker(&net, 2, "w2", dir.path(), &coord, Some(&token))
        .await
        .unwrap();
    let w3 = worker(&net, 3, "w3", dir.path(), &coord, Some(&token))
        .await
        .unwrap();
    let all = [&coord, &w2, &w3];
    let converged = || {
        all.iter().all(|a| {
            a.membership()
                .nodes()
                .iter()
                .filter(|n| n.state.to_string() == "alive")
                .count()
                == 3
        })
    };
    assert!(
        poll(Duration::from_secs(20), || async { converged() }).await,
        "no convergence"
    );
    let before: Vec<_> = all.iter().map(|a| a.membership().incarnations()).collect();
    let old = keyring_of(&coord);

    let outcome = admin(&coord).rotate_gossip_key(false).await.unwrap();
    assert!(outcome.old_key_removed, "{outcome:?}");
    assert!(outcome.lagging.is_empty(), "{outcome:?}");
    assert_eq!(outcome.version, old.version + 3);
    let new = keyring_of(&coord);
    assert_eq!(new.keys.len(), 1);
    assert!(!old.keys.contains(&new.keys[0]));
    for a in [&w2, &w3] {
        assert!(
            poll(Duration::from_secs(10), || async {
                a.membership().sealer.key_version() == new.version
            })
            .await,
            "worker did not install the new keyring"
        );
        assert_eq!(keyring_of(a), new);
    }
    // Gossip keeps flowing under the new key (every node opens several more datagrams, which
    // only the new key can seal now), and nobody was suspected, so nobody had to refute.
    let opened = |a: &RunningAgent| a.membership().sealer.stats.opened.load(Ordering::Relaxed);
    let start: Vec<u64> = all.iter().map(|a| opened(a)).collect();
    let flowing = poll(Duration::from_secs(10), || async {
        all.iter().zip(&start).all(|(a, s)| opened(a) >= s + 6)
    })
    .await;
    assert!(flowing, "gossip stalled after the rotation");
    assert!(converged());
    let after: Vec<_> = all.iter().map(|a| a.membership().incarnations()).collect();
    assert_eq!(
        before, after,
        "a member refuted a suspicion during the rotation"
    );
    w3.shutdown().await;
    w2.shutdown().await;
    coord.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_counts_only_confirmations_made_over_mtls() {
    let net = Net::new();
    let dir = tempfile::tempdir().unwrap();
    let coord = coordinator_with(&net, dir.path(), |c| {
        c.gossip.rotation_timeout = Duration::from_secs(2);
    })
    .await;
    // A holder of the gossip key (no certificate) joins the gossip as "ghost", answers
    // probes so it stays alive, and claims in its metadata to hold any keyring.
    let ring = keyring_of(&coord);
    let sealer = Sealer::new(Keys::from_api(&ring).unwrap(), 1 << 20);
    let ghost = UdpSocket::bind((net.ip(9), 0)).await.unwrap();
    let ghost_addr = ghost.local_addr().unwrap();
    let coord_udp = coord.local_addr;
    let claim = Packet {
        msg: Msg::Gossip,
        updates: vec![
            p2p_gossip::Update::Alive {
                node: "ghost".into(),
                incarnation: 1,
                addrs: vec![ghost_addr],
            },
            p2p_gossip::Update::Meta {
                node: "ghost".into(),
                key: "gossip_keyring".into(),
                value: Some("999".into()),
                version: 1,
            },
        ],
    };
    ghost
        .send_to(&sealer.seal(&claim.encode()).unwrap(), coord_udp)
        .await
        .unwrap();
    let responder = tokio::spawn(async move {
        let mut buf = vec![0u8; 2048];
        loop {
            let Ok((n, from)) = ghost.recv_from(&mut buf).await else {
                return;
            };
            if let Ok(plain) = sealer.open(&buf[..n])
                && let Ok(p) = Packet::decode(&plain)
                && let Msg::Ping { seq, .. } = p.msg
            {
                let ack = Packet {
                    msg: Msg::Ack { seq },
                    updates: vec![],
                };
                let _ = ghost
                    .send_to(&sealer.seal(&ack.encode()).unwrap(), from)
                    .await;
            }
        }
    });
    let listed = poll(Duration::from_secs(10), || async {
        coord.membership().node("ghost").is_some()
    })
    .await;
    assert!(listed, "the ghost never joined");

    // Its metadata is not a confirmation: it cannot answer over mTLS, so it lags, and the
    // old key stays valid.
    let outcome = admin(&coord).rotate_gossip_key(false).await.unwrap();
    assert_eq!(outcome.lagging, vec!["ghost".to_string()], "{outcome:?}");
    assert!(!outcome.old_key_removed, "{outcome:?}");
    // An admin can force the old key out anyway.
    let forced = admin(&coord).rotate_gossip_key(true).await.unwrap();
    assert!(forced.old_key_removed, "{forced:?}");
    assert_eq!(keyring_of(&coord).keys.len(), 1);
    responder.abort();
    coord.shutdown().await;
}
