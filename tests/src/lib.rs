//! Helpers for tests that run the real `p2pd` and `p2pctl` binaries: locating them, free
//! ports, processes killed on drop, polling with a deadline.

pub mod acme_client;
pub mod browser;
pub mod cluster;
pub mod dev;
pub mod linearizable;
pub mod netns;
pub mod redis_server;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

/// Path of a workspace binary, next to the `deps/` directory that holds this test
/// executable. `cargo test --workspace` builds `p2pd` and `p2pctl` before running any test
/// because each of those packages has integration tests of its own (cargo builds a
/// package's binaries only for its own integration tests).
pub fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("current_exe: {e}"));
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .unwrap_or_else(|| panic!("unexpected test binary location {}", exe.display()));
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is missing: run the suite with `cargo test --workspace` so the binaries are built",
        path.display()
    );
    path
}

/// True to go on; false (after printing why) to skip a test that needs `what`. Under
/// CI=true a missing capability fails the test instead of skipping it.
pub fn require_capability(test: &str, what: &str, available: Result<(), String>) -> bool {
    match available {
        Ok(()) => true,
        Err(why) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{test} needs {what} under CI=true: {why}")
        }
        Err(why) => {
            eprintln!("skipping {test}: {why}");
            false
        }
    }
}

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

/// A child process that is killed (SIGKILL) if the test ends without stopping it.
pub struct Proc {
    pub child: Child,
}

impl Proc {
    pub fn spawn(cmd: &mut Command) -> Self {
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
        Self { child }
    }

    /// Sends SIGTERM and waits up to `deadline` for the exit status.
    pub fn terminate(&mut self, deadline: Duration) -> Option<std::process::ExitStatus> {
        let pid = self.child.id() as libc::pid_t;
        // SAFETY-free: kill(2) through libc is the only way to send SIGTERM from std.
        unsafe_kill(pid, libc::SIGTERM);
        let start = Instant::now();
        while start.elapsed() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

/// Sends `sig` to a test's child process.
pub fn signal(p: &Proc, sig: libc::c_int) {
    unsafe_kill(p.child.id() as libc::pid_t, sig);
}

#[allow(unsafe_code)]
fn unsafe_kill(pid: libc::pid_t, sig: libc::c_int) {
    // SAFETY: kill(2) has no memory-safety preconditions.
    unsafe {
        libc::kill(pid, sig);
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Parses JSON output (`p2pctl -o json`, an API body) as the `p2p-shared` type it is
/// documented to be: a renamed or missing field fails the test, as it would break a script.
pub fn parse<T: serde::de::DeserializeOwned>(text: &str) -> T {
    serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("not a {} ({e}): {text}", std::any::type_name::<T>()))
}

/// Polls `f` until it returns `Some` or `timeout` passes.
pub fn wait_for<T>(timeout: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if start.elapsed() > timeout {
            return None;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// Runs `p2pctl` with its own config file and no inherited p2pctl settings.
pub fn p2pctl(config: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(bin("p2pctl"));
    cmd.args(args);
    for (k, _) in std::env::vars() {
        if k.starts_with("P2PCTL_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("P2PCTL_CONFIG", config);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run p2pctl: {e}"))
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Writes a service manifest `NAME.yaml` into `dir` atomically (a rename), so the
/// supervisor's directory rescan never reads half a file.
pub fn write_manifest(dir: &Path, name: &str, yaml: &str) {
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, yaml).unwrap_or_else(|e| panic!("cannot write {}: {e}", tmp.display()));
    std::fs::rename(&tmp, dir.join(format!("{name}.yaml")))
        .unwrap_or_else(|e| panic!("cannot rename {}: {e}", tmp.display()));
}
