//! The API over real TLS against an in-process agent: the auth matrix, error shapes, and
//! logout surviving a restart.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;
use common::client;

use std::path::Path;

use p2p_shared::api::{CreateUserRequest, LoginRequest, NodeRole, NodeState};
use p2p_shared::{ApiClient, ClientError, ClientOptions, Role, ServerTrust};
use p2pd::config::{Config, NodeName};
use p2pd::node::{AgentOptions, RunningAgent, start};
use p2pd::secrets::vault::KdfParams;
use zeroize::Zeroizing;

const ADMIN_PW: &str = "admin-password-1";
/// Cheap KDF for tests; the vault format and code path are the same.
const FAST: KdfParams = KdfParams {
    m_kib: 256,
    t: 1,
    p: 1,
};

async fn agent(state: &Path) -> RunningAgent {
    let mut config = Config {
        node_id: NodeName::parse("coord-1").ok(),
        state_directory: state.to_path_buf(),
        ..Config::default()
    };
    config.http.port = 0;
    config.http.bind_address = [127, 0, 0, 1].into();
    start(AgentOptions {
        config,
        password: Zeroizing::new("vault-pw".into()),
        kdf: FAST,
        admin_password: Some(Zeroizing::new(ADMIN_PW.into())),
        join_token: None,
        log_capture: Default::default(),
    })
    .await
    .expect("agent starts")
}

async fn login(a: &RunningAgent, user: &str, pw: &str) -> String {
    client(a, None)
        .login(&LoginRequest {
            user: user.into(),
            password: pw.into(),
        })
        .await
        .unwrap()
        .token
}

fn status<T: std::fmt::Debug>(r: Result<T, ClientError>) -> u16 {
    match r {
        Err(e) => e
            .status()
            .unwrap_or_else(|| panic!("not an API error: {e}")),
        Ok(v) => panic!("expected an error, got {v:?}"),
    }
}

#[tokio::test]
async fn auth_matrix_and_logout_survives_restart() {
    let dir = tempfile::tempdir().unwrap();
    let a = agent(dir.path()).await;

    // Anyone: health. No token: 401 everywhere else.
    assert_eq!(client(&a, None).health().await.unwrap().node_id, "coord-1");
    let anon = client(&a, None);
    assert_eq!(status(anon.nodes().await), 401);
    assert_eq!(status(anon.whoami().await), 401);
    assert_eq!(status(anon.users().await), 401);
    assert_eq!(
        status(client(&a, Some("garbage".into())).nodes().await),
        401
    );

    // Wrong password and unknown user look the same.
    for (u, p) in [("admin", "wrong-password"), ("nobody", ADMIN_PW)] {
        let r = anon
            .login(&LoginRequest {
                user: u.into(),
                password: p.into(),
            })
            .await;
        assert_eq!(status(r), 401);
    }

    let admin = client(&a, Some(login(&a, "admin", ADMIN_PW).await));
    let me = admin.whoami().await.unwrap();
    assert_eq!((me.user.as_str(), me.role), ("admin", Role::Admin));
    let nodes = admin.nodes().await.unwrap().nodes;
    assert_eq!(nodes.len(), 1);
    assert_eq!(nodes[0].node_id, "coord-1");
    assert_eq!(nodes[0].role, NodeRole::Coordinator);
    assert_eq!(nodes[0].state, NodeState::Alive);
    assert!(nodes[0].cert_serial.is_some());
    assert_eq!(status(admin.node("missing").await), 404);

    // A viewer may read but not use admin routes.
    admin
        .create_user(&CreateUserRequest {
            name: "vera".into(),
            role: Role::Viewer,
            password: "viewer-password".into(),
        })
        .await
        .unwrap();
    let viewer_token = login(&a, "vera", "viewer-password").await;
    let viewer = client(&a, Some(viewer_token.clone()));
    assert_eq!(viewer.nodes().await.unwrap().nodes.len(), 1);
    assert_eq!(status(viewer.users().await), 403);
    assert_eq!(status(viewer.delete_user("admin").await), 403);
    let dup = admin
        .create_user(&CreateUserRequest {
            name: "vera".into(),
            role: Role::Viewer,
            password: "viewer-password".into(),
        })
        .await;
    assert_eq!(status(dup), 409);
    assert_eq!(status(admin.delete_user("admin").await), 409, "last admin");

    // Logout revokes the token...
    viewer.logout().await.unwrap();
    assert_eq!(status(viewer.nodes().await), 401);
    // ...and stays revoked after a restart, while the admin's token still works.
    let admin_token = admin.whoami().await.map(|_| ()).ok();
    assert!(admin_token.is_some());
    a.shutdown().await;
    let b = agent(dir.path()).await;
    assert_eq!(status(client(&b, Some(viewer_token)).nodes().await), 401);
    // Users persisted in the vault.
    let admin = client(&b, Some(login(&b, "admin", ADMIN_PW).await));
    let names: Vec<String> = admin
        .users()
        .await
        .unwrap()
        .users
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(names, ["admin", "vera"]);
    b.shutdown().await;
}

