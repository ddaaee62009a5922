//! The dashboard in a real browser on loopback: time to the overview's first render, and
//! the time from a line a service prints to that line shown in the log view, measured in
//! the page (the service prints its own clock; the page notes when it shows each line).
//! Usage: dashboard_bench [RENDERS] [SECONDS]   (run by bench/dashboard.sh)

#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench: a panic is the report

use std::time::Duration;

use p2p_tests::browser::Browser;
use p2p_tests::dev::Dev;
use serde_json::Value;

/// Twenty lines a second on each node, each carrying the time it was printed (ns).
const SERVICE: &str = "command: /bin/sh\nargs: ['-c', 'while :; do echo \"bench-line $(date +%s%N)\"; sleep 0.05; done']\n";
const SEE: Duration = Duration::from_secs(30);

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn summary(name: &str, mut v: Vec<f64>) {
    v.sort_by(f64::total_cmp);
    println!(
        "{name}: n={} min={:.1} p50={:.1} p99={:.1} max={:.1} ms",
        v.len(),
        v.first().copied().unwrap_or(f64::NAN),
        percentile(&v, 0.5),
        percentile(&v, 0.99),
        v.last().copied().unwrap_or(f64::NAN),
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let renders: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(30);
    let mut dev = tokio::task::spawn_blocking(|| Dev::start("bench", SERVICE))
        .await
        .unwrap();
    let b = Browser::start(1280, 900).await.unwrap();
    b.goto(&dev.url("")).await.unwrap();
    b.wait_for("input[name=user]", SEE).await.unwrap();
    b.fill("input[name=user]", "admin").await.unwrap();
    b.fill("input[name=password]", &dev.admin_password)
        .await
        .unwrap();
    b.click("form#login button[type=submit]").await.unwrap();
    b.wait_for("#node-counts .count-item", SEE).await.unwrap();

    // A fresh load of the page each time (signed in, cached files revalidated by ETag).
    let mut first = Vec::new();
    for i in 0..renders {
        let url = format!("https://127.0.0.1:{}/dashboard?load={i}#/", dev.port);
        b.goto(&url).await.unwrap();
        let ms = b
            .until(
                "the overview rendered",
                "return window.p2pDashboard && window.p2pDashboard.firstRender;",
                SEE,
            )
            .await;
        let ms = match ms {
            Ok(ms) => ms,
            Err(e) => {
                let probe = b.exec("return [String(location.href), JSON.stringify(window.p2pDashboard), document.title]", vec![]).await;
                panic!("{e}: {probe:?} {:?}", b.console().await);
            }
        };
        first.push(ms.as_f64().unwrap_or(f64::NAN));
    }
    summary("overview first render (since navigation start)", first);

    // One node's lines of the service, followed live.
    b.goto(&dev.url("#/logs")).await.unwrap();
    b.fill("#log-service", "bench").await.unwrap();
    b.exec(
        "const s = document.querySelector('#log-node'); s.value = 'w1'; return s.value;",
        vec![],
    )
    .await
    .unwrap();
    b.click("#log-filters button[type=submit]").await.unwrap();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    let arrivals = b
        .exec("return window.p2pDashboard.logArrivals;", vec![])
        .await
        .unwrap();
    let latencies: Vec<f64> = arrivals
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| {
            let shown = a.get(0).and_then(Value::as_f64)?;
            let printed_ns: f64 = a
                .get(1)
                .and_then(Value::as_str)?
                .strip_prefix("bench-line ")?
                .trim()
                .parse()
                .ok()?;
            Some(shown - printed_ns / 1e6)
        })
        .collect();
    summary("service line printed -> shown in the log view", latencies);
    b.quit().await;
    dev.proc.terminate(Duration::from_secs(15));
}
