//! Groups of in-process coordinators replicating with Raft, for the replication tests.

use std::time::Duration;

use p2p_shared::api::{CreateJoinTokenRequest, LoginRequest};
use p2pd::config::Config;

use super::*;

/// A token of the admin, signed by `a` (every coordinator accepts it).
pub async fn api_token(a: &p2pd::node::RunningAgent) -> String {
    client(a, None)
        .login(&LoginRequest {
            user: "admin".into(),
            password: ADMIN_PW.into(),
        })
        .await
        .unwrap()
        .token
}

pub async fn admin(a: &p2pd::node::RunningAgent) -> p2p_shared::ApiClient {
    client(a, Some(api_token(a).await))
}

/// The network, the state directories, the coordinators (the founder first) and an admin
/// client of the founder.
pub type Group = (
    Net,
    tempfile::TempDir,
    Vec<p2pd::node::RunningAgent>,
    p2p_shared::ApiClient,
);

pub fn one_use() -> CreateJoinTokenRequest {
    CreateJoinTokenRequest {
        ttl_seconds: 600,
        node_id: None,
        uses: 1,
        coordinator: false,
    }
}

/// A coordinator that joins through `through` with a coordinator token, or without one
/// restarts from its files (on the `port` it had: the group knows it by its address; 0
/// for a new one).
#[allow(clippy::too_many_arguments)]
pub async fn joining_coordinator(
    net: &Net,
    host: u8,
    name: &str,
    state: &std::path::Path,
    through: &p2pd::node::RunningAgent,
    token: Option<&str>,
    port: u16,
    tweak: fn(&mut Config),
) -> p2pd::node::RunningAgent {
    let mut config = base_config(net, host, name, state);
    config.coordinator_addresses = vec![through.local_addr.to_string()];
    config.http.port = port;
    tweak(&mut config);
    p2pd::node::start(p2pd::node::AgentOptions {
        config,
        password: zeroize::Zeroizing::new("vault-pw".into()),
        kdf: FAST,
        admin_password: None,
        join_token: token.map(|t| p2p_shared::jointoken::JoinToken::parse(t).unwrap()),
        log_capture: Default::default(),
    })
    .await
    .expect("joining coordinator starts")
}

/// A founding coordinator and `size - 1` more joined with a coordinator token, all voters;
/// with an admin client of the first.
pub async fn group_of(size: u8) -> Group {
    group_with(size, |_| {}).await
}

/// [`group_of`], every coordinator's configuration adjusted by `tweak` first.
pub async fn group_with(size: u8, tweak: fn(&mut Config)) -> Group {
    let net = Net::new();
    let dir = tempfile::tempdir().unwrap();
    let c1 = coordinator_with(&net, dir.path(), tweak).await;
    let api = admin(&c1).await;
    let join = api
        .create_join_token(&CreateJoinTokenRequest {
            coordinator: true,
            uses: u32::from(size - 1),
            ..one_use()
        })
        .await
        .unwrap();
    let mut group = vec![c1];
    for host in 2..=size {
        let name = format!("coord{host}");
        group.push(
            joining_coordinator(
                &net,
                host,
                &name,
                dir.path(),
                &group[0],
                Some(&join.token),
                0,
                tweak,
            )
            .await,
        );
    }
    let voters = |list: &p2p_shared::api::CoordinatorList| {
        list.coordinators.iter().filter(|c| c.voter).count()
    };
    assert!(
        poll(Duration::from_secs(20), || async {
            api.coordinators()
                .await
                .is_ok_and(|l| voters(&l) == usize::from(size))
        })
        .await,
        "{:?}",
        api.coordinators().await
    );
    (net, dir, group, api)
}
