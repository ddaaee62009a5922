//! The restart state machine of one service: pure, fed with events and the time, returning
//! what the supervisor must do. No I/O and no clock of its own, so every rule below is
//! tested with an injected clock.
//!
//! Rules:
//! - an unexpected exit is restarted per policy (`always`; `on-failure`: non-zero exit or a
//!   signal; `never`) after `backoff_initial * 2^(n-1)` (capped at `backoff_max`, scaled by
//!   a jitter factor), where n counts crashes in a row;
//! - a run that lasted `reset_after` clears the count; more than `crash_loop_limit`
//!   crashes in a row end in `failed`;
//! - `unhealthy_threshold` failed checks in a row stop the service and restart it through
//!   the same backoff (it counts as a crash);
//! - stop sends the stop signal, then SIGKILL at `stop_timeout`.

use p2p_shared::services::{DesiredState, ServiceHealth, ServiceState};

use super::manifest::{Manifest, RestartPolicy};

pub type Millis = u64;

/// Timing and policy, from the manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub restart: RestartPolicy,
    pub backoff_initial: Millis,
    pub backoff_max: Millis,
    pub jitter: f64,
    pub crash_loop_limit: u32,
    pub reset_after: Millis,
    pub stop_timeout: Millis,
    pub health_check: bool,
    pub healthy_threshold: u32,
    pub unhealthy_threshold: u32,
}

impl Policy {
    pub fn from_manifest(m: &Manifest) -> Policy {
        let ms = |d: std::time::Duration| d.as_millis() as Millis;
        Policy {
            restart: m.restart.policy,
            backoff_initial: ms(m.restart.backoff_initial),
            backoff_max: ms(m.restart.backoff_max),
            jitter: m.restart.jitter,
            crash_loop_limit: m.restart.crash_loop_limit,
            reset_after: ms(m.restart.reset_after),
            stop_timeout: ms(m.stop_timeout),
            health_check: m.health.is_some(),
            healthy_threshold: m.health.as_ref().map_or(1, |h| h.healthy_threshold),
            unhealthy_threshold: m.health.as_ref().map_or(1, |h| h.unhealthy_threshold),
        }
    }
}

/// What the supervisor must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Start the process (a new generation).
    Spawn,
    /// Send the stop signal to the process group.
    Terminate,
    /// SIGKILL the process group.
    Kill,
}

/// How a process ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
    /// It never ran: the spawn itself failed.
    SpawnFailed(String),
}

impl Exit {
    fn success(&self) -> bool {
        matches!(self, Exit::Code(0))
    }

    pub fn describe(&self) -> String {
        match self {
            Exit::Code(c) => format!("exited with code {c}"),
            Exit::Signal(s) => {
                let name = nix::sys::signal::Signal::try_from(*s)
                    .map(|s| s.as_str())
                    .unwrap_or("unknown");
                format!("killed by signal {s} ({name})")
            }
            Exit::SpawnFailed(e) => format!("could not start: {e}"),
        }
    }
}

/// What to do once the current process has exited after a stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AfterStop {
    Stay,
    SpawnNow,
    /// Counted as a crash: through the backoff (or `failed`).
    Recover,
}

#[derive(Debug, Clone)]
pub struct Machine {
    policy: Policy,
    state: ServiceState,
    health: ServiceHealth,
    desired: DesiredState,
    after_stop: AfterStop,
    /// Backoff end, or the SIGKILL deadline while stopping.
    deadline: Option<Millis>,
    killed: bool,
    started_at: Option<Millis>,
    consecutive_failures: u32,
    restarts: u32,
    generation: u64,
    ok_streak: u32,
    fail_streak: u32,
    last_exit: Option<Exit>,
    rng: u64,
}

impl Machine {
    /// A stopped service; `seed` drives the jitter (fixed in tests).
    pub fn new(policy: Policy, seed: u64) -> Machine {
        Machine {
            policy,
            state: ServiceState::Stopped,
            health: ServiceHealth::Unknown,
            desired: DesiredState::Stopped,
            after_stop: AfterStop::Stay,
            deadline: None,
            killed: false,
            started_at: None,
            consecutive_failures: 0,
            restarts: 0,
            generation: 0,
            ok_streak: 0,
            fail_streak: 0,
            last_exit: None,
            rng: seed | 1,
        }
    }

