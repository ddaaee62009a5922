//! The supervisor task: owns every local service's state machine and process, rescans the
//! services directory, runs the machines' actions, and publishes status (API snapshot and
//! membership metadata). One task, so no two decisions about a service ever race.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use p2p_shared::services::{
    DesiredState, ManifestProblem, SERVICE_META_PREFIX, ServiceAction, ServiceAnnouncement,
    ServiceDetail, ServiceInstance,
};
use time::OffsetDateTime;
use tokio::sync::{mpsc, watch};

use super::launch::{self, RunAs};
use super::machine::{Action, Machine, Millis, Policy};
use super::manifest::Manifest;
use super::process::SpawnError;
use super::{ControlError, Event, Request, Services, Snapshot, SupervisorOptions, health, process};

mod reload;

/// How often CPU and memory of running services are sampled.
const SAMPLE_INTERVAL: Duration = Duration::from_secs(5);
/// Beyond the longest stop timeout, how long shutdown waits for exits it has forced.
const DRAIN_GRACE: Duration = Duration::from_secs(5);

struct Slot {
    manifest: Manifest,
    file: PathBuf,
    machine: Machine,
    pid: Option<u32>,
    checker: Option<tokio::task::JoinHandle<()>>,
    /// Counts checkers started: verdicts of a replaced one are ignored.
    checker_id: u64,
    /// A changed manifest that needs a restart: used at the next spawn.
    pending: Option<Manifest>,
    /// The manifest is gone: drop the slot once the process has exited.
    removing: bool,
    cpu_percent: Option<f32>,
    rss_bytes: Option<u64>,
    /// The process group's CPU ticks at the last sample, and when: the next sample's share
    /// is the difference.
    last_ticks: Option<(u64, Instant)>,
    /// Who the running process runs as (health-check commands run as the same user).
    run_as: Option<RunAs>,
}

impl Slot {
    fn stop_checker(&mut self) {
        if let Some(h) = self.checker.take() {
            h.abort();
        }
    }
}

