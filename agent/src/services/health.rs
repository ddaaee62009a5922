//! Health probes (HTTP GET, TCP connect, a command) and the per-process task that runs them
//! on the manifest's schedule and reports each verdict to the supervisor.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::sync::mpsc;

use super::Event;
use super::manifest::{HealthCheck, Probe, SUPERVISOR_ENV};

/// Runs `check` against generation `generation` of service `name` until aborted.
pub fn spawn_checker(
    name: String,
    generation: u64,
    check: HealthCheck,
    cwd: PathBuf,
    marker: String,
    http: &mut Option<reqwest::Client>,
    events: mpsc::UnboundedSender<Event>,
) -> tokio::task::JoinHandle<()> {
    let probe = check.probe();
    let client = match (&probe, http.as_ref()) {
        (Some(Probe::Http(_)), None) => match http_client() {
            Ok(c) => {
                *http = Some(c.clone());
                Some(c)
            }
            Err(e) => {
                tracing::error!(service = %name, error = %e, "cannot build the HTTP client for health checks");
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
            let ok = run_probe(&probe, check.timeout, client.as_ref(), &cwd, &marker).await;
            // A slow starter is not failing yet: only successes count during start_period.
            if !ok && tokio::time::Instant::now() < grace_ends {
                continue;
            }
            let sent = events.send(Event::Health {
                name: name.clone(),
                generation,
                ok,
            });
            if sent.is_err() {
                return;
            }
        }
    })
}

/// One probe; anything but a clear success within `timeout` is a failure.
pub async fn run_probe(
    probe: &Probe,
    timeout: Duration,
    http: Option<&reqwest::Client>,
    cwd: &std::path::Path,
    marker: &str,
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
            let child = tokio::process::Command::new(program)
                .args(args)
                .env(SUPERVISOR_ENV, marker)
                .current_dir(cwd)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0)
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
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .pool_max_idle_per_host(0)
        .build()
}