    pub fn state(&self) -> ServiceState {
        self.state
    }
    pub fn health(&self) -> ServiceHealth {
        if !self.policy.health_check {
            ServiceHealth::None
        } else if self.is_up() {
            self.health
        } else {
            ServiceHealth::Unknown
        }
    }
    pub fn desired(&self) -> DesiredState {
        self.desired
    }
    pub fn generation(&self) -> u64 {
        self.generation
    }
    pub fn restarts(&self) -> u32 {
        self.restarts
    }
    pub fn consecutive_failures(&self) -> u32 {
        self.consecutive_failures
    }
    pub fn started_at(&self) -> Option<Millis> {
        self.started_at.filter(|_| self.has_process())
    }
    pub fn last_exit(&self) -> Option<&Exit> {
        self.last_exit.as_ref()
    }
    /// When a service in backoff starts again.
    pub fn next_start(&self) -> Option<Millis> {
        self.deadline
            .filter(|_| self.state == ServiceState::Backoff)
    }
    /// The next time [`Machine::tick`] has something to do.
    pub fn next_wakeup(&self) -> Option<Millis> {
        self.deadline
    }

    /// Starting or running: health checks apply.
    pub fn is_up(&self) -> bool {
        matches!(self.state, ServiceState::Starting | ServiceState::Running)
    }
    /// A process exists (or may still exist) for this service.
    pub fn has_process(&self) -> bool {
        matches!(
            self.state,
            ServiceState::Starting | ServiceState::Running | ServiceState::Stopping
        )
    }

    /// Replaces timing and policy (a manifest edit that needs no restart).
    pub fn set_policy(&mut self, policy: Policy) {
        self.policy = policy;
        // Without a check there is nothing left to pass: a starting service is up.
        if !self.policy.health_check && self.state == ServiceState::Starting {
            self.state = ServiceState::Running;
        }
    }

    /// The health check changed: earlier verdicts no longer count.
    pub fn reset_health(&mut self) {
        self.health = ServiceHealth::Unknown;
        self.ok_streak = 0;
        self.fail_streak = 0;
    }

    /// The operator (or the persisted desired state) wants it running.
    pub fn start(&mut self, now: Millis) -> Vec<Action> {
        self.desired = DesiredState::Running;
        match self.state {
            ServiceState::Stopped | ServiceState::Failed | ServiceState::Backoff => {
                self.consecutive_failures = 0;
                self.spawn(now)
            }
            ServiceState::Stopping => {
                self.after_stop = AfterStop::SpawnNow;
                vec![]
            }
            ServiceState::Starting | ServiceState::Running => vec![],
        }
    }

    pub fn stop(&mut self, now: Millis) -> Vec<Action> {
        self.desired = DesiredState::Stopped;
        self.after_stop = AfterStop::Stay;
        match self.state {
            ServiceState::Starting | ServiceState::Running => self.begin_stop(now),
            ServiceState::Backoff | ServiceState::Failed => {
                self.state = ServiceState::Stopped;
                self.deadline = None;
                vec![]
            }
            ServiceState::Stopping | ServiceState::Stopped => vec![],
        }
    }

    /// Stop (if running), then start at once; not counted as a crash.
    pub fn restart(&mut self, now: Millis) -> Vec<Action> {
        self.desired = DesiredState::Running;
        self.consecutive_failures = 0;
        match self.state {
            ServiceState::Starting | ServiceState::Running => {
                self.after_stop = AfterStop::SpawnNow;
                self.begin_stop(now)
            }
            ServiceState::Stopping => {
                self.after_stop = AfterStop::SpawnNow;
                vec![]
            }
            ServiceState::Stopped | ServiceState::Failed | ServiceState::Backoff => self.spawn(now),
        }
    }