struct Supervisor {
    opts: SupervisorOptions,
    dir: Option<PathBuf>,
    slots: BTreeMap<String, Slot>,
    /// Manifest text last read from each file.
    files: BTreeMap<PathBuf, String>,
    /// Which service each file defines.
    file_names: BTreeMap<PathBuf, String>,
    problems: BTreeMap<PathBuf, String>,
    desired: BTreeMap<String, DesiredState>,
    events: mpsc::UnboundedSender<Event>,
    /// Built on first use: most nodes never run an HTTP check, and it costs memory.
    http: Option<reqwest::Client>,
    snapshot: Arc<Mutex<Snapshot>>,
    published: BTreeMap<String, String>,
    /// Moved after each publish that changed an announcement.
    changed: watch::Sender<u64>,
    /// Clock ticks per second and page size, for CPU shares and resident bytes.
    kernel: (u64, u64),
    drain_deadline: Option<Instant>,
    /// What every service and command probe learns of its node: `P2P_NODE_ID`,
    /// `P2P_NODE_ADDRESS`.
    node_env: BTreeMap<String, String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SupervisorError {
    #[error("cannot read desired service states: {0}")]
    Store(#[from] crate::store::StoreError),
}

/// Starts the supervisor. It first kills whatever a crashed previous run left behind, then
/// loads the manifests and starts each service its persisted desired state says should run.
pub fn spawn(
    opts: SupervisorOptions,
    shutdown: watch::Receiver<bool>,
) -> Result<(Services, tokio::task::JoinHandle<()>), SupervisorError> {
    let (tx, rx) = mpsc::channel(64);
    let (events, events_rx) = mpsc::unbounded_channel();
    let snapshot = Arc::new(Mutex::new(Snapshot::default()));
    let (changed, changes) = watch::channel(0);
    let handle = Services {
        tx,
        snapshot: snapshot.clone(),
        clock: opts.membership.clock,
        changes,
    };
    let node_env = BTreeMap::from([
        ("P2P_NODE_ID".to_string(), opts.node_id.clone()),
        ("P2P_NODE_ADDRESS".to_string(), opts.address.clone()),
    ]);
    let sup = Supervisor {
        node_env,
        desired: opts.local.service_desired()?,
        http: None,
        dir: opts.config.directory.clone(),
        opts,
        slots: BTreeMap::new(),
        files: BTreeMap::new(),
        file_names: BTreeMap::new(),
        problems: BTreeMap::new(),
        events,
        snapshot,
        published: BTreeMap::new(),
        changed,
        kernel: crate::procfs::clock_and_page(),
        drain_deadline: None,
    };
    let task = tokio::spawn(sup.run(rx, events_rx, shutdown));
    Ok((handle, task))
}

impl Supervisor {
    fn now(&self) -> Millis {
        self.opts.membership.clock.now()
    }

    async fn run(
        mut self,
        mut requests: mpsc::Receiver<Request>,
        mut events: mpsc::UnboundedReceiver<Event>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let marker = self.opts.marker.clone();
        let killed = tokio::task::spawn_blocking(move || process::kill_strays(&marker))
            .await
            .unwrap_or(0);
        if killed > 0 {
            tracing::warn!(
                killed,
                "killed processes a previous run of p2pd left behind"
            );
        }
        match &self.dir {
            Some(d) => tracing::info!(directory = %d.display(), "watching the services directory"),
            None => tracing::info!("no services directory: this node runs no services"),
        }
        self.rescan();
        self.publish();
        let mut reload = tokio::time::interval(self.opts.config.reload_interval);
        reload.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut sample = tokio::time::interval(SAMPLE_INTERVAL);
        sample.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let wake = self
                .slots
                .values()
                .filter_map(|s| s.machine.next_wakeup())
                .min()
                .map(|at| self.opts.membership.clock.instant_at(at))
                .or(self.drain_deadline);
            let sleep = async move {
                match wake {
                    Some(at) => tokio::time::sleep_until(at.into()).await,
                    None => std::future::pending().await,
                }
            };
            let draining = self.drain_deadline.is_some();
            tokio::select! {
                _ = reload.tick(), if !draining => self.rescan(),
                _ = sample.tick() => self.sample(),
                Some(ev) = events.recv() => self.on_event(ev),
                Some(req) = requests.recv(), if !draining => self.on_request(req),
                _ = sleep => self.tick(),
                _ = shutdown.changed(), if !draining => self.begin_drain(),
            }
            self.publish();
            if let Some(deadline) = self.drain_deadline {
                let running = self.slots.values().filter(|s| s.pid.is_some()).count();
                if running == 0 {
                    break;
                }
                if Instant::now() >= deadline {
                    tracing::error!(running, "services did not exit after SIGKILL; giving up");
                    break;
                }
            }
        }
        for slot in self.slots.values_mut() {
            slot.stop_checker();
        }
        tracing::info!("services stopped");
    }

    /// Stops every service (their desired state is kept: they come back with the agent).
    fn begin_drain(&mut self) {
        let longest = self
            .slots
            .values()
            .map(|s| s.manifest.stop_timeout)
            .max()
            .unwrap_or_default();
        self.drain_deadline = Some(Instant::now() + longest + DRAIN_GRACE);
        let now = self.now();
        let names: Vec<String> = self.slots.keys().cloned().collect();
        for name in names {
            if let Some(slot) = self.slots.get_mut(&name) {
                slot.stop_checker();
                let actions = slot.machine.stop(now);
                self.apply(&name, actions);
            }
        }
    }

    fn tick(&mut self) {
        let now = self.now();
        let names: Vec<String> = self
            .slots
            .iter()
            .filter(|(_, s)| s.machine.next_wakeup().is_some_and(|w| w <= now))
            .map(|(n, _)| n.clone())
            .collect();
        for name in names {
            if let Some(slot) = self.slots.get_mut(&name) {
                let actions = slot.machine.tick(now);
                self.apply(&name, actions);
            }
        }
    }

    fn on_event(&mut self, ev: Event) {
        let now = self.now();
        match ev {
            Event::Exited {
                name,
                generation,
                exit,
            } => {
                let Some(slot) = self.slots.get_mut(&name) else {
                    return;
                };
                if slot.machine.generation() != generation {
                    return;
                }
                // The exit watcher has already sent the rest of the group SIGKILL.
                slot.pid = None;
                slot.stop_checker();
                slot.cpu_percent = None;
                slot.rss_bytes = None;
                slot.last_ticks = None;
                let was = slot.machine.state();
                let actions = slot.machine.exited(now, exit.clone());
                let state = slot.machine.state();
                if was == p2p_shared::services::ServiceState::Stopping {
                    tracing::info!(service = %name, exit = %exit.describe(), "service stopped");
                } else {
                    tracing::warn!(service = %name, exit = %exit.describe(), %state, retry_at_ms = ?slot.machine.next_start(), "service exited");
                }
                self.apply(&name, actions);
                self.drop_if_removed(&name);
            }
            Event::Health {
                name,
                generation,
                checker,
                ok,
            } => {
                let Some(slot) = self.slots.get_mut(&name) else {
                    return;
                };
                if slot.machine.generation() != generation
                    || slot.checker_id != checker
                    || slot.pid.is_none()
                {
                    return;
                }
                let before = slot.machine.health();
                let actions = slot.machine.health_result(now, ok);
                let after = slot.machine.health();
                if before != after {
                    tracing::info!(service = %name, health = %after, "service health changed");
                }
                if actions.contains(&Action::Terminate) {
                    tracing::warn!(service = %name, "service is unhealthy; restarting it");
                }
                self.apply(&name, actions);
            }
        }
    }

    fn on_request(&mut self, req: Request) {
        let Request::Control {
            name,
            action,
            reply,
        } = req;
        let _ = reply.send(self.control(&name, action));
    }

    fn control(
        &mut self,
        name: &str,
        action: ServiceAction,
    ) -> Result<ServiceDetail, ControlError> {
        if self.slots.get(name).is_none_or(|s| s.removing) {
            return Err(ControlError::NotFound(name.to_string()));
        }
        let desired = match action {
            ServiceAction::Stop => DesiredState::Stopped,
            ServiceAction::Start | ServiceAction::Restart => DesiredState::Running,
        };
        self.opts.local.set_service_desired(
            name,
            desired,
            OffsetDateTime::now_utc().unix_timestamp(),
        )?;
        self.desired.insert(name.to_string(), desired);
        let now = self.now();
        let actions = match self.slots.get_mut(name) {
            Some(slot) => match action {
                ServiceAction::Start => slot.machine.start(now),
                ServiceAction::Stop => slot.machine.stop(now),
                ServiceAction::Restart => slot.machine.restart(now),
            },
            None => vec![],
        };
        tracing::info!(service = %name, action = action.as_str(), "service control");
        self.apply(name, actions);
        self.publish();
        self.snapshot_of(name)
            .ok_or_else(|| ControlError::NotFound(name.to_string()))
    }

    /// Runs a machine's actions; a failed spawn feeds back into the machine.
    fn apply(&mut self, name: &str, actions: Vec<Action>) {
        let mut queue = std::collections::VecDeque::from(actions);
        while let Some(action) = queue.pop_front() {
            let now = self.now();
            let base = self.base_dir();
            let Some(slot) = self.slots.get_mut(name) else {
                return;
            };
            match action {
                Action::Spawn => {
                    if let Some(m) = slot.pending.take() {
                        slot.machine.set_policy(Policy::from_manifest(&m));
                        slot.manifest = m;
                    }
                    slot.stop_checker();
                    let generation = slot.machine.generation();
                    let started = launch::run_as(
                        slot.manifest.user.as_deref(),
                        slot.manifest.group.as_deref(),
                        self.opts.config.default_user.as_deref(),
                    )
                    .map_err(SpawnError::from)
                    .and_then(|run_as| {
                        let mut manifest = slot.manifest.clone();
                        manifest
                            .env
                            .extend(self.node_env.iter().map(|(k, v)| (k.clone(), v.clone())));
                        let pid = process::spawn(
                            &manifest,
                            &base,
                            &run_as,
                            &self.opts.marker,
                            generation,
                            self.events.clone(),
                            self.opts.sink.clone(),
                        )?;
                        Ok((pid, run_as))
                    });
                    match started {
                        Ok((pid, run_as)) => {
                            slot.pid = Some(pid);
                            slot.run_as = Some(run_as.clone());
                            if let Some(check) = slot.manifest.health.clone() {
                                slot.checker_id += 1;
                                slot.checker = Some(health::spawn_checker(
                                    health::Checked {
                                        name: name.to_string(),
                                        generation,
                                        checker: slot.checker_id,
                                    },
                                    check,
                                    health::ProbeLaunch {
                                        cwd: base.clone(),
                                        run_as,
                                        marker: self.opts.marker.clone(),
                                        env: self.node_env.clone(),
                                    },
                                    &mut self.http,
                                    self.events.clone(),
                                ));
                            }
                            tracing::info!(service = %name, pid, generation, "service started");
                        }
                        Err(e) => {
                            tracing::warn!(service = %name, error = %e, command = %slot.manifest.command, "cannot start service");
                            queue.extend(slot.machine.spawn_failed(now, e.to_string()));
                        }
                    }
                }
                Action::Terminate | Action::Kill => {
                    let signal = if action == Action::Kill {
                        tracing::warn!(service = %name, timeout = ?slot.manifest.stop_timeout, "service did not stop in time; killing its process group");
                        Signal::SIGKILL
                    } else {
                        slot.manifest.stop_signal
                    };
                    if let Some(pid) = slot.pid
                        && let Err(e) = process::signal_group(pid, signal)
                    {
                        tracing::error!(service = %name, pid, error = %e, "cannot signal the service's process group");
                    }
                }
            }
        }
    }

    fn base_dir(&self) -> PathBuf {
        self.dir.clone().unwrap_or_else(|| PathBuf::from("/"))
    }

    fn announcement(&self, name: &str, slot: &Slot) -> ServiceAnnouncement {
        ServiceAnnouncement {
            state: slot.machine.state(),
            health: slot.machine.health(),
            desired: self
                .desired
                .get(name)
                .copied()
                .unwrap_or(DesiredState::Running),
            ports: slot.manifest.ports.clone(),
            tags: slot.manifest.tags.clone(),
            pid: slot.pid,
            started_at: slot.machine.started_at().map(|ms| (ms / 1000) as i64),
            restarts: slot.machine.restarts(),
            generation: slot.machine.generation(),
            last_exit: slot.machine.last_exit().map(|e| e.describe()),
        }
    }

    fn detail(&self, name: &str, slot: &Slot, addresses: &[String]) -> ServiceDetail {
        ServiceDetail {
            instance: ServiceInstance::from_announcement(
                &self.opts.node_id,
                name,
                addresses.to_vec(),
                self.announcement(name, slot),
            ),
            uptime_seconds: None,
            cpu_percent: slot.cpu_percent,
            rss_bytes: slot.rss_bytes,
            consecutive_failures: slot.machine.consecutive_failures(),
            next_start_at: slot.machine.next_start().and_then(|ms| {
                OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000).ok()
            }),
            command: slot.manifest.argv(),
            manifest: slot.file.display().to_string(),
        }
    }

