//! A real `redis-server` for the shared-cache tests, on a free loopback port with a
//! password, in its own directory, never saving to disk. It can be killed and started
//! again on the same port.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::{Proc, free_port, wait_for};

pub const PASSWORD: &str = "redis-test-password";

pub struct Redis {
    pub port: u16,
    proc: Option<Proc>,
    dir: tempfile::TempDir,
    /// Serving TLS only, with a certificate for 127.0.0.1 from its own CA (`ca_file`).
    tls: bool,
}

/// Whether this machine can run the tests that need Redis.
pub fn available() -> Result<(), String> {
    match Command::new("redis-server").arg("--version").output() {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!("redis-server --version failed: {}", o.status)),
        Err(e) => Err(format!("no redis-server ({e}); apt install redis-server")),
    }
}

impl Redis {
    pub fn start() -> Self {
        Self::start_with(false)
    }

    /// TLS only (`rediss://`), its certificate signed by `ca_file()`.
    pub fn start_tls() -> Self {
        Self::start_with(true)
    }

    fn start_with(tls: bool) -> Self {
        let mut r = Redis {
            port: free_port(),
            proc: None,
            dir: tempfile::tempdir().unwrap_or_else(|e| panic!("no temp dir: {e}")),
            tls,
        };
        if tls {
            r.make_certificates();
        }
        r.restart();
        r
    }

    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    fn make_certificates(&self) {
        let d = self.dir.path();
        let run = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(d)
                .output()
                .unwrap_or_else(|e| panic!("openssl: {e}"));
            assert!(out.status.success(), "openssl {args:?}: {:?}", out);
        };
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ];
        let mut ca = vec!["req", "-x509"];
        ca.extend(ec);
        ca.extend(["-keyout", "ca.key", "-out", "ca.pem", "-days", "2"]);
        ca.extend(["-subj", "/CN=redis test CA"]);
        run(&ca);
        let mut csr = vec!["req"];
        csr.extend(ec);
        csr.extend([
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ]);
        run(&csr);
        std::fs::write(d.join("ext"), "subjectAltName=IP:127.0.0.1\n")
            .unwrap_or_else(|e| panic!("{e}"));
        run(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "ext",
        ]);
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("redis.log")
    }

    /// Starts the server (again, empty) and waits until it answers.
    pub fn restart(&mut self) {
        let port = self.port.to_string();
        let log = self.log();
        let mut cmd = Command::new("redis-server");
        cmd.args(["--bind", "127.0.0.1"]);
        if self.tls {
            let d = self.dir.path();
            cmd.args([
                "--port",
                "0",
                "--tls-port",
                &port,
                "--tls-auth-clients",
                "no",
            ])
            .arg("--tls-cert-file")
            .arg(d.join("server.pem"))
            .arg("--tls-key-file")
            .arg(d.join("server.key"))
            .arg("--tls-ca-cert-file")
            .arg(self.ca_file());
        } else {
            cmd.args(["--port", &port]);
        }
        let proc = Proc::spawn(
            cmd.args([
                "--requirepass",
                PASSWORD,
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .arg("--dir")
            .arg(self.dir.path())
            .arg("--logfile")
            .arg(&log)
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
        );
        self.proc = Some(proc);
        let mut last = None;
        let up = wait_for(Duration::from_secs(10), || {
            self.cli(&["PING"])
                .ok()
                .filter(|t| t.trim() == "PONG")
                .or_else(|| {
                    last = Some("no PONG");
                    None
                })
        });
        assert!(
            up.is_some(),
            "redis-server did not answer ({last:?}): {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    /// SIGKILL: gone at once, as in a crash.
    pub fn kill(&mut self) {
        if let Some(mut p) = self.proc.take() {
            let _ = p.child.kill();
            let _ = p.child.wait();
        }
    }

    /// What a coordinator's `redis_url` is.
    pub fn url(&self) -> String {
        let scheme = if self.tls { "rediss" } else { "redis" };
        format!("{scheme}://:{PASSWORD}@127.0.0.1:{}", self.port)
    }

    /// A plain connection (a TLS server is reached with `cli`).
    pub fn connection(&self) -> redis::RedisResult<redis::Connection> {
        let client = redis::Client::open(self.url())?;
        let mut conn = client.get_connection_with_timeout(Duration::from_secs(1))?;
        redis::cmd("PING").query::<String>(&mut conn)?;
        Ok(conn)
    }

    /// `redis-cli ARGS` against the server (over TLS if it serves TLS); its output.
    pub fn cli(&self, args: &[&str]) -> Result<String, String> {
        let mut cmd = Command::new("redis-cli");
        cmd.args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args(["-a", PASSWORD, "--no-auth-warning"]);
        if self.tls {
            cmd.arg("--tls").arg("--cacert").arg(self.ca_file());
        }
        let out = cmd.args(args).output().map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if out.status.success() && !text.starts_with("ERR") && !text.contains("refused") {
            Ok(text)
        } else {
            Err(format!("{text}{}", String::from_utf8_lossy(&out.stderr)))
        }
    }
}
