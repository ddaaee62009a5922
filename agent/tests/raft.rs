//! The control plane is replicated with Raft: every change goes through the Raft log
//! (`raft.db`) before the store applies it, and a coordinator restarted from its files
//! leads again and keeps accepting writes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;

use std::time::Duration;

use common::group::*;
use common::*;
use p2p_shared::Role;
use p2p_shared::api::{CreateUserRequest, LoginRequest};

fn count_entries(raft_db: &std::path::Path, kind: &str) -> i64 {
    let conn = rusqlite::Connection::open(raft_db).unwrap();
    conn.query_row(
        "SELECT count(*) FROM raft_log WHERE entry LIKE ?1",
        [format!("%\"type\":\"{kind}\"%")],
        |r| r.get(0),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_go_through_the_raft_log_and_a_restart_keeps_leading() {
    let net = Net::new();
    let dir = tempfile::tempdir().unwrap();
    let coord = coordinator(&net, dir.path()).await;
    let api = admin(&coord).await;
    let token = api.create_join_token(&one_use()).await.unwrap();
    api.create_user(&CreateUserRequest {
        name: "ann".into(),
        role: Role::Operator,
        password: "ann-password-1".into(),
    })
    .await
    .unwrap();
    coord.shutdown().await;

    let state = dir.path().join("coord");
    let raft_db = state.join("raft.db");
    assert_eq!(count_entries(&raft_db, "create_join_token"), 1);
    assert_eq!(count_entries(&raft_db, "add_user"), 2, "admin, then ann");
    // The store records how far into the log it applied, in the same transaction.
    let store = rusqlite::Connection::open(state.join("store.db")).unwrap();
    let applied: String = store
        .query_row(
            "SELECT value FROM meta WHERE key = 'raft_applied'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(applied.contains("\"index\""), "{applied}");
    drop(store);

    // Restarted from its files: the same group (not founded again), leading, writable.
    let coord = coordinator(&net, dir.path()).await;
    let api = admin(&coord).await;
    let tokens = api.join_tokens().await.unwrap().tokens;
    assert!(tokens.iter().any(|t| t.token_id == token.info.token_id));
    api.create_join_token(&one_use()).await.unwrap();
    coord.shutdown().await;
    assert_eq!(count_entries(&raft_db, "create_join_token"), 2);
    let conn = rusqlite::Connection::open(&raft_db).unwrap();
    let memberships: i64 = conn
        .query_row(
            "SELECT count(*) FROM raft_log WHERE entry LIKE '%\"Membership\"%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(memberships, 1, "founded once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinators_join_replicate_and_survive_the_leader() {
    let (net, dir, mut group, api) = group_of(3).await;
    let c3 = group.pop().unwrap();
    let c2 = group.pop().unwrap();
    let c1 = group.pop().unwrap();
    // A token signed by one coordinator is good on the others, and a write made through a
    // follower is on every coordinator.
    let on_c3 = client(&c3, Some(api_token(&c1).await));
    on_c3
        .create_user(&CreateUserRequest {
            name: "bob".into(),
            role: Role::Viewer,
            password: "bob-password-1".into(),
        })
        .await
        .unwrap();
    // A consistent read on any coordinator sees it at once; every read says how fresh it is.
    let bearer = api_token(&c1).await;
    for c in [&c1, &c2] {
        let resp = raw(c)
            .get(format!("https://{}/v1/users?consistent=true", c.local_addr))
            .bearer_auth(&bearer)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["x-p2p-known-leader"], "true");
        assert!(resp.headers().contains_key("x-p2p-last-contact-ms"));
        let body = resp.text().await.unwrap();
        assert!(
            body.contains("\"bob\""),
            "{} has not applied the write: {body}",
            c.node_id
        );
    }
    for c in [&c1, &c2, &c3] {
        let names = |c: &p2pd::node::RunningAgent| {
            let c = client(c, None);
            async move {
                c.login(&LoginRequest {
                    user: "bob".into(),
                    password: "bob-password-1".into(),
                })
                .await
                .is_ok()
            }
        };
        assert!(
            poll(Duration::from_secs(5), || names(c)).await,
            "bob on {}",
            c.node_id
        );
    }
    // A worker enrolled through one coordinator, revoked through another: every
    // coordinator's TLS refuses it.
    let wt = c1
        .create_join_token(Duration::from_secs(600), None, 1)
        .unwrap();
    let w = worker(&net, 9, "w1", dir.path(), &c1, Some(&wt))
        .await
        .unwrap();
    on_c3
        .revoke_cert(&p2p_shared::api::RevokeCertRequest {
            node_id: Some("w1".into()),
            serial: None,
        })
        .await
        .unwrap();
    for c in [&c1, &c2, &c3] {
        assert!(
            poll(Duration::from_secs(5), || async { c.revoked_count() == 1 }).await,
            "revocation enforced on {}",
            c.node_id
        );
    }
    w.shutdown().await;
    let list = api.coordinators().await.unwrap();
    assert_eq!(
        list.coordinators.iter().filter(|c| c.leader).count(),
        1,
        "{list:?}"
    );
    let leader = list
        .coordinators
        .iter()
        .find(|c| c.leader)
        .unwrap()
        .node_id
        .clone();

    // The leader goes; the two others elect one and keep taking writes.
    let mut rest = Vec::new();
    for c in [c1, c2, c3] {
        if c.node_id == leader {
            c.shutdown().await;
        } else {
            rest.push(c);
        }
    }
    let survivor = admin(&rest[0]).await;
    survivor
        .create_join_token(&one_use())
        .await
        .expect("a write after the leader left");
    let list = survivor.coordinators().await.unwrap();
    let new_leader = list.coordinators.iter().find(|c| c.leader).unwrap();
    assert_ne!(new_leader.node_id, leader);

    // The old leader is not coming back: removed from the group and from the node
    // registry (so nodes stop learning it), the two left form the group.
    survivor.remove_coordinator(&leader).await.unwrap();
    let list = survivor.coordinators().await.unwrap();
    assert_eq!(list.coordinators.len(), 2, "{list:?}");
    assert!(list.coordinators.iter().all(|c| c.node_id != leader));
    let state = dir.path().join(&rest[0].node_id).join("store.db");
    let registered = || {
        let conn = rusqlite::Connection::open_with_flags(
            &state,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap();
        conn.query_row(
            "SELECT count(*) FROM nodes WHERE node_id = ?1",
            [&leader],
            |r| r.get::<_, i64>(0),
        )
        .unwrap()
    };
    assert!(
        poll(Duration::from_secs(5), || async { registered() == 0 }).await,
        "{leader} is still in the registry"
    );
    assert!(
        matches!(
            survivor.remove_coordinator(&leader).await,
            Err(p2p_shared::ClientError::Api { status: 404, .. })
        ),
        "removing it again says it is not there"
    );
    survivor.create_join_token(&one_use()).await.unwrap();
    for c in rest {
        c.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_time_token_used_through_two_coordinators_at_once_admits_one_node() {
    let (net, dir, mut group, _api) = group_of(2).await;
    let c2 = group.pop().unwrap();
    let c1 = group.pop().unwrap();
    let once = c1
        .create_join_token(Duration::from_secs(600), None, 1)
        .unwrap();
    // Two different workers, the same token, each through another coordinator.
    let (a, b) = tokio::join!(
        worker(&net, 10, "wa", dir.path(), &c1, Some(&once)),
        worker(&net, 11, "wb", dir.path(), &c2, Some(&once)),
    );
    let joined = [a.is_ok(), b.is_ok()];
    assert_eq!(
        joined.iter().filter(|ok| **ok).count(),
        1,
        "exactly one joins: {:?} / {:?}",
        a.as_ref().err().map(|e| e.to_string()),
        b.as_ref().err().map(|e| e.to_string())
    );
    for w in [a, b].into_iter().flatten() {
        w.shutdown().await;
    }
    c2.shutdown().await;
    c1.shutdown().await;
}

/// A plain HTTP client pinned to the cluster CA, for what the typed client does not send.
fn raw(a: &p2pd::node::RunningAgent) -> reqwest::Client {
    let tls = p2p_shared::tls::client_config(
        p2p_shared::ServerTrust::Pinned(a.ca_fingerprint.clone()),
        Default::default(),
        None,
        None,
    )
    .unwrap();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// POSTs `body` to `path` on `a` as `token`, with `key` as the Idempotency-Key if any.
async fn post(
    a: &p2pd::node::RunningAgent,
    token: &str,
    path: &str,
    key: Option<&str>,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let tls = p2p_shared::tls::client_config(
        p2p_shared::ServerTrust::Pinned(a.ca_fingerprint.clone()),
        Default::default(),
        None,
        None,
    )
    .unwrap();
    let http = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let mut req = http
        .post(format!("https://{}{path}", a.local_addr))
        .bearer_auth(token)
        .json(&body);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_retried_with_its_idempotency_key_applies_once_on_any_coordinator() {
    let (_net, _dir, group, api) = group_of(2).await;
    let (c1, c2) = (&group[0], &group[1]);
    let token = api_token(c1).await;
    let spec = serde_json::json!({"ttl_seconds": 600, "uses": 1});
    let count = || async { api.join_tokens().await.unwrap().tokens.len() };
    let before = count().await;
    // The same request twice, the retry through the other coordinator: one token, and
    // the retry is answered with it.
    let key = "retry-key-0001";
    let (s1, first) = post(c1, &token, "/v1/tokens", Some(key), spec.clone()).await;
    let (s2, again) = post(c2, &token, "/v1/tokens", Some(key), spec.clone()).await;
    assert_eq!((s1, s2), (201, 201), "{first} {again}");
    assert_eq!(first["token"], again["token"]);
    assert_eq!(count().await, before + 1);
    // Without a key, or with another one, each request makes a token of its own.
    let (_, other) = post(
        c2,
        &token,
        "/v1/tokens",
        Some("retry-key-0002"),
        spec.clone(),
    )
    .await;
    let (_, unkeyed) = post(c1, &token, "/v1/tokens", None, spec.clone()).await;
    assert_ne!(other["token"], first["token"]);
    assert_ne!(unkeyed["token"], first["token"]);
    assert_eq!(count().await, before + 3);
    // A user added twice under one key: both answers say created (not "already exists").
    let carol =
        serde_json::json!({"name": "carol", "role": "operator", "password": "carol-password-1"});
    let (a1, _) = post(
        c1,
        &token,
        "/v1/users",
        Some("user-key-0001"),
        carol.clone(),
    )
    .await;
    let (a2, _) = post(
        c2,
        &token,
        "/v1/users",
        Some("user-key-0001"),
        carol.clone(),
    )
    .await;
    let (a3, dup) = post(c2, &token, "/v1/users", Some("user-key-0002"), carol).await;
    assert_eq!((a1, a2, a3), (201, 201, 409), "{dup}");
    // Another admin sending the same key makes a write of its own: keys are per caller.
    api.create_user(&CreateUserRequest {
        name: "admin2".into(),
        role: Role::Admin,
        password: "admin2-password".into(),
    })
    .await
    .unwrap();
    let token2 = client(c1, None)
        .login(&LoginRequest {
            user: "admin2".into(),
            password: "admin2-password".into(),
        })
        .await
        .unwrap()
        .token;
    let (_, theirs) = post(c1, &token2, "/v1/tokens", Some(key), spec.clone()).await;
    assert_ne!(theirs["token"], first["token"]);
    // A malformed key is refused before anything is written.
    let (bad, body) = post(c1, &token, "/v1/tokens", Some("short"), spec).await;
    assert_eq!(bad, 400, "{body}");
    assert_eq!(count().await, before + 4);
    for c in group {
        c.shutdown().await;
    }
}