    fn snapshot_of(&self, name: &str) -> Option<ServiceDetail> {
        self.snapshot
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .services
            .get(name)
            .cloned()
    }

    /// Refreshes the API snapshot and gossips changed announcements.
    fn publish(&mut self) {
        let addresses = self
            .opts
            .membership
            .node(&self.opts.node_id)
            .map(|n| n.addresses)
            .unwrap_or_default();
        let mut services = BTreeMap::new();
        let mut announced = BTreeMap::new();
        for (name, slot) in &self.slots {
            services.insert(name.clone(), self.detail(name, slot, &addresses));
            let json = serde_json::to_string(&self.announcement(name, slot)).unwrap_or_default();
            announced.insert(format!("{SERVICE_META_PREFIX}{name}"), json);
        }
        for (key, json) in &announced {
            if self.published.get(key) != Some(json) {
                self.opts.membership.set_meta(key, Some(json.clone()));
            }
        }
        for key in self.published.keys() {
            if !announced.contains_key(key) {
                self.opts.membership.set_meta(key, None);
            }
        }
        let moved = self.published != announced;
        self.published = announced;
        let problems = self
            .problems
            .iter()
            .map(|(file, error)| ManifestProblem {
                node_id: self.opts.node_id.clone(),
                file: file.display().to_string(),
                error: error.clone(),
            })
            .collect();
        *self.snapshot.lock().unwrap_or_else(|p| p.into_inner()) = Snapshot { services, problems };
        if moved {
            self.changed.send_modify(|v| *v += 1);
        }
    }

    /// CPU and memory of each running service, summed over its process group (a service
    /// that does its work in children is measured with them).
    fn sample(&mut self) {
        let groups: Vec<i32> = self
            .slots
            .values()
            .filter_map(|s| s.pid.and_then(|p| i32::try_from(p).ok()))
            .collect();
        if groups.is_empty() {
            return;
        }
        let usage = crate::procfs::read_groups(&groups);
        let (ticks_per_second, page) = self.kernel;
        let now = Instant::now();
        for slot in self.slots.values_mut() {
            let Some(&(ticks, pages, _)) = slot
                .pid
                .and_then(|p| i32::try_from(p).ok())
                .and_then(|g| usage.get(&g))
            else {
                continue;
            };
            if let Some((before, at)) = slot.last_ticks {
                let elapsed = now.duration_since(at).as_secs_f64() * ticks_per_second as f64;
                if elapsed > 0.0 {
                    slot.cpu_percent =
                        Some((ticks.saturating_sub(before) as f64 / elapsed * 100.0) as f32);
                }
            }
            slot.last_ticks = Some((ticks, now));
            slot.rss_bytes = Some(pages.saturating_mul(page));
        }
    }
}
