//! Join-to-certificate latency and signing throughput on loopback.
//!
//! `cargo run --release -p p2pd --example join_bench [JOINS]`
//!
//! Starts an in-process coordinator, then enrols JOINS nodes one after another through the
//! full flow (key generation, challenge responder, TLS pinned by the token, call-back, CSR
//! signing, store writes) and prints p50/p99; then measures how many node certificates the
//! CA signs per second.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench: a panic is the report

use std::net::IpAddr;
use std::time::{Duration, Instant};

use p2p_shared::jointoken::JoinToken;
use p2pd::config::{Config, NodeName};
use p2pd::node::{AgentOptions, start};
use p2pd::pki::ca::{ClusterCa, NodeCertRequest};
use p2pd::pki::enroll::{Claim, Credential, Target, obtain};
use p2pd::secrets::vault::KdfParams;
use zeroize::Zeroizing;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

#[tokio::main]
async fn main() {
    let joins: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let dir = tempfile::tempdir().unwrap();
    let challenge_port = 28802;
    let coord = start(AgentOptions {
        config: {
            let mut c = Config {
                node_id: NodeName::parse("coord").ok(),
                state_directory: dir.path().join("coord"),
                ..Config::default()
            };
            c.http.port = 0;
            c.http.bind_address = IpAddr::from([127, 0, 99, 1]);
            c.pki.challenge_port = challenge_port;
            c
        },
        password: Zeroizing::new("bench".into()),
        kdf: KdfParams {
            m_kib: 256,
            t: 1,
            p: 1,
        },
        admin_password: Some(Zeroizing::new("bench-admin-pw".into())),
        join_token: None,
        log_capture: Default::default(),
    })
    .await
    .unwrap();
    let text = coord
        .create_join_token(Duration::from_secs(3600), None, joins as u32)
        .unwrap();
    let token = JoinToken::parse(&text).unwrap();
    let target = Target {
        address: coord.local_addr.to_string(),
        node_id: None,
    };
    let mut times = Vec::with_capacity(joins);
    for i in 0..joins {
        let claim = Claim {
            node_id: format!("bench-{i}"),
            ips: vec![IpAddr::from([127, 0, 99, 2])],
            hostname: None,
            api_port: 1,
            challenge_port,
            coordinator: false,
        };
        let started = Instant::now();
        let key = p2pd::pki::enroll::new_key().unwrap();
        obtain(
            &target,
            &claim,
            &Credential::Token(&token),
            &key,
            Duration::from_secs(10),
        )
        .await
        .unwrap();
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "join to certificate over {joins} joins: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(&times, 0.50).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );
    coord.shutdown().await;

    // Signing alone: CSR public key in, certificate out.
    let now = time::OffsetDateTime::now_utc();
    let ca = ClusterCa::generate("bench", now).unwrap();
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let req = NodeCertRequest {
        node_id: "n1".into(),
        ips: vec![IpAddr::from([192, 0, 2, 1])],
        dns_names: vec!["n1.example".into()],
        validity: Duration::from_secs(90 * 86400),
        coordinator: false,
    };
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed() < Duration::from_secs(2) {
        ca.issue_node_cert(&req, &key, now).unwrap();
        n += 1;
    }
    println!(
        "signing: {:.0} certificates/s on one core",
        n as f64 / started.elapsed().as_secs_f64()
    );
}
