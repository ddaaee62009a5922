//! Live events with real `p2pd` processes and a WebSocket client: a sample taken on a
//! worker, its service's output and restart, a certificate renewal and a worker's death
//! reach a client of the coordinator; a client that never reads does not hold up another
//! and is told what it missed; revoking the certificate a socket was opened with closes it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use p2p_shared::api::NodeState;
use p2p_shared::contexts::CtlConfig;
use p2p_shared::events::{CertChangeKind, Event, EventBody, EventType, Subscription};
use p2p_shared::tls::{CertCell, Fingerprint, PeerRequirements, client_config};
use p2p_shared::{ApiClient, ClientOptions, ServerTrust};
use p2p_tests::cluster::Cluster;
use p2p_tests::{signal, write_manifest};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const WAIT: Duration = Duration::from_secs(30);

/// A client of the context `name` of the cluster's p2pctl file (its token or
/// certificate), for `server`.
fn context_client(c: &Cluster, name: Option<&str>, server: &str) -> ApiClient {
    let file = CtlConfig::load(&c.path("p2pctl.toml")).unwrap();
    let name = name
        .map(str::to_string)
        .or(file.current_context.clone())
        .unwrap();
    let ctx = &file.contexts[&name];
    let fp = Fingerprint::parse(&ctx.ca_fingerprint).unwrap();
    let mut o = ClientOptions::new(server, ServerTrust::Pinned(fp));
    o.token = ctx.token.clone();
    if let (Some(cert), Some(key)) = (&ctx.client_cert, &ctx.client_key) {
        o.identity = Some(Arc::new(CertCell::from_pem_files(cert, key).unwrap()));
    }
    ApiClient::new(o).unwrap()
}

/// Reads the stream on a thread of its own; every message (or the error that ended it)
/// arrives on the channel.
fn subscribe(client: ApiClient, sub: Subscription) -> mpsc::Receiver<Result<Event, String>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let mut stream = match client.events(&sub).await {
                Ok(s) => s,
                Err(e) => {
                    let _ = tx.send(Err(e.to_string()));
                    return;
                }
            };
            loop {
                let next = stream.next().await;
                let msg = match next {
                    Some(Ok(e)) => Ok(e),
                    Some(Err(e)) => Err(e.to_string()),
                    None => Err("closed".into()),
                };
                let end = msg.is_err();
                if tx.send(msg).is_err() || end {
                    return;
                }
            }
        });
    });
    rx
}

/// The first message `want` accepts, within `timeout`.
fn expect<T>(
    rx: &mpsc::Receiver<Result<Event, String>>,
    timeout: Duration,
    what: &str,
    mut want: impl FnMut(&Event) -> Option<T>,
) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(Ok(e)) => {
                if let Some(t) = want(&e) {
                    return t;
                }
            }
            Ok(Err(e)) => panic!("the stream ended waiting for {what}: {e}"),
            Err(_) => panic!("no {what} within {timeout:?}"),
        }
    }
}

