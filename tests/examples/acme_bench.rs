//! ACME orders a coordinator completes per second: one account (bound with the binding key
//! given), CONCURRENCY clients sharing its key, each ordering a certificate for 127.0.0.1
//! again and again: new order, authorization, http-01 challenge (answered by a responder
//! here), finalize, download. Prints orders/s and the p50/p99 of a whole order and of
//! finalize alone.
//!
//!     acme_bench DIRECTORY_URL CA_FILE KEY_ID HMAC_KEY ACME_HTTP_PORT ORDERS CONCURRENCY

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: a panic is the report

use std::time::{Duration, Instant};

use base64::Engine;
use p2p_tests::acme_client::{AcmeClient, csr, serve_http01};
use serde_json::json;

fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() - 1) as f64 * p / 100.0).round() as usize]
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, ca, kid, hmac, port, orders, concurrency] = &args[..] else {
        eprintln!(
            "usage: acme_bench DIRECTORY_URL CA_FILE KEY_ID HMAC_KEY ACME_HTTP_PORT ORDERS CONCURRENCY"
        );
        std::process::exit(2);
    };
    let ca_pem = std::fs::read(ca).unwrap();
    let hmac = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(hmac)
        .unwrap();
    let (orders, concurrency): (usize, usize) =
        (orders.parse().unwrap(), concurrency.parse().unwrap());
    let mut first = AcmeClient::new(dir, &ca_pem).await;
    let r = first.new_account(Some(first.binding(kid, &hmac))).await;
    assert!(r.status == 201 || r.status == 200, "{}", r.text);
    let responder = serve_http01(
        format!("127.0.0.1:{port}").parse().unwrap(),
        first.thumbprint(),
    )
    .await;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..concurrency {
        let mut c = first.same_key_from("127.0.0.1".parse().unwrap()).await;
        let count = orders / concurrency + usize::from(w < orders % concurrency);
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            for _ in 0..count {
                let t0 = Instant::now();
                let r = c.new_order(&[("ip", "127.0.0.1")]).await;
                assert_eq!(r.status, 201, "{}", r.text);
                let authz = c
                    .post(r.body["authorizations"][0].as_str().unwrap(), None)
                    .await;
                let chall = authz.body["challenges"][0]["url"]
                    .as_str()
                    .unwrap()
                    .to_string();
                let done = c.post(&chall, Some(&json!({}))).await;
                assert_eq!(done.body["status"], "valid", "{}", done.text);
                let (der, _) = csr(&["127.0.0.1"]);
                let t1 = Instant::now();
                let fin = c
                    .post(
                        r.body["finalize"].as_str().unwrap(),
                        Some(&json!({"csr": der})),
                    )
                    .await;
                let finalize = t1.elapsed();
                assert_eq!(fin.body["status"], "valid", "{}", fin.text);
                let chain = c
                    .post(fin.body["certificate"].as_str().unwrap(), None)
                    .await;
                assert_eq!(chain.status, 200);
                times.push((t0.elapsed(), finalize));
            }
            times
        }));
    }
    let mut whole = Vec::new();
    let mut finalize = Vec::new();
    for t in tasks {
        for (w, f) in t.await.unwrap() {
            whole.push(w);
            finalize.push(f);
        }
    }
    let secs = started.elapsed().as_secs_f64();
    responder.abort();
    println!(
        "{} orders in {secs:.1} s with {concurrency} clients: {:.1} orders/s; whole order p50 {:?} p99 {:?}; finalize p50 {:?} p99 {:?}",
        whole.len(),
        whole.len() as f64 / secs,
        pct(&mut whole, 50.0),
        pct(&mut whole, 99.0),
        pct(&mut finalize, 50.0),
        pct(&mut finalize, 99.0),
    );
}