#[tokio::test]
async fn client_mistakes_get_4xx_json_never_500() {
    let dir = tempfile::tempdir().unwrap();
    let a = agent(dir.path()).await;
    let token = login(&a, "admin", ADMIN_PW).await;
    // A raw HTTP client pinned to the CA, to send malformed requests the typed client cannot.
    let tls = p2p_shared::tls::client_config(
        ServerTrust::Pinned(a.ca_fingerprint.clone()),
        Default::default(),
        None,
        None,
    )
    .unwrap();
    let http = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .unwrap();
    let url = |p: &str| format!("https://{}{}", a.local_addr, p);
    let cases: Vec<(reqwest::RequestBuilder, u16, &str)> = vec![
        (
            http.post(url("/v1/auth/login"))
                .header("content-type", "application/json")
                .body("{not json"),
            400,
            "bad_request",
        ),
        (
            http.post(url("/v1/auth/login"))
                .header("content-type", "application/json")
                .body(r#"{"user": 5}"#),
            400,
            "bad_request",
        ),
        (
            http.post(url("/v1/auth/login")).body(r#"{"user":"a","password":"b"}"#),
            415,
            "unsupported_media_type",
        ),
        (
            http.post(url("/v1/users"))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body(vec![b' '; 200 * 1024]),
            413,
            "payload_too_large",
        ),
        (http.get(url("/v1/nope")), 404, "not_found"),
        (http.delete(url("/v1/nodes")).bearer_auth(&token), 405, "method_not_allowed"),
        (
            http.get(url("/v1/nodes")).header("authorization", "Basic abc"),
            401,
            "unauthenticated",
        ),
        (
            http.post(url("/v1/users"))
                .bearer_auth(&token)
                .json(&serde_json::json!({"name": "Bad Name", "role": "viewer", "password": "long-enough"})),
            400,
            "bad_request",
        ),
        (
            http.post(url("/v1/users"))
                .bearer_auth(&token)
                .json(&serde_json::json!({"name": "x", "role": "root", "password": "long-enough"})),
            400,
            "bad_request",
        ),
    ];
    for (i, (req, want, code)) in cases.into_iter().enumerate() {
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status().as_u16(), want, "case {i}");
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(body["error"]["code"], code, "case {i}: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    a.shutdown().await;
}

#[tokio::test]
async fn wrong_pin_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let a = agent(dir.path()).await;
    let other = p2p_shared::tls::Fingerprint::of(b"some other CA");
    let c = ApiClient::new(ClientOptions::new(
        format!("https://{}", a.local_addr),
        ServerTrust::Pinned(other),
    ))
    .unwrap();
    let err = c.health().await.unwrap_err();
    // A certificate failure, told apart from an unreachable server (not worth retrying).
    assert!(matches!(err, ClientError::Rejected { .. }), "{err}");
    a.shutdown().await;
}
