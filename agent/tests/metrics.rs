//! Metrics with in-process agents over real TLS: every node samples itself, operators read
//! every node's samples through any node, and `/metrics` parses as OpenMetrics, behind
//! the right credentials.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;
use common::*;

use std::time::Duration;

use p2p_shared::{ClientError, Role};

fn status(r: Result<impl std::fmt::Debug, ClientError>) -> u16 {
    match r {
        Err(ClientError::Api { status, .. }) => status,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_node_is_sampled_and_metrics_need_an_operator() {
    let (_net, _dir, coord, w1) = cluster_and_worker().await;
    let viewer = client(
        &coord,
        Some(coord.issue_token("admin", Role::Viewer).unwrap()),
    );

    // Both nodes' latest samples, through the coordinator (it asks the worker).
    let both = poll(Duration::from_secs(15), || {
        let viewer = viewer.clone();
        async move {
            viewer
                .node_samples()
                .await
                .is_ok_and(|l| l.nodes.len() == 2)
        }
    })
    .await;
    let list = viewer.node_samples().await.unwrap();
    assert!(both, "samples of both nodes: {list:?}");
    let ids: Vec<&str> = list.nodes.iter().map(|s| s.node_id.as_str()).collect();
    assert_eq!(ids, ["coord", "w1"]);
    for s in &list.nodes {
        assert!(s.memory_total_bytes > 0 && s.memory_used_bytes <= s.memory_total_bytes);
        assert!(s.cpu_cores >= 1 && s.disk_total_bytes > 0 && s.agent_rss_bytes > 0);
        assert!(!s.network.is_empty(), "{s:?}");
    }
    // The worker's history, through the coordinator: the last points, oldest first.
    assert!(
        poll(Duration::from_secs(10), || {
            let viewer = viewer.clone();
            async move {
                viewer
                    .node_history("w1", Some(2))
                    .await
                    .is_ok_and(|h| h.samples.len() == 2)
            }
        })
        .await
    );
    let h = viewer.node_history("w1", Some(2)).await.unwrap();
    assert_eq!((h.node_id.as_str(), h.capacity), ("w1", 300));
    assert!(h.samples.iter().all(|s| s.node_id == "w1"));
    assert!(h.samples[0].time < h.samples[1].time);
    assert!(h.memory_limit_bytes > 0);
    assert_eq!(status(viewer.node_history("nobody", None).await), 404);

    // No credentials: 401. A node's certificate: known, but not an operator: 403.
    let anonymous = client(&coord, None);
    assert_eq!(status(anonymous.prometheus_text().await), 401);
    assert_eq!(status(anonymous.node_samples().await), 401);
    let as_node = w1
        .pki()
        .peer_client(
            format!("https://{}", coord.local_addr),
            Some("coord".into()),
            Duration::from_secs(5),
        )
        .unwrap();
    assert_eq!(status(as_node.prometheus_text().await), 403);
    assert_eq!(status(as_node.node_samples().await), 403);
    assert_eq!(status(as_node.node_history("w1", None).await), 403);

    // A viewer scrapes: OpenMetrics that a Prometheus parser reads, with every area's
    // families.
    let text = viewer.prometheus_text().await.unwrap();
    assert!(text.trim_end().ends_with("# EOF"), "{text}");
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    let scrape = prometheus_parse::Scrape::parse(lines.into_iter().map(Ok)).unwrap();
    let names: std::collections::BTreeSet<&str> =
        scrape.samples.iter().map(|s| s.metric.as_str()).collect();
    for family in [
        "p2pd_node_cpu_usage_percent",
        "p2pd_node_network_receive_bytes_per_second",
        "p2pd_node_load",
        "p2pd_node_memory_used_bytes",
        "p2pd_node_disk_free_bytes",
        "p2pd_agent_resident_memory_bytes",
        "p2pd_members",
        "p2pd_gossip_probes_total",
        "p2pd_api_requests_total",
        "p2pd_api_request_duration_seconds",
        "p2pd_log_lines_stored_total",
        "p2pd_log_lines_dropped_total",
        "p2pd_cert_expiry_seconds",
        "p2pd_raft_term",
        "p2pd_raft_apply_lag",
    ] {
        assert!(names.contains(family), "no {family} in {names:?}");
    }
    let alive = scrape
        .samples
        .iter()
        .find(|s| s.metric == "p2pd_members" && s.labels.get("state") == Some("alive"))
        .expect("alive members");
    assert!(matches!(alive.value, prometheus_parse::Value::Gauge(v) if v == 2.0));
    // The 401s and 403s above were counted by class and status.
    assert!(scrape.samples.iter().any(|s| s.metric == "p2pd_api_requests_total"
        && s.labels.get("status") == Some("403")));
    w1.shutdown().await;
    coord.shutdown().await;
}
