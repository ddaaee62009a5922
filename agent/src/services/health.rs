//! Health probes (HTTP GET, TCP connect, a command) and the per-process task that runs them
//! on the manifest's schedule and reports each verdict to the supervisor.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::sync::mpsc;

use super::Event;
use super::launch::{self, Program, RunAs};
use super::manifest::{HealthCheck, Probe};

/// Which process a checker judges: its verdicts name it, so the supervisor can ignore a
/// replaced checker's or an old process's.
#[derive(Debug, Clone)]
pub struct Checked {
    pub name: String,
    pub generation: u64,
    pub checker: u64,
}

/// How a command probe is launched: the service's directory and user, the agent's marker
/// and the node's environment.
pub struct ProbeLaunch {
    pub cwd: PathBuf,
    pub run_as: RunAs,
    pub marker: String,
    pub env: std::collections::BTreeMap<String, String>,
}

/// Runs `check` against the process `who` names until aborted.
pub fn spawn_checker(
    who: Checked,
    check: HealthCheck,
    launch: ProbeLaunch,
    http: &mut Option<reqwest::Client>,
    events: mpsc::UnboundedSender<Event>,
) -> tokio::task::JoinHandle<()> {
    let ProbeLaunch {
        cwd,
        run_as,
        marker,
        env,
    } = launch;
    let probe = check.probe();
    let client = match (&probe, http.as_ref()) {
        (Some(Probe::Http(_)), None) => match http_client() {
            Ok(c) => {
                *http = Some(c.clone());
                Some(c)
            }
            Err(e) => {
                tracing::error!(service = %who.name, error = %e, "cannot build the HTTP client for health checks");
                None
            }
        },
        (Some(Probe::Http(_)), Some(c)) => Some(c.clone()),
        _ => None,
    };
    tokio::spawn(async move {
        let Some(probe) = probe else {
            return;
        };
        let grace_ends = tokio::time::Instant::now() + check.start_period;
        let mut tick = tokio::time::interval(check.interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let target = Target {
                cwd: &cwd,
                run_as: &run_as,
                marker: &marker,
                service: &who.name,
                env: &env,
            };
            let ok = run_probe(&probe, check.timeout, client.as_ref(), &target).await;
            // A slow starter is not failing yet: only successes count during start_period.
            if !ok && tokio::time::Instant::now() < grace_ends {
                continue;
            }
            let sent = events.send(Event::Health {
                name: who.name.clone(),
                generation: who.generation,
                checker: who.checker,
                ok,
            });
            if sent.is_err() {
                return;
            }
        }
    })
}

/// What a command probe runs as and where (the same user and directory as the service).
pub struct Target<'a> {
    pub cwd: &'a std::path::Path,
    pub run_as: &'a RunAs,
    pub marker: &'a str,
    pub service: &'a str,
    /// What the probe's environment holds beyond the allow-list (the node's identity).
    pub env: &'a std::collections::BTreeMap<String, String>,
}

/// One probe; anything but a clear success within `timeout` is a failure.
pub async fn run_probe(
    probe: &Probe,
    timeout: Duration,
    http: Option<&reqwest::Client>,
    target: &Target<'_>,
) -> bool {
    match probe {
        Probe::Http(url) => {
            let Some(http) = http else {
                return false;
            };
            matches!(
                http.get(url).timeout(timeout).send().await,
                Ok(r) if r.status().is_success()
            )
        }
        Probe::Tcp(addr) => matches!(
            tokio::time::timeout(timeout, tokio::net::TcpStream::connect(addr.as_str())).await,
            Ok(Ok(_))
        ),
        Probe::Command(argv) => {
            let Some((program, args)) = argv.split_first() else {
                return false;
            };
            let child = launch::command(&Program {
                command: program,
                args,
                env: target.env,
                cwd: target.cwd,
                run_as: target.run_as,
                marker: target.marker,
                service: target.service,
            })
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn();
            let Ok(mut child) = child else {
                return false;
            };
            match tokio::time::timeout(timeout, child.wait()).await {
                Ok(Ok(status)) => status.success(),
                _ => {
                    if let Some(pid) = child.id() {
                        let _ =
                            super::process::signal_group(pid, nix::sys::signal::Signal::SIGKILL);
                    }
                    let _ = child.wait().await;
                    false
                }
            }
        }
    }
}

/// The client HTTP probes use: no redirects, no proxies (checks go to the local service).
pub fn http_client() -> Result<reqwest::Client, reqwest::Error> {
    // reqwest looks up the process-wide provider and panics without one.
    let _ = p2p_shared::tls::crypto_provider();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .pool_max_idle_per_host(0)
        .build()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A one-route HTTP server on loopback answering every request with `status`.
    async fn http_server(status: &'static str) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut conn, _)) = listener.accept().await {
                let mut buf = [0u8; 1024];
                let _ = conn.read(&mut buf).await;
                let reply =
                    format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
                let _ = conn.write_all(reply.as_bytes()).await;
            }
        });
        format!("http://{addr}/healthz")
    }

    async fn probe(p: Probe) -> bool {
        let http = http_client().unwrap();
        let run_as = super::super::launch::agent_user().unwrap();
        let env = std::collections::BTreeMap::new();
        let target = Target {
            cwd: Path::new("/"),
            run_as: &run_as,
            marker: "test-marker",
            service: "probe-test",
            env: &env,
        };
        run_probe(&p, Duration::from_millis(500), Some(&http), &target).await
    }

    use std::path::Path;

    #[tokio::test]
    async fn http_probe_wants_a_2xx() {
        assert!(probe(Probe::Http(http_server("200 OK").await)).await);
        assert!(!probe(Probe::Http(http_server("503 Service Unavailable").await)).await);
        // A redirect is not followed and not healthy.
        assert!(!probe(Probe::Http(http_server("302 Found").await)).await);
    }

    #[tokio::test]
    async fn tcp_probe_wants_a_listener() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        assert!(probe(Probe::Tcp(addr.clone())).await);
        drop(listener);
        assert!(!probe(Probe::Tcp(addr)).await);
    }

    #[tokio::test]
    async fn command_probe_wants_exit_zero_in_time() {
        assert!(probe(Probe::Command(vec!["/bin/true".into()])).await);
        assert!(!probe(Probe::Command(vec!["/bin/false".into()])).await);
        assert!(!probe(Probe::Command(vec!["/nonexistent/check".into()])).await);
        let started = std::time::Instant::now();
        assert!(!probe(Probe::Command(vec!["/bin/sleep".into(), "30".into()])).await);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the slow check is killed at its timeout"
        );
    }
}
