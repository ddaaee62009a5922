//! Stable-Rust property tests over every fuzz check: random bytes, and the seed corpus with
//! random edits (flips, insertions, cuts), which reach far deeper into a decoder than random
//! bytes alone. libFuzzer runs the same checks for millions of inputs (RELIABILITY.md).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::path::PathBuf;

use proptest::prelude::*;
use proptest::sample::Index;

fn corpus_dir(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target)
}

/// The checked-in seeds of `target`, in name order.
fn corpus(target: &str) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir(target))
        .unwrap_or_else(|e| panic!("corpus/{target}: {e}"))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

#[derive(Debug, Clone)]
enum Edit {
    Set(Index, u8),
    Insert(Index, Vec<u8>),
    Remove(Index, Index),
    Truncate(Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Edit::Set(i, b)),
        2 => (any::<Index>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, b)| Edit::Insert(i, b)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(i, n)| Edit::Remove(i, n)),
        1 => any::<Index>().prop_map(Edit::Truncate),
    ]
}

fn apply(mut data: Vec<u8>, edits: Vec<Edit>) -> Vec<u8> {
    for e in edits {
        let len = data.len().max(1);
        match e {
            Edit::Set(i, b) if !data.is_empty() => {
                let i = i.index(len);
                data[i] = b;
            }
            Edit::Insert(i, bytes) => {
                let at = i.index(len + 1).min(data.len());
                data.splice(at..at, bytes);
            }
            Edit::Remove(i, n) if !data.is_empty() => {
                let at = i.index(len);
                let end = (at + 1 + n.index(16)).min(data.len());
                data.drain(at..end);
            }
            Edit::Truncate(i) => data.truncate(i.index(len + 1)),
            _ => {}
        }
    }
    data
}

/// Random bytes one time in four, otherwise a seed with up to eight edits.
fn inputs(target: &str) -> impl Strategy<Value = Vec<u8>> {
    let seeds = corpus(target);
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..512),
        3 => (prop::sample::select(seeds), prop::collection::vec(edit(), 0..8))
            .prop_map(|(seed, edits)| apply(seed, edits)),
    ]
}

fn run(target: &str, cases: u32) {
    let config = ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let result = runner.run(&inputs(target), |data| {
        p2p_fuzz::check(target, &data).expect("a known target");
        Ok(())
    });
    if let Err(e) = result {
        panic!("{target}: {e}");
    }
}

#[test]
fn gossip_packet() {
    run("gossip_packet", 2048);
}

#[test]
fn sealed_datagram() {
    run("sealed_datagram", 2048);
}

#[test]
fn sync_body() {
    run("sync_body", 2048);
}

#[test]
fn join_token() {
    run("join_token", 4096);
}

#[test]
fn jwt() {
    run("jwt", 2048);
}

#[test]
fn vault_file() {
    run("vault_file", 1024);
}

#[test]
fn config_yaml() {
    run("config_yaml", 2048);
}

#[test]
fn service_manifest() {
    run("service_manifest", 2048);
}

#[test]
fn log_batch() {
    run("log_batch", 2048);
}

/// Every target has a corpus of seeds its decoder accepts, and the checked-in files are
/// what the generator builds today (by count: sealed datagrams, tokens and vaults carry
/// fresh randomness). `P2P_REGENERATE=1` rewrites them.
#[test]
fn seed_corpus_is_accepted() {
    let regenerate = std::env::var_os("P2P_REGENERATE").is_some();
    for target in p2p_fuzz::TARGETS {
        let generated = p2p_fuzz::seeds::generate(target).unwrap();
        let dir = corpus_dir(target);
        if regenerate {
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            for (i, seed) in generated.iter().enumerate() {
                std::fs::write(dir.join(format!("seed-{i:02}")), seed).unwrap();
            }
        }
        let held = corpus(target);
        assert_eq!(
            held.len(),
            generated.len(),
            "corpus/{target} is stale: run P2P_REGENERATE=1 cargo test -p p2p-fuzz"
        );
        for (i, seed) in held.iter().chain(&generated).enumerate() {
            assert_eq!(
                p2p_fuzz::check(target, seed),
                Some(true),
                "{target}: seed {i} is refused by its decoder"
            );
        }
    }
}

/// The checks do catch what they claim to: a check that accepted garbage, or never
/// accepted anything, would make the fuzzing worthless.
#[test]
fn checks_refuse_garbage() {
    for target in p2p_fuzz::TARGETS {
        assert_eq!(
            p2p_fuzz::check(target, b"\xff\xfe not an input"),
            Some(false),
            "{target}"
        );
    }
    assert_eq!(p2p_fuzz::check("no_such_target", b""), None);
}
