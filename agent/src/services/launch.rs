//! How every supervised program (a service, or a health-check command) is started: as which
//! user, with which environment, in its own process group, dying with the agent.
//!
//! The environment starts empty: only an allow-list of the agent's variables (locale, time
//! zone, `PATH`) plus the manifest's `env` and the supervisor marker. The agent's secrets
//! (`P2PD_PASSWORD`, a join token), systemd's `CREDENTIALS_DIRECTORY`, `NOTIFY_SOCKET` and
//! `WATCHDOG_*` never reach a service.
//!
//! Users: a manifest may name `user:` and `group:`. When the agent runs as root, a service
//! without `user:` runs as `services_default_user` (default `nobody`), so no service gets the
//! agent's rights (and with them the vault) unless its manifest asks for `user: root`. An agent
//! that is not root runs services as itself and refuses a `user:` other than its own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use nix::unistd::{Gid, Group, Uid, User};

use super::manifest::SUPERVISOR_ENV;

/// The agent's variables a service may see.
const PASSED_ON: &[&str] = &["PATH", "LANG", "LANGUAGE", "TZ"];
/// Used when the agent itself has no `PATH`.
const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/// Who services run as when the agent is root and neither the manifest nor the
/// configuration says otherwise.
pub const DEFAULT_SERVICE_USER: &str = "nobody";

/// Why a program could not be prepared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LaunchError {
    #[error("no user `{0}` on this host")]
    NoSuchUser(String),
    #[error("no group `{0}` on this host")]
    NoSuchGroup(String),
    #[error(
        "cannot run as user `{wanted}`: p2pd runs as `{agent}` without the right to switch users (run it as root, or drop `user:`)"
    )]
    CannotSwitch { wanted: String, agent: String },
    #[error("cannot look up users: {0}")]
    Lookup(String),
}

/// The user a program runs as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunAs {
    pub name: String,
    pub uid: Uid,
    pub gid: Gid,
    pub home: PathBuf,
    /// The agent must switch to this user (it is not the agent's own).
    switch: bool,
}

fn lookup_user(name: &str) -> Result<User, LaunchError> {
    User::from_name(name)
        .map_err(|e| LaunchError::Lookup(e.to_string()))?
        .ok_or_else(|| LaunchError::NoSuchUser(name.to_string()))
}

/// Who runs a program whose manifest names `user` and `group`, given the configured default.
pub fn run_as(
    user: Option<&str>,
    group: Option<&str>,
    default_user: Option<&str>,
) -> Result<RunAs, LaunchError> {
    let me = Uid::effective();
    let own = User::from_uid(me)
        .map_err(|e| LaunchError::Lookup(e.to_string()))?
        .map(|u| u.name)
        .unwrap_or_else(|| me.to_string());
    let wanted = match (user, me.is_root()) {
        (Some(u), _) => u.to_string(),
        (None, true) => default_user.unwrap_or(DEFAULT_SERVICE_USER).to_string(),
        (None, false) => own.clone(),
    };
    let entry = lookup_user(&wanted)?;
    if entry.uid != me && !me.is_root() {
        return Err(LaunchError::CannotSwitch { wanted, agent: own });
    }
    let gid = match group {
        Some(g) => {
            Group::from_name(g)
                .map_err(|e| LaunchError::Lookup(e.to_string()))?
                .ok_or_else(|| LaunchError::NoSuchGroup(g.to_string()))?
                .gid
        }
        None => entry.gid,
    };
    if gid != entry.gid && !me.is_root() {
        return Err(LaunchError::CannotSwitch { wanted, agent: own });
    }
    Ok(RunAs {
        switch: entry.uid != me || gid != Gid::effective(),
        name: entry.name,
        uid: entry.uid,
        gid,
        home: entry.dir,
    })
}

