//! `p2pctl` as a process, without a server: usage errors, exit codes, contexts.
//!
//! Besides what they check, these tests make `cargo test --workspace` build the `p2pctl`
//! binary that the multi-process tests in `tests/` run (cargo builds a package's binaries
//! only for that package's own integration tests).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::process::{Command, Output};

fn p2pctl(config: &std::path::Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_p2pctl"));
    for (k, _) in std::env::vars() {
        if k.starts_with("P2PCTL_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("P2PCTL_CONFIG", config)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn exit_codes_without_a_server() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    // Usage errors: 2.
    assert_eq!(p2pctl(&cfg, &["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        p2pctl(&cfg, &["nodes", "ls", "-o", "xml"]).status.code(),
        Some(2)
    );
    assert_eq!(
        p2pctl(&cfg, &["login", "--ca-fingerprint", "SHA256:00"])
            .status
            .code(),
        Some(2),
        "login without a server is a usage error"
    );
    // Not signed in anywhere: 3, with a hint on stderr and nothing on stdout.
    let out = p2pctl(&cfg, &["nodes", "ls"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("p2pctl login"));
    // Unknown context: 4.
    assert_eq!(
        p2pctl(&cfg, &["context", "use", "nope"]).status.code(),
        Some(4)
    );
    // Help and version succeed.
    assert_eq!(p2pctl(&cfg, &["--help"]).status.code(), Some(0));
    let v = p2pctl(&cfg, &["version", "-o", "json"]);
    assert_eq!(v.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    assert_eq!(json["client"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn unreachable_server_is_exit_5() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    // A port nothing listens on: bind, learn the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let fp = format!("SHA256:{}", "0".repeat(64));
    let server = format!("https://127.0.0.1:{port}");
    let out = Command::new(env!("CARGO_BIN_EXE_p2pctl"))
        .env("P2PCTL_CONFIG", &cfg)
        .env("P2PCTL_PASSWORD", "x")
        .args(["login", "--server", &server, "--ca-fingerprint", &fp])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!cfg.exists(), "a failed login must not write a context");
}

#[test]
fn context_file_is_private_and_editable_by_commands() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        "current_context = \"a\"\n[contexts.a]\nserver = \"https://127.0.0.1:1\"\nca_fingerprint = \"SHA256:00\"\n\
         [contexts.b]\nserver = \"https://127.0.0.1:2\"\nca_fingerprint = \"SHA256:00\"\n",
    )
    .unwrap();
    assert_eq!(
        p2pctl(&cfg, &["context", "use", "b"]).status.code(),
        Some(0)
    );
    let out = p2pctl(&cfg, &["context", "ls", "-o", "json"]);
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[1]["name"], "b");
    assert_eq!(rows[1]["current"], true);
    assert_eq!(p2pctl(&cfg, &["context", "rm", "a"]).status.code(), Some(0));
    let text = std::fs::read_to_string(&cfg).unwrap();
    assert!(!text.contains("[contexts.a]"));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&cfg).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the context file holds tokens");
}

#[test]
fn contexts_are_renamed_named_and_removed_with_their_key_files() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    let certs = dir.path().join("certs");
    std::fs::create_dir_all(&certs).unwrap();
    let (crt, key) = (certs.join("ops.crt"), certs.join("ops.key"));
    std::fs::write(&crt, "x").unwrap();
    std::fs::write(&key, "x").unwrap();
    let elsewhere = dir.path().join("mine.crt");
    std::fs::write(&elsewhere, "x").unwrap();
    std::fs::write(
        &cfg,
        format!(
            "current_context = \"a\"\n[contexts.a]\nserver = \"https://127.0.0.1:1\"\nca_fingerprint = \"SHA256:00\"\n\
             [contexts.ops]\nserver = \"https://127.0.0.1:2\"\nca_fingerprint = \"SHA256:00\"\nclient_cert = {crt:?}\nclient_key = {key:?}\n\
             [contexts.own]\nserver = \"https://127.0.0.1:3\"\nca_fingerprint = \"SHA256:00\"\nclient_cert = {elsewhere:?}\nclient_key = {elsewhere:?}\n"
        ),
    )
    .unwrap();
    let current = p2pctl(&cfg, &["context", "current"]);
    assert_eq!(String::from_utf8_lossy(&current.stdout), "a\n");
    assert_eq!(
        p2pctl(&cfg, &["context", "rename", "a", "ops"])
            .status
            .code(),
        Some(2),
        "renaming onto an existing name is refused"
    );
    assert_eq!(
        p2pctl(&cfg, &["context", "rename", "a", "dev"])
            .status
            .code(),
        Some(0)
    );
    let current = p2pctl(&cfg, &["context", "current"]);
    assert_eq!(
        String::from_utf8_lossy(&current.stdout),
        "dev\n",
        "it stays current"
    );
    // Context names complete from the file.
    let offered = Command::new(env!("CARGO_BIN_EXE_p2pctl"))
        .env("P2PCTL_CONFIG", &cfg)
        .env("COMPLETE", "fish")
        .args(["--", "p2pctl", "context", "use", "o"])
        .output()
        .unwrap();
    let offered: Vec<String> = String::from_utf8_lossy(&offered.stdout)
        .lines()
        .map(|l| l.split('\t').next().unwrap_or("").to_string())
        .collect();
    assert_eq!(offered, ["ops", "own"]);
    // -o name and --no-headers for scripts.
    let names = p2pctl(&cfg, &["context", "ls", "-o", "name"]);
    assert_eq!(String::from_utf8_lossy(&names.stdout), "dev\nops\nown\n");
    let bare = p2pctl(&cfg, &["context", "ls", "--no-headers"]);
    let bare = String::from_utf8_lossy(&bare.stdout).to_string();
    assert!(
        !bare.contains("SERVER") && bare.contains("https://127.0.0.1:2"),
        "{bare}"
    );
    // Removing a context takes the key files p2pctl wrote for it, never the operator's own.
    assert_eq!(
        p2pctl(&cfg, &["context", "rm", "ops"]).status.code(),
        Some(0)
    );
    assert!(!crt.exists() && !key.exists());
    assert_eq!(
        p2pctl(&cfg, &["context", "rm", "own"]).status.code(),
        Some(0)
    );
    assert!(elsewhere.exists());
    // A duration is accepted wherever a time is.
    assert_eq!(
        p2pctl(&cfg, &["--timeout", "2s", "context", "ls"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        p2pctl(&cfg, &["--timeout", "soon", "context", "ls"])
            .status
            .code(),
        Some(2)
    );
}
