//! In-process cluster setup shared by the agent integration tests: each test gets a
//! 127.a.b.0/24 block, its own ports and a temp state directory.

#![allow(dead_code)] // each test file uses a different subset

pub mod group;

use std::net::IpAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use p2p_shared::jointoken::JoinToken;
use p2pd::config::{Config, NodeName};
use p2pd::node::{AgentOptions, RunningAgent, start};
use p2pd::secrets::vault::KdfParams;
use zeroize::Zeroizing;

pub const FAST: KdfParams = KdfParams {
    m_kib: 256,
    t: 1,
    p: 1,
};
pub const ADMIN_PW: &str = "admin-password-1";

/// A private /24 inside 127.0.0.0/8 and a challenge port for one test.
pub struct Net {
    pub a: u8,
    pub b: u8,
    pub challenge_port: u16,
}

impl Net {
    pub fn new() -> Self {
        loop {
            let a = rand::random::<u8>().clamp(1, 254);
            let b = rand::random::<u8>().clamp(1, 254);
            let port = 20000 + rand::random::<u16>() % 30000;
            // Probe that the coordinator's address is free on both ports we will use.
            let ip = IpAddr::from([127, a, b, 1]);
            if std::net::TcpListener::bind((ip, port)).is_ok() {
                return Self {
                    a,
                    b,
                    challenge_port: port,
                };
            }
        }
    }

    pub fn ip(&self, host: u8) -> IpAddr {
        IpAddr::from([127, self.a, self.b, host])
    }
}

pub fn base_config(net: &Net, host: u8, name: &str, state: &Path) -> Config {
    let mut c = Config {
        node_id: NodeName::parse(name).ok(),
        state_directory: state.join(name),
        ..Config::default()
    };
    c.http.port = 0;
    c.http.bind_address = net.ip(host);
    c.pki.challenge_port = net.challenge_port;
    c.pki.cert_check_interval = Duration::from_millis(200);
    c
}

pub async fn coordinator(net: &Net, state: &Path) -> RunningAgent {
    coordinator_with(net, state, |_| {}).await
}

/// A coordinator whose configuration `tweak` adjusts first.
pub async fn coordinator_with(
    net: &Net,
    state: &Path,
    tweak: impl FnOnce(&mut Config),
) -> RunningAgent {
    let mut config = base_config(net, 1, "coord", state);
    tweak(&mut config);
    start(AgentOptions {
        config,
        password: Zeroizing::new("vault-pw".into()),
        kdf: FAST,
        admin_password: Some(Zeroizing::new(ADMIN_PW.into())),
        join_token: None,
        log_capture: Default::default(),
    })
    .await
    .expect("coordinator starts")
}

pub async fn worker(
    net: &Net,
    host: u8,
    name: &str,
    state: &Path,
    coord: &RunningAgent,
    token: Option<&str>,
) -> Result<RunningAgent, p2pd::node::AgentError> {
    let mut config = base_config(net, host, name, state);
    config.coordinator_mode = false;
    config.coordinator_addresses = vec![coord.local_addr.to_string()];
    start(AgentOptions {
        config,
        password: Zeroizing::new("vault-pw".into()),
        kdf: FAST,
        admin_password: None,
        join_token: token.map(|t| JoinToken::parse(t).unwrap()),
        log_capture: Default::default(),
    })
    .await
}

/// A fresh address block, state directory and coordinator.
pub async fn cluster() -> (Net, tempfile::TempDir, RunningAgent) {
    let net = Net::new();
    let dir = tempfile::tempdir().unwrap();
    let coord = coordinator(&net, dir.path()).await;
    (net, dir, coord)
}

/// A coordinator and one worker `w1` (host 2), enrolled with a one-use token.
pub async fn cluster_and_worker() -> (Net, tempfile::TempDir, RunningAgent, RunningAgent) {
    let (net, dir, coord) = cluster().await;
    let t = coord
        .create_join_token(Duration::from_secs(600), None, 1)
        .unwrap();
    let w1 = worker(&net, 2, "w1", dir.path(), &coord, Some(&t))
        .await
        .unwrap();
    (net, dir, coord, w1)
}

/// Polls `f` every 20 ms until it is true or `timeout` passes.
pub async fn poll<F: Future<Output = bool>>(timeout: Duration, mut f: impl FnMut() -> F) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if f().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// A client of `a`, trusting its CA, signed in with `token` if given.
pub fn client(a: &RunningAgent, token: Option<String>) -> p2p_shared::ApiClient {
    let mut o = p2p_shared::ClientOptions::new(
        format!("https://{}", a.local_addr),
        p2p_shared::ServerTrust::Pinned(a.ca_fingerprint.clone()),
    );
    o.token = token;
    p2p_shared::ApiClient::new(o).unwrap()
}
