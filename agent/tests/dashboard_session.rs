//! The dashboard's session cookie with an in-process coordinator over real TLS: signing in
//! sets a `__Host-` cookie that is Secure, HttpOnly and SameSite=Strict; the cookie reads
//! from the node's own pages only, changes need the dashboard's header as well (a forged
//! cross-site request is refused, also with a browser's client certificate), and logout
//! revokes it on the server.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;
use common::*;

use p2p_shared::ServerTrust;
use p2p_shared::tls::{PeerRequirements, client_config};
use reqwest::StatusCode;

fn http(coord: &p2pd::node::RunningAgent) -> reqwest::Client {
    let tls = client_config(
        ServerTrust::Pinned(coord.ca_fingerprint.clone()),
        PeerRequirements::default(),
        None,
        None,
    )
    .unwrap();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_cookie_is_for_the_dashboards_own_pages() {
    let (_net, _dir, coord) = cluster().await;
    let base = format!("https://{}", coord.local_addr);
    let own = base.clone();
    let c = http(&coord);
    let login = serde_json::json!({"user": "admin", "password": ADMIN_PW});

    // Signing in from another site, or without the dashboard's header: refused.
    let forged = c
        .post(format!("{base}/ui/login"))
        .header("origin", "https://evil.example")
        .header("x-p2p-csrf", "1")
        .json(&login)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let no_header = c
        .post(format!("{base}/ui/login"))
        .header("origin", &own)
        .json(&login)
        .send()
        .await
        .unwrap();
    assert_eq!(no_header.status(), StatusCode::FORBIDDEN);

    // From the node's own page: the cookie, with every attribute that keeps it there.
    let signed = c
        .post(format!("{base}/ui/login"))
        .header("origin", &own)
        .header("x-p2p-csrf", "1")
        .json(&login)
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), StatusCode::OK);
    let set = signed
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    for attr in [
        "__Host-p2pd_session=",
        "Path=/",
        "Secure",
        "HttpOnly",
        "SameSite=Strict",
    ] {
        assert!(set.contains(attr), "{attr} missing from {set}");
    }
    let who: serde_json::Value = signed.json().await.unwrap();
    assert_eq!(who["user"], "admin");
    assert!(who.get("token").is_none(), "the token stays in the cookie");
    let cookie = set.split(';').next().unwrap().to_string();

    // Reads: from the own page (a same-origin fetch sends no Origin), not from anywhere.
    let read = |site: Option<&str>| {
        let mut r = c.get(format!("{base}/v1/nodes")).header("cookie", &cookie);
        if let Some(site) = site {
            r = r.header("sec-fetch-site", site);
        }
        r.send()
    };
    assert_eq!(
        read(Some("same-origin")).await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        read(Some("cross-site")).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(read(None).await.unwrap().status(), StatusCode::FORBIDDEN);

    // Changes: the own origin and the dashboard's header, both.
    let token = serde_json::json!({"ttl_seconds": 600, "uses": 1});
    let change = |origin: &str, csrf: bool| {
        let mut r = c
            .post(format!("{base}/v1/tokens"))
            .header("cookie", &cookie)
            .header("origin", origin)
            .json(&token);
        if csrf {
            r = r.header("x-p2p-csrf", "1");
        }
        r.send()
    };
    assert_eq!(
        change(&own, false).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        change("https://evil.example", true).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert!(change(&own, true).await.unwrap().status().is_success());

    // Logout revokes the token on the server and clears the cookie.
    let out = c
        .post(format!("{base}/ui/logout"))
        .header("cookie", &cookie)
        .header("origin", &own)
        .header("x-p2p-csrf", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let cleared = out.headers().get("set-cookie").unwrap().to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(
        read(Some("same-origin")).await.unwrap().status(),
        StatusCode::UNAUTHORIZED,
        "the old cookie no longer works"
    );
    coord.shutdown().await;
}
