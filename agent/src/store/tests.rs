//! The store's commands applied and read back: persistence, pruning, the kept node list,
//! and the commands' wire form.

use super::*;

fn node(id: &str) -> NodeRecord {
    NodeRecord {
        node_id: id.into(),
        role: NodeRole::Coordinator,
        state: NodeState::Alive,
        addresses: vec!["127.0.0.1".into()],
        api_address: "127.0.0.1:8801".into(),
        version: "0.1.0".into(),
        cert_serial: Some("ab".into()),
        cert_not_after: Some(1),
        last_state_change: 0,
    }
}

#[test]
fn revocations_and_nodes_persist_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    {
        let s = Store::open(&path).unwrap();
        s.apply(&Command::RevokeToken {
            jti: "a".into(),
            expires_at: 100,
        })
        .unwrap();
        s.apply(&Command::UpsertNode { node: node("n1") }).unwrap();
        let mut n = node("n1");
        n.state = NodeState::Dead;
        s.apply(&Command::UpsertNode { node: n }).unwrap();
    }
    let s = Store::open(&path).unwrap();
    assert!(s.is_token_revoked("a").unwrap());
    assert!(!s.is_token_revoked("b").unwrap());
    let nodes = s.nodes().unwrap();
    assert_eq!(nodes.len(), 1);
    assert_eq!(nodes[0].state, NodeState::Dead);
    assert_eq!(s.node("n1").unwrap().map(|n| n.node_id), Some("n1".into()));
    assert_eq!(s.node("zz").unwrap(), None);
    assert_eq!(s.applied_commands().unwrap(), 3);
}

#[test]
fn kept_node_records_are_dropped_by_the_commands_that_change_them() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("s.db")).unwrap();
    s.apply(&Command::UpsertNode { node: node("n2") }).unwrap();
    s.apply(&Command::UpsertNode { node: node("n1") }).unwrap();
    let ids = |s: &Store| -> Vec<String> {
        s.nodes()
            .unwrap()
            .iter()
            .map(|n| n.node_id.clone())
            .collect()
    };
    assert_eq!(ids(&s), ["n1", "n2"]);
    assert_eq!(ids(&s), ["n1", "n2"]);
    let mut dead = node("n1");
    dead.state = NodeState::Dead;
    s.apply(&Command::UpsertNode { node: dead }).unwrap();
    assert_eq!(s.node("n1").unwrap().unwrap().state, NodeState::Dead);
    s.apply(&Command::ForgetNode {
        node_id: "n2".into(),
    })
    .unwrap();
    assert_eq!(ids(&s), ["n1"]);
    assert_eq!(s.node("n2").unwrap(), None);
    // A command of another family keeps the list.
    s.apply(&Command::RevokeToken {
        jti: "j".into(),
        expires_at: 9,
    })
    .unwrap();
    let [nodes, ..] = s.cache_stats();
    assert_eq!(ids(&s), ["n1"]);
    let [after, ..] = s.cache_stats();
    assert_eq!(after.hits, nodes.hits + 1, "{nodes:?} -> {after:?}");
    assert_eq!(after.invalidations, 2, "{after:?}");
}

#[test]
fn prune_keeps_live_revocations() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("s.db")).unwrap();
    for (jti, exp) in [("old", 10), ("live", 1000)] {
        s.apply(&Command::RevokeToken {
            jti: jti.into(),
            expires_at: exp,
        })
        .unwrap();
    }
    s.apply(&Command::PruneRevokedTokens { now: 500 }).unwrap();
    assert!(!s.is_token_revoked("old").unwrap());
    assert!(s.is_token_revoked("live").unwrap());
}

#[test]
fn acme_orders_follow_their_versions_and_are_pruned() {
    use acme_records::Order;
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("s.db")).unwrap();
    let order = |id: &str, version: u64, created_at: i64| Order {
        id: id.into(),
        account_id: "a".into(),
        version,
        identifiers: vec![],
        authorizations: vec![],
        created_at,
        expires_at: created_at + 10,
        validity_secs: 60,
        cert_serial: None,
        error: None,
    };
    let put = |o: Order| {
        s.apply(&Command::PutAcmeOrder {
            order: o,
            cert: None,
        })
    };
    put(order("old", 1, 10)).unwrap();
    put(order("new", 1, 1000)).unwrap();
    assert!(put(order("new", 1, 1000)).is_err(), "created twice");
    assert!(put(order("new", 3, 1000)).is_err(), "a version skipped");
    put(order("new", 2, 1000)).unwrap();
    assert!(
        put(order("new", 2, 1000)).is_err(),
        "made from an older version"
    );
    s.apply(&Command::PruneAcmeOrders { before: 500 }).unwrap();
    assert!(s.acme_order("old").unwrap().is_none());
    assert_eq!(s.acme_order("new").unwrap().unwrap().version, 2);
}

#[test]
fn commands_have_a_stable_wire_form() {
    let cmd = Command::RevokeToken {
        jti: "x".into(),
        expires_at: 5,
    };
    let json = serde_json::to_string(&cmd).unwrap();
    assert_eq!(json, r#"{"type":"revoke_token","jti":"x","expires_at":5}"#);
    assert_eq!(serde_json::from_str::<Command>(&json).unwrap(), cmd);
}
