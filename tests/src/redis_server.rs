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
        let mut r = Redis {
            port: free_port(),
            proc: None,
            dir: tempfile::tempdir().unwrap_or_else(|e| panic!("no temp dir: {e}")),
        };
        r.restart();
        r
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("redis.log")
    }

    /// Starts the server (again, empty) and waits until it answers.
    pub fn restart(&mut self) {
        let port = self.port.to_string();
        let log = self.log();
        let proc = Proc::spawn(
            Command::new("redis-server")
                .args(["--bind", "127.0.0.1", "--port", &port])
                .args([
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
        let up = wait_for(Duration::from_secs(10), || self.connection().ok());
        assert!(
            up.is_some(),
            "redis-server did not answer: {}",
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
        format!("redis://:{PASSWORD}@127.0.0.1:{}", self.port)
    }

    pub fn connection(&self) -> redis::RedisResult<redis::Connection> {
        let client = redis::Client::open(self.url())?;
        let mut conn = client.get_connection_with_timeout(Duration::from_secs(1))?;
        redis::cmd("PING").query::<String>(&mut conn)?;
        Ok(conn)
    }
}