    /// The process (group leader) has exited.
    pub fn exited(&mut self, now: Millis, exit: Exit) -> Vec<Action> {
        let ran = self.started_at.map_or(0, |s| now.saturating_sub(s));
        let success = exit.success();
        self.last_exit = Some(exit);
        self.killed = false;
        match self.state {
            ServiceState::Stopping => {
                self.state = ServiceState::Stopped;
                self.deadline = None;
                match std::mem::replace(&mut self.after_stop, AfterStop::Stay) {
                    AfterStop::Stay => vec![],
                    AfterStop::SpawnNow => self.spawn(now),
                    AfterStop::Recover => self.recover(now),
                }
            }
            ServiceState::Starting | ServiceState::Running => {
                if ran >= self.policy.reset_after {
                    self.consecutive_failures = 0;
                }
                let restart = match self.policy.restart {
                    RestartPolicy::Always => true,
                    RestartPolicy::OnFailure => !success,
                    RestartPolicy::Never => false,
                };
                if restart {
                    self.recover(now)
                } else {
                    self.state = if success {
                        ServiceState::Stopped
                    } else {
                        ServiceState::Failed
                    };
                    vec![]
                }
            }
            ServiceState::Stopped | ServiceState::Backoff | ServiceState::Failed => vec![],
        }
    }

    /// One health check result for the current process.
    pub fn health_result(&mut self, now: Millis, ok: bool) -> Vec<Action> {
        if !self.is_up() || !self.policy.health_check {
            return vec![];
        }
        if ok {
            self.ok_streak += 1;
            self.fail_streak = 0;
            if self.ok_streak >= self.policy.healthy_threshold {
                self.health = ServiceHealth::Healthy;
                self.state = ServiceState::Running;
            }
            return vec![];
        }
        self.fail_streak += 1;
        self.ok_streak = 0;
        if self.fail_streak < self.policy.unhealthy_threshold {
            return vec![];
        }
        self.health = ServiceHealth::Unhealthy;
        self.state = ServiceState::Running;
        if self.policy.restart == RestartPolicy::Never {
            return vec![];
        }
        self.after_stop = AfterStop::Recover;
        self.begin_stop(now)
    }

    /// Timers: the end of a backoff, the SIGKILL deadline of a stop.
    pub fn tick(&mut self, now: Millis) -> Vec<Action> {
        let Some(deadline) = self.deadline else {
            return vec![];
        };
        if now < deadline {
            return vec![];
        }
        match self.state {
            ServiceState::Backoff => {
                self.restarts += 1;
                self.spawn(now)
            }
            ServiceState::Stopping if !self.killed => {
                self.killed = true;
                self.deadline = None;
                vec![Action::Kill]
            }
            _ => {
                self.deadline = None;
                vec![]
            }
        }
    }

    /// Spawning failed: the same as a crash at once.
    pub fn spawn_failed(&mut self, now: Millis, error: String) -> Vec<Action> {
        self.exited(now, Exit::SpawnFailed(error))
    }

    fn spawn(&mut self, now: Millis) -> Vec<Action> {
        self.state = if self.policy.health_check {
            ServiceState::Starting
        } else {
            ServiceState::Running
        };
        self.health = ServiceHealth::Unknown;
        self.ok_streak = 0;
        self.fail_streak = 0;
        self.deadline = None;
        self.killed = false;
        self.started_at = Some(now);
        self.generation += 1;
        vec![Action::Spawn]
    }

    fn begin_stop(&mut self, now: Millis) -> Vec<Action> {
        self.state = ServiceState::Stopping;
        self.killed = false;
        self.deadline = Some(now.saturating_add(self.policy.stop_timeout));
        vec![Action::Terminate]
    }

    /// After a crash: back off and restart, or give up as `failed`.
    fn recover(&mut self, now: Millis) -> Vec<Action> {
        self.consecutive_failures += 1;
        if self.consecutive_failures > self.policy.crash_loop_limit {
            self.state = ServiceState::Failed;
            self.deadline = None;
            return vec![];
        }
        self.state = ServiceState::Backoff;
        self.deadline = Some(now.saturating_add(self.backoff_delay()));
        vec![]
    }

    /// `initial * 2^(n-1)`, capped, times a factor in [1 - jitter, 1 + jitter].
    fn backoff_delay(&mut self) -> Millis {
        let n = self.consecutive_failures.saturating_sub(1).min(32);
        let base = self
            .policy
            .backoff_initial
            .saturating_mul(1u64 << n)
            .min(self.policy.backoff_max);
        let factor = 1.0 + self.policy.jitter * (2.0 * self.random() - 1.0);
        ((base as f64) * factor).round().max(1.0) as Millis
    }

