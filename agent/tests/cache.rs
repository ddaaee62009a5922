//! The in-memory caches with an in-process coordinator over real TLS: a token is verified
//! once and then served from the credential cache, yet a logout or ended sessions refuse
//! it at the very next request; the counters show on `GET /v1/cache` and `/metrics`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;
use common::*;

use p2p_shared::api::{CacheStats, CreateUserRequest, LoginRequest, Role};

async fn credentials(c: &p2p_shared::ApiClient) -> CacheStats {
    let list = c.cache_stats().await.unwrap();
    list.caches
        .into_iter()
        .find(|s| s.name == "credentials")
        .unwrap()
}

async fn admin_client(coord: &p2pd::node::RunningAgent) -> p2p_shared::ApiClient {
    let token = client(coord, None)
        .login(&LoginRequest {
            user: "admin".into(),
            password: ADMIN_PW.into(),
        })
        .await
        .unwrap()
        .token;
    client(coord, Some(token))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cached_token_is_refused_at_the_next_request_after_its_session_ends() {
    let (_net, _dir, coord) = cluster().await;
    let anon = client(&coord, None);
    let admin = admin_client(&coord).await;
    admin
        .create_user(&CreateUserRequest {
            name: "eve".into(),
            role: Role::Viewer,
            password: "eve-password-1".into(),
        })
        .await
        .unwrap();
    let sign_in = || async {
        let t = anon
            .login(&LoginRequest {
                user: "eve".into(),
                password: "eve-password-1".into(),
            })
            .await
            .unwrap()
            .token;
        client(&coord, Some(t))
    };

    // Verified once, then served from the cache.
    let eve = sign_in().await;
    let before = credentials(&admin).await;
    for _ in 0..5 {
        eve.nodes().await.unwrap();
    }
    let after = credentials(&admin).await;
    assert!(after.hits >= before.hits + 5, "{before:?} -> {after:?}");
    assert!(after.entries >= 2, "{after:?}");

    // Logged out: refused at once, though its verification is cached.
    eve.logout().await.unwrap();
    assert_eq!(eve.nodes().await.unwrap_err().status(), Some(401));

    // Every session of the user ended by an admin: refused at once too.
    let eve = sign_in().await;
    eve.nodes().await.unwrap();
    eve.nodes().await.unwrap();
    admin.revoke_user_sessions("eve").await.unwrap();
    assert_eq!(eve.nodes().await.unwrap_err().status(), Some(401));

    // The counters on /metrics.
    let text = admin.prometheus_text().await.unwrap();
    let hits = text
        .lines()
        .find(|l| l.starts_with("p2pd_cache_hits_total{cache=\"credentials\"}"))
        .unwrap_or_else(|| panic!("no cache hits in /metrics:\n{text}"));
    let n: u64 = hits.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(n >= 7, "{hits}");
    coord.shutdown().await;
}

fn named(list: &p2p_shared::api::CacheStatsList, name: &str) -> CacheStats {
    list.caches
        .iter()
        .find(|s| s.name == name)
        .cloned()
        .unwrap_or_else(|| panic!("no cache {name} in {list:?}"))
}

// The store's decoded lists are kept between writes, and a write is read back at once:
// revoking a certificate or adding an account drops the kept list before the answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_reads_are_kept_until_a_write_changes_them() {
    use p2p_shared::api::{CertStatus, RevokeCertRequest};
    let (_net, _dir, coord, w1) = cluster_and_worker().await;
    let admin = admin_client(&coord).await;

    admin.certs(false).await.unwrap();
    let before = named(&admin.cache_stats().await.unwrap(), "store_certs");
    let listed = admin.certs(false).await.unwrap();
    let after = named(&admin.cache_stats().await.unwrap(), "store_certs");
    assert!(after.hits > before.hits, "{before:?} -> {after:?}");
    assert_eq!(after.entries, 1, "{after:?}");
    assert!(listed.certificates.iter().any(|c| c.subject == "w1"));

    admin
        .revoke_cert(&RevokeCertRequest {
            node_id: Some("w1".into()),
            serial: None,
        })
        .await
        .unwrap();
    let listed = admin.certs(false).await.unwrap();
    let w1_cert = listed
        .certificates
        .iter()
        .find(|c| c.subject == "w1")
        .unwrap();
    assert_eq!(w1_cert.status, CertStatus::Revoked, "read its own write");
    let revoked = named(&admin.cache_stats().await.unwrap(), "store_certs");
    assert!(
        revoked.invalidations > after.invalidations,
        "{after:?} -> {revoked:?}"
    );

    admin.users().await.unwrap();
    admin
        .create_user(&CreateUserRequest {
            name: "ops".into(),
            role: Role::Operator,
            password: "ops-password-1".into(),
        })
        .await
        .unwrap();
    let users = admin.users().await.unwrap();
    assert!(users.users.iter().any(|u| u.name == "ops"), "{users:?}");
    let kept = named(&admin.cache_stats().await.unwrap(), "store_users");
    assert!(kept.invalidations >= 1 && kept.hits >= 1, "{kept:?}");
    w1.shutdown().await;
    coord.shutdown().await;
}
