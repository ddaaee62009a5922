//! The control plane is replicated with Raft: every change goes through the Raft log
//! (`raft.db`) before the store applies it, and a coordinator restarted from its files
//! leads again and keeps accepting writes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;

use common::*;
use p2p_shared::Role;
use p2p_shared::api::{CreateJoinTokenRequest, CreateUserRequest, LoginRequest};

async fn admin(a: &p2pd::node::RunningAgent) -> p2p_shared::ApiClient {
    let token = client(a, None)
        .login(&LoginRequest {
            user: "admin".into(),
            password: ADMIN_PW.into(),
        })
        .await
        .unwrap()
        .token;
    client(a, Some(token))
}

fn one_use() -> CreateJoinTokenRequest {
    CreateJoinTokenRequest {
        ttl_seconds: 600,
        node_id: None,
        uses: 1,
    }
}

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