/// The agent's own user: programs run with the agent's rights (no switch).
pub fn agent_user() -> Result<RunAs, LaunchError> {
    let me = Uid::effective();
    let entry = User::from_uid(me)
        .map_err(|e| LaunchError::Lookup(e.to_string()))?
        .ok_or_else(|| LaunchError::NoSuchUser(me.to_string()))?;
    Ok(RunAs {
        name: entry.name,
        uid: entry.uid,
        gid: Gid::effective(),
        home: entry.dir,
        switch: false,
    })
}

/// What to start.
pub struct Program<'a> {
    pub command: &'a str,
    pub args: &'a [String],
    pub env: &'a BTreeMap<String, String>,
    pub cwd: &'a Path,
    pub run_as: &'a RunAs,
    /// The agent's marker (see `process.rs`): found and killed if this outlives a crash.
    pub marker: &'a str,
    /// `P2P_SERVICE` for the program.
    pub service: &'a str,
}

/// A command for `program`: empty environment plus the allow-list, the user, its own
/// process group, and death with the agent.
pub fn command(program: &Program<'_>) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(program.command);
    cmd.args(program.args).env_clear();
    for key in PASSED_ON {
        if let Some(v) = std::env::var_os(key) {
            cmd.env(key, v);
        }
    }
    for (key, value) in std::env::vars_os() {
        if key.to_str().is_some_and(|k| k.starts_with("LC_")) {
            cmd.env(key, value);
        }
    }
    if std::env::var_os("PATH").is_none() {
        cmd.env("PATH", DEFAULT_PATH);
    }
    let who = program.run_as;
    cmd.env("HOME", &who.home)
        .env("USER", &who.name)
        .env("LOGNAME", &who.name)
        .envs(program.env)
        .env(SUPERVISOR_ENV, program.marker)
        .env("P2P_SERVICE", program.service)
        .current_dir(program.cwd)
        .stdin(Stdio::null())
        .process_group(0)
        .kill_on_drop(false);
    if who.switch {
        // std drops the supplementary groups of a root parent when it switches the uid.
        cmd.uid(who.uid.as_raw()).gid(who.gid.as_raw());
    }
    die_with_parent(&mut cmd);
    cmd
}

/// Asks the kernel to SIGKILL the child when the thread that spawned it dies (`p2pd`
/// crashing); the marker scan at the next start catches its descendants. The setting is
/// cleared by a change of user, so it is made after it (std runs these closures last).
#[allow(unsafe_code)]
fn die_with_parent(cmd: &mut tokio::process::Command) {
    // SAFETY: the closure runs between fork and exec and only calls prctl(2), which is
    // async-signal-safe; it allocates nothing and touches no lock.
    unsafe {
        cmd.pre_exec(|| {
            nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL)
                .map_err(std::io::Error::from)
        });
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
    use super::*;

    #[test]
    fn unknown_users_and_groups_are_named() {
        assert_eq!(
            run_as(Some("no-such-user-p2p"), None, None),
            Err(LaunchError::NoSuchUser("no-such-user-p2p".into()))
        );
        let me = User::from_uid(Uid::effective()).unwrap().unwrap().name;
        assert_eq!(
            run_as(Some(&me), Some("no-such-group-p2p"), None),
            Err(LaunchError::NoSuchGroup("no-such-group-p2p".into()))
        );
    }

    #[test]
    fn without_a_user_root_drops_to_the_default_and_others_run_as_themselves() {
        let got = run_as(None, None, None).unwrap();
        if Uid::effective().is_root() {
            assert_eq!(got.name, DEFAULT_SERVICE_USER);
            assert!(got.switch);
            let root = run_as(None, None, Some("root")).unwrap();
            assert!(!root.switch, "root asked for root");
        } else {
            assert_eq!(got.uid, Uid::effective());
            assert!(!got.switch);
            assert!(matches!(
                run_as(Some("root"), None, None),
                Err(LaunchError::CannotSwitch { .. })
            ));
        }
    }
}