#[test]
fn every_source_reaches_a_websocket_client() {
    let c = Cluster::new();
    write_manifest(
        &c.services_dir("w2"),
        "ticker",
        "command: /bin/sh\nargs: ['-c', 'while true; do echo tick; sleep 0.3; done']\n",
    );
    let procs = c.start_nodes(3);
    let client = context_client(&c, None, &c.url(1, ""));
    let events = subscribe(client.clone(), Subscription::default());

    // The current state first: the members, and the worker's service with its generation.
    let mut generation = None;
    expect(&events, WAIT, "the current state", |e| match &e.body {
        EventBody::Services(s) if s.node_id == "w2" && s.name == "ticker" => {
            generation = Some(s.generation);
            None
        }
        EventBody::Synced { .. } => Some(()),
        _ => None,
    });
    // A sample taken on the worker, and then the next one: while it has a subscriber to
    // metrics, the coordinator gets every sample, not one every five minutes.
    let first = expect(&events, WAIT, "a sample from w2", |e| match &e.body {
        EventBody::Metrics(m) if m.node_id == "w2" => Some(m.time),
        _ => None,
    });
    let second = expect(
        &events,
        Duration::from_secs(10),
        "w2's next sample",
        |e| match &e.body {
            EventBody::Metrics(m) if m.node_id == "w2" && m.time > first => Some(m.time),
            _ => None,
        },
    );
    assert!(
        second - first < time::Duration::seconds(5),
        "{first} {second}"
    );
    // A line printed by the worker's service.
    expect(&events, WAIT, "a log line of ticker", |e| match &e.body {
        EventBody::Logs(r) if r.node_id == "w2" && r.source == "ticker" => {
            (r.message == "tick").then_some(())
        }
        _ => None,
    });

    // The same through p2pctl: without -f, the current state and nothing more (NDJSON)...
    let now = c.ctl_ok(&["-o", "json", "events", "--type", "nodes,coordinators"]);
    let now: Vec<Event> = now.lines().map(p2p_tests::parse).collect();
    let mut members: Vec<&str> = now
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::Nodes(n) => Some(n.node_id.as_str()),
            _ => None,
        })
        .collect();
    members.sort();
    assert_eq!(members, ["coord", "w2", "w3"]);
    assert!(now.iter().any(|e| matches!(&e.body,
        EventBody::Coordinators(l) if l.leader.as_deref() == Some("coord"))));
    // ...and with -f, a line per change.
    let (mut follower, lines) = c.streaming_ctl(
        &[
            "events",
            "-f",
            "--type",
            "logs",
            "--node",
            "w2",
            "--service",
            "ticker",
        ],
        "events.log",
    );
    let line = lines.recv_timeout(WAIT).expect("a followed event");
    assert!(
        line.contains("w2 ticker[stdout]") && line.ends_with("tick"),
        "{line}"
    );
    follower.terminate(Duration::from_secs(5));

    // A restart: the service's new generation.
    let before = generation.expect("ticker was in the current state");
    c.ctl_ok(&["svc", "restart", "ticker", "--node", "w2"]);
    expect(&events, WAIT, "ticker's restart", |e| match &e.body {
        EventBody::Services(s) if s.node_id == "w2" && s.name == "ticker" => {
            (s.generation > before).then_some(())
        }
        _ => None,
    });

    // A certificate renewal.
    c.ctl_ok(&["cert", "renew", "--node", "w2"]);
    expect(&events, WAIT, "w2's renewal", |e| match &e.body {
        EventBody::Certs(cert) if cert.subject == "w2" => {
            (cert.change == CertChangeKind::Renewed).then_some(())
        }
        _ => None,
    });

    // A worker killed outright: suspected, then dead.
    signal(&procs[2], libc::SIGKILL);
    expect(&events, WAIT, "w3's death", |e| match &e.body {
        EventBody::Nodes(n) if n.node_id == "w3" => {
            (n.state == NodeState::Dead && n.previous.is_some()).then_some(())
        }
        _ => None,
    });
    // The coordinator still answers for the dead worker from what it reported.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let held = rt.block_on(client.node_history("w3", None)).unwrap();
    assert!(!held.samples.is_empty() && held.samples.iter().all(|s| s.node_id == "w3"));
    drop(procs);
}

/// Opens `/v1/events` with a receive buffer of a few KiB, and never reads it.
async fn stalled_socket(
    c: &Cluster,
    client_token: &str,
) -> tokio_tungstenite::WebSocketStream<tokio_rustls::client::TlsStream<tokio::net::TcpStream>> {
    let file = CtlConfig::load(&c.path("p2pctl.toml")).unwrap();
    let ctx = &file.contexts[file.current_context.as_ref().unwrap()];
    let fp = Fingerprint::parse(&ctx.ca_fingerprint).unwrap();
    let mut tls = client_config(
        ServerTrust::Pinned(fp),
        PeerRequirements::default(),
        None,
        None,
    )
    .unwrap();
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let addr = std::net::SocketAddr::new(c.ip(1), c.port);
    let tcp = socket.connect(addr).await.unwrap();
    let tls = tokio_rustls::TlsConnector::from(Arc::new(tls))
        .connect(rustls_pki_types::ServerName::from(c.ip(1)), tcp)
        .await
        .unwrap();
    let mut req = format!("wss://{addr}/v1/events?types=logs")
        .into_client_request()
        .unwrap();
    req.headers_mut().insert(
        "authorization",
        format!("Bearer {client_token}").parse().unwrap(),
    );
    tokio_tungstenite::client_async(req, tls).await.unwrap().0
}