    /// xorshift64*: a few bits of jitter, deterministic for a given seed.
    fn random(&mut self) -> f64 {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy {
            restart: RestartPolicy::Always,
            backoff_initial: 1000,
            backoff_max: 8000,
            jitter: 0.0,
            crash_loop_limit: 5,
            reset_after: 60_000,
            stop_timeout: 5000,
            health_check: false,
            healthy_threshold: 1,
            unhealthy_threshold: 3,
        }
    }

    fn running(p: Policy) -> Machine {
        let mut m = Machine::new(p, 7);
        assert_eq!(m.start(0), vec![Action::Spawn]);
        m
    }

    /// Crashes at once each time it is started; returns the delays it waited.
    fn crash_loop(m: &mut Machine, crashes: usize) -> Vec<Millis> {
        let mut now = 0;
        let mut delays = vec![];
        for _ in 0..crashes {
            now += 10;
            assert!(m.exited(now, Exit::Code(1)).is_empty());
            if m.state() != ServiceState::Backoff {
                break;
            }
            let at = m.next_start().unwrap_or(0);
            delays.push(at - now);
            assert!(m.tick(at - 1).is_empty(), "no restart before the delay");
            assert_eq!(m.tick(at), vec![Action::Spawn]);
            now = at;
        }
        delays
    }

    #[test]
    fn crashes_restart_with_doubling_capped_delays() {
        let mut m = running(Policy {
            crash_loop_limit: 10,
            ..policy()
        });
        let delays = crash_loop(&mut m, 6);
        assert_eq!(delays, vec![1000, 2000, 4000, 8000, 8000, 8000]);
        assert_eq!(m.restarts(), 6);
        assert_eq!(m.generation(), 7);
        assert_eq!(m.state(), ServiceState::Running);
    }

    #[test]
    fn crash_loop_ends_in_failed() {
        let mut m = running(Policy {
            crash_loop_limit: 3,
            ..policy()
        });
        let delays = crash_loop(&mut m, 10);
        assert_eq!(delays.len(), 3);
        assert_eq!(m.state(), ServiceState::Failed);
        assert_eq!(m.next_wakeup(), None);
        assert_eq!(m.last_exit(), Some(&Exit::Code(1)));
        // An operator start clears the count and tries again.
        assert_eq!(m.start(100_000), vec![Action::Spawn]);
        assert_eq!(m.consecutive_failures(), 0);
    }

    #[test]
    fn a_long_run_clears_the_crash_count() {
        let mut m = running(policy());
        crash_loop(&mut m, 3);
        assert_eq!(m.consecutive_failures(), 3);
        let start = m.started_at().unwrap_or(0);
        m.exited(start + 61_000, Exit::Signal(9));
        assert_eq!(m.consecutive_failures(), 1);
        assert_eq!(m.next_start(), Some(start + 61_000 + 1000));
    }

    #[test]
    fn jitter_stays_within_its_band_and_varies() {
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..50 {
            let mut m = Machine::new(
                Policy {
                    jitter: 0.2,
                    ..policy()
                },
                seed,
            );
            m.start(0);
            m.exited(10, Exit::Code(1));
            let d = m.next_start().unwrap_or(0) - 10;
            assert!((800..=1200).contains(&d), "{d}");
            seen.insert(d);
        }
        assert!(seen.len() > 10, "jitter should spread delays: {seen:?}");
    }

    #[test]
    fn policies_decide_on_exit_codes() {
        let on_failure = Policy {
            restart: RestartPolicy::OnFailure,
            ..policy()
        };
        let mut m = running(on_failure.clone());
        m.exited(5, Exit::Code(0));
        assert_eq!(m.state(), ServiceState::Stopped);
        let mut m = running(on_failure);
        m.exited(5, Exit::Signal(11));
        assert_eq!(m.state(), ServiceState::Backoff);
        let never = Policy {
            restart: RestartPolicy::Never,
            ..policy()
        };
        let mut m = running(never.clone());
        m.exited(5, Exit::Code(2));
        assert_eq!(m.state(), ServiceState::Failed);
        let mut m = running(never);
        m.exited(5, Exit::Code(0));
        assert_eq!(m.state(), ServiceState::Stopped);
        assert_eq!(m.desired(), DesiredState::Running);
    }

