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

/// `POST /ui/logout` as the dashboard sends it.
async fn logout(c: &reqwest::Client, base: &str, cookie: &str) -> reqwest::Response {
    c.post(format!("{base}/ui/logout"))
        .header("cookie", cookie)
        .header("origin", base)
        .header("x-p2p-csrf", "1")
        .send()
        .await
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
    let out = logout(&c, &base, &cookie).await;
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

/// The page comes from the binary with the headers that keep it to itself, revalidates
/// with its ETag, and is served by coordinators only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_is_served_from_the_binary_with_a_strict_policy() {
    let (_net, _dir, coord, w1) = cluster_and_worker().await;
    let base = format!("https://{}", coord.local_addr);
    let c = http(&coord);

    let page = c.get(format!("{base}/dashboard")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let h = page.headers().clone();
    let header = |name: &str| {
        h.get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let csp = header("content-security-policy");
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    assert!(!csp.contains("unsafe"), "{csp}");
    assert_eq!(header("x-frame-options"), "DENY");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("referrer-policy"), "no-referrer");
    assert!(header("content-type").starts_with("text/html"));
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"<script type="module" src="/dashboard/app.js">"#));

    // A script, then the same again with its ETag: 304, no body.
    let js = c
        .get(format!("{base}/dashboard/app.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(js.status(), StatusCode::OK);
    assert!(
        js.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    let etag = js.headers()["etag"].to_str().unwrap().to_string();
    let again = c
        .get(format!("{base}/dashboard/app.js"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.headers().contains_key("content-security-policy"));
    let views = c
        .get(format!("{base}/dashboard/views/services.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(views.status(), StatusCode::OK);
    let missing = c
        .get(format!("{base}/dashboard/../../etc/passwd"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    // `/` leads to the page, on a coordinator.
    let root = reqwest::Client::builder()
        .tls_backend_preconfigured(
            client_config(
                ServerTrust::Pinned(coord.ca_fingerprint.clone()),
                PeerRequirements::default(),
                None,
                None,
            )
            .unwrap(),
        )
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{base}/"))
        .send()
        .await
        .unwrap();
    assert!(root.status().is_redirection(), "{}", root.status());
    assert_eq!(root.headers()["location"], "/dashboard");

    // A worker has no cluster view to show.
    let worker = c
        .get(format!("https://{}/dashboard", w1.local_addr))
        .send()
        .await
        .unwrap();
    assert_eq!(worker.status(), StatusCode::MISDIRECTED_REQUEST);
    w1.shutdown().await;
    coord.shutdown().await;
}

/// `GET /ui/session` tells the page whether its cookie signs anyone in, without an
/// error status, and why a cookie stopped working.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_learns_whether_its_cookie_still_signs_in() {
    let (_net, _dir, coord) = cluster().await;
    let base = format!("https://{}", coord.local_addr);
    let c = http(&coord);
    let session = |cookie: Option<String>, site: &'static str| {
        let mut r = c
            .get(format!("{base}/ui/session"))
            .header("sec-fetch-site", site);
        if let Some(cookie) = cookie {
            r = r.header("cookie", cookie);
        }
        r.send()
    };
    let none = session(None, "same-origin").await.unwrap();
    assert_eq!(none.status(), StatusCode::OK);
    let none: p2p_shared::api::UiSession = none.json().await.unwrap();
    assert!(!none.signed_in && none.who.is_none() && none.ended.is_none());

    let signed = c
        .post(format!("{base}/ui/login"))
        .header("origin", &base)
        .header("x-p2p-csrf", "1")
        .json(&serde_json::json!({"user": "admin", "password": ADMIN_PW}))
        .send()
        .await
        .unwrap();
    let cookie = signed.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let now: p2p_shared::api::UiSession = session(Some(cookie.clone()), "same-origin")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(now.signed_in);
    let who = now.who.unwrap();
    assert_eq!(
        (who.user.as_str(), who.role),
        ("admin", p2p_shared::api::Role::Admin)
    );
    assert_eq!(
        session(Some(cookie.clone()), "cross-site")
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );

    let out = logout(&c, &base, &cookie).await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let after = session(Some(cookie), "same-origin").await.unwrap();
    assert_eq!(after.status(), StatusCode::OK);
    let cleared = after.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let after: p2p_shared::api::UiSession = after.json().await.unwrap();
    assert!(!after.signed_in);
    assert!(
        after
            .ended
            .as_deref()
            .is_some_and(|e| e.contains("logged out")),
        "{:?}",
        after.ended
    );
    coord.shutdown().await;
}