#[test]
fn a_client_that_never_reads_lags_alone() {
    let c = Cluster::new();
    let procs = c.start_nodes(1);
    let token = {
        let file = CtlConfig::load(&c.path("p2pctl.toml")).unwrap();
        file.contexts[file.current_context.as_ref().unwrap()]
            .token
            .clone()
            .unwrap()
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut stalled = rt.block_on(stalled_socket(&c, &token));
    // The other client waits only for the line printed after the flood.
    let done = subscribe(
        context_client(&c, None, &c.url(1, "")),
        Subscription {
            types: [EventType::Logs].into(),
            grep: Some("^flood-done$".into()),
            ..Subscription::default()
        },
    );
    expect(&done, WAIT, "synced", |e| {
        matches!(e.body, EventBody::Synced { .. }).then_some(())
    });
    // More output than the stalled socket's buffers and its queue can hold.
    write_manifest(
        &c.services_dir("coord"),
        "flood",
        "command: /bin/sh\nargs: ['-c', 'seq 1 100000; sleep 2; echo flood-done; sleep 600']\n",
    );
    expect(
        &done,
        Duration::from_secs(60),
        "the line after the flood",
        |e| matches!(&e.body, EventBody::Logs(r) if r.message == "flood-done").then_some(()),
    );
    // Now the stalled client reads: somewhere in what it gets, it is told it lagged.
    let dropped = rt.block_on(async {
        tokio::time::timeout(WAIT, async {
            while let Some(Ok(m)) = stalled.next().await {
                if let Message::Text(t) = m
                    && let Ok(Event {
                        body: EventBody::Lagged { dropped },
                        ..
                    }) = serde_json::from_str::<Event>(t.as_str())
                {
                    return Some(dropped);
                }
            }
            None
        })
        .await
    });
    let dropped = dropped.expect("read in time").expect("a lagged message");
    assert!(dropped > 0);
    drop(procs);
}

#[test]
fn revoking_the_certificate_closes_its_socket() {
    let c = Cluster::new();
    let procs = c.start_nodes(1);
    let ops = context_client(&c, Some("ops"), &c.url(1, ""));
    let events = subscribe(
        ops,
        Subscription {
            types: [EventType::Nodes].into(),
            ..Subscription::default()
        },
    );
    expect(&events, WAIT, "synced", |e| {
        matches!(e.body, EventBody::Synced { .. }).then_some(())
    });
    let file = CtlConfig::load(&c.path("p2pctl.toml")).unwrap();
    let cert = std::fs::read_to_string(file.contexts["ops"].client_cert.as_ref().unwrap()).unwrap();
    let serial = {
        let certs: Vec<p2p_shared::api::CertSummary> =
            p2p_tests::parse(&c.ctl_ok(&["-o", "json", "cert", "ls", "--all"]));
        certs
            .into_iter()
            .find(|x| x.subject == "ops")
            .map(|x| x.serial)
            .unwrap_or_else(|| panic!("no certificate of ops ({cert})"))
    };
    c.ctl_ok(&["cert", "revoke", &serial]);
    let deadline = Instant::now() + WAIT;
    let ended = loop {
        match events.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(Ok(_)) => continue,
            Ok(Err(e)) => break e,
            Err(_) => panic!("the socket stayed open after the revocation"),
        }
    };
    assert!(
        ended.contains("1008") && ended.contains("revoked"),
        "{ended}"
    );
    drop(procs);
}