    #[test]
    fn stop_escalates_to_kill_at_the_deadline() {
        let mut m = running(policy());
        assert_eq!(m.stop(100), vec![Action::Terminate]);
        assert_eq!(m.state(), ServiceState::Stopping);
        assert!(m.tick(5099).is_empty());
        assert_eq!(m.tick(5100), vec![Action::Kill]);
        assert!(m.tick(9000).is_empty(), "SIGKILL is sent once");
        assert!(m.exited(5101, Exit::Signal(9)).is_empty());
        assert_eq!(m.state(), ServiceState::Stopped);
        assert_eq!(m.desired(), DesiredState::Stopped);
        assert_eq!(m.consecutive_failures(), 0, "a requested stop is no crash");
    }

    #[test]
    fn restart_stops_then_spawns_without_counting_a_crash() {
        let mut m = running(policy());
        assert_eq!(m.restart(100), vec![Action::Terminate]);
        assert_eq!(m.exited(200, Exit::Signal(15)), vec![Action::Spawn]);
        assert_eq!(m.generation(), 2);
        assert_eq!(m.consecutive_failures(), 0);
        assert_eq!(m.state(), ServiceState::Running);
    }

    #[test]
    fn stop_during_backoff_cancels_the_restart() {
        let mut m = running(policy());
        m.exited(10, Exit::Code(1));
        assert!(m.stop(20).is_empty());
        assert_eq!(m.state(), ServiceState::Stopped);
        assert!(m.tick(100_000).is_empty());
    }

    #[test]
    fn start_while_stopping_spawns_after_the_exit() {
        let mut m = running(policy());
        m.stop(10);
        assert!(m.start(20).is_empty());
        assert_eq!(m.exited(30, Exit::Code(0)), vec![Action::Spawn]);
    }

    #[test]
    fn health_thresholds_and_restart_on_unhealthy() {
        let mut m = running(Policy {
            health_check: true,
            healthy_threshold: 2,
            ..policy()
        });
        assert_eq!(m.state(), ServiceState::Starting);
        assert_eq!(m.health(), ServiceHealth::Unknown);
        m.health_result(10, true);
        assert_eq!(m.state(), ServiceState::Starting);
        m.health_result(20, true);
        assert_eq!(
            (m.state(), m.health()),
            (ServiceState::Running, ServiceHealth::Healthy)
        );
        assert!(m.health_result(30, false).is_empty());
        assert!(
            m.health_result(40, true).is_empty(),
            "a success resets the streak"
        );
        m.health_result(50, false);
        m.health_result(60, false);
        assert_eq!(m.health_result(70, false), vec![Action::Terminate]);
        assert_eq!(m.state(), ServiceState::Stopping);
        assert!(m.exited(80, Exit::Signal(15)).is_empty());
        assert_eq!(m.state(), ServiceState::Backoff);
        assert_eq!(m.consecutive_failures(), 1);
        assert_eq!(m.tick(1080), vec![Action::Spawn]);
    }

    #[test]
    fn unhealthy_under_never_is_reported_not_restarted() {
        let mut m = running(Policy {
            health_check: true,
            unhealthy_threshold: 1,
            restart: RestartPolicy::Never,
            ..policy()
        });
        assert!(m.health_result(10, false).is_empty());
        assert_eq!(
            (m.state(), m.health()),
            (ServiceState::Running, ServiceHealth::Unhealthy)
        );
    }

    #[test]
    fn dropping_the_health_check_of_a_starting_service_makes_it_running() {
        let mut m = running(Policy {
            health_check: true,
            ..policy()
        });
        assert_eq!(m.state(), ServiceState::Starting);
        m.set_policy(policy());
        assert_eq!(
            (m.state(), m.health()),
            (ServiceState::Running, ServiceHealth::None)
        );
    }

    #[test]
    fn spawn_failure_backs_off_like_a_crash() {
        let mut m = running(policy());
        assert!(m.spawn_failed(0, "No such file".into()).is_empty());
        assert_eq!(m.state(), ServiceState::Backoff);
        assert!(
            m.last_exit()
                .is_some_and(|e| e.describe().contains("could not start"))
        );
    }

    #[test]
    fn exit_descriptions() {
        assert_eq!(Exit::Code(3).describe(), "exited with code 3");
        assert_eq!(Exit::Signal(9).describe(), "killed by signal 9 (SIGKILL)");
    }
}
