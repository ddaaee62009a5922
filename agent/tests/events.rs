//! The live-event WebSocket with in-process agents over real TLS: who may open it (a
//! viewer token or the dashboard's cookie from the node's own origin; not anonymous
//! callers, node certificates or another origin's page), the current state then
//! `synced`, a subscription changed by message, and the socket closing itself when its
//! token expires or is logged out.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;
use common::*;

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use p2p_shared::events::{EventBody, EventType, Subscription};
use p2p_shared::tls::{PeerRequirements, client_config};
use p2p_shared::{ClientError, Role, ServerTrust};
use p2pd::node::RunningAgent;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

fn status(r: Result<impl std::fmt::Debug, ClientError>) -> u16 {
    match r {
        Err(ClientError::Api { status, .. }) => status,
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// A raw handshake with the given headers: the status it was refused with, or the first
/// message after it was accepted.
async fn raw(a: &RunningAgent, headers: &[(&'static str, String)]) -> Result<String, u16> {
    let mut tls = client_config(
        ServerTrust::Pinned(a.ca_fingerprint.clone()),
        PeerRequirements::default(),
        None,
        None,
    )
    .unwrap();
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    let tcp = tokio::net::TcpStream::connect(a.local_addr).await.unwrap();
    let name = rustls_pki_types::ServerName::from(a.local_addr.ip());
    let stream = tokio_rustls::TlsConnector::from(Arc::new(tls))
        .connect(name, tcp)
        .await
        .unwrap();
    let mut req = format!("wss://{}/v1/events?types=nodes", a.local_addr)
        .into_client_request()
        .unwrap();
    for (k, v) in headers {
        req.headers_mut().insert(*k, v.parse().unwrap());
    }
    match tokio_tungstenite::client_async(req, stream).await {
        Ok((mut ws, _)) => match ws.next().await {
            Some(Ok(Message::Text(t))) => Ok(t.to_string()),
            other => panic!("no first message: {other:?}"),
        },
        Err(WsError::Http(resp)) => Err(resp.status().as_u16()),
        Err(e) => panic!("handshake failed: {e}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_may_open_the_event_stream() {
    let (_net, _dir, coord, w1) = cluster_and_worker().await;
    let sub = Subscription::default();

    // No credentials: 401. A node certificate: 403.
    assert_eq!(status(client(&coord, None).events(&sub).await), 401);
    let as_node = w1
        .pki()
        .peer_client(
            format!("https://{}", coord.local_addr),
            Some("coord".into()),
            Duration::from_secs(5),
        )
        .unwrap();
    assert_eq!(status(as_node.events(&sub).await), 403);

    // The dashboard's cookie: accepted from the node's own origin, refused from another
    // page (and without any Origin, since a cookie is sent by the browser by itself).
    let token = coord.issue_token("admin", Role::Viewer).unwrap();
    let cookie = format!("__Host-p2pd_session={token}");
    let own = format!("https://{}", coord.local_addr);
    let first = raw(
        &coord,
        &[("cookie", cookie.clone()), ("origin", own.clone())],
    )
    .await
    .expect("the own origin with the cookie is accepted");
    assert!(first.contains(r#""type":"nodes""#), "{first}");
    let foreign = raw(
        &coord,
        &[
            ("cookie", cookie.clone()),
            ("origin", "https://evil.example".into()),
        ],
    )
    .await;
    assert_eq!(foreign, Err(403));
    assert_eq!(raw(&coord, &[("cookie", cookie.clone())]).await, Err(403));
    // A foreign page is refused whatever it carries: a bearer token too.
    let bearer = raw(
        &coord,
        &[
            ("authorization", format!("Bearer {token}")),
            ("origin", "https://evil.example".into()),
        ],
    )
    .await;
    assert_eq!(bearer, Err(403));
    // A bad subscription: 400.
    let bad = Subscription {
        grep: Some("(".into()),
        ..Subscription::default()
    };
    assert_eq!(
        status(client(&coord, Some(token.clone())).events(&bad).await),
        400
    );

    // A viewer: the members' current state, then `synced`; a new subscription by message
    // brings the current state of what it adds.
    let viewer = client(&coord, Some(token.clone()));
    let mut stream = viewer
        .events(&Subscription {
            types: [EventType::Nodes].into(),
            ..Subscription::default()
        })
        .await
        .unwrap();
    let mut members = Vec::new();
    loop {
        let e = stream.next().await.unwrap().unwrap();
        match e.body {
            EventBody::Nodes(n) => members.push(n.node_id),
            EventBody::Synced { types } => {
                assert_eq!(types.into_iter().collect::<Vec<_>>(), [EventType::Nodes]);
                break;
            }
            other => panic!("not subscribed to {other:?}"),
        }
    }
    members.sort();
    assert_eq!(members, ["coord", "w1"]);
    stream
        .subscribe(Subscription {
            types: [EventType::Nodes, EventType::Coordinators].into(),
            ..Subscription::default()
        })
        .await
        .unwrap();
    let e = stream.next().await.unwrap().unwrap();
    match e.body {
        EventBody::Coordinators(c) => assert_eq!(c.leader.as_deref(), Some("coord")),
        other => panic!("expected the leader first, got {other:?}"),
    }
    assert!(matches!(
        stream.next().await.unwrap().unwrap().body,
        EventBody::Synced { .. }
    ));

    // Logged out: the socket closes itself (policy violation), within its recheck.
    viewer.logout().await.unwrap();
    match end_of(&mut stream, Duration::from_secs(5)).await {
        Some(ClientError::Closed { code, reason, .. }) => {
            assert_eq!(code, 1008);
            assert!(reason.contains("logged out"), "{reason}");
        }
        other => panic!("expected a close for the credential, got {other:?}"),
    }
    w1.shutdown().await;
    coord.shutdown().await;
}

/// Reads until the stream ends, and says how.
async fn end_of(stream: &mut p2p_shared::EventStream, within: Duration) -> Option<ClientError> {
    tokio::time::timeout(within, async {
        loop {
            match stream.next().await {
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Some(e),
                None => return None,
            }
        }
    })
    .await
    .expect("the stream ended in time")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_closes_when_its_token_expires() {
    let (_net, _dir, coord) = cluster().await;
    // A token issued so that it expires two seconds from now (tokens live 12 hours).
    let token = coord
        .issue_token_at(
            "admin",
            Role::Viewer,
            time::OffsetDateTime::now_utc() - time::Duration::hours(12)
                + time::Duration::seconds(2),
        )
        .unwrap();
    let mut stream = client(&coord, Some(token))
        .events(&Subscription::default())
        .await
        .unwrap();
    match end_of(&mut stream, Duration::from_secs(10)).await {
        Some(ClientError::Closed { code, reason, .. }) => {
            assert_eq!((code, reason.as_str()), (1008, "the token expired"));
        }
        other => panic!("expected a close for the expiry, got {other:?}"),
    }
    coord.shutdown().await;
}
