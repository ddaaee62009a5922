//! Child processes: each service runs as the leader of its own process group, so a stop
//! signal or SIGKILL reaches its children and grandchildren too.
//!
//! Nothing outlives the agent:
//! - a graceful stop of `p2pd` stops every group (stop signal, deadline, SIGKILL);
//! - the group leader gets SIGKILL from the kernel when `p2pd` dies (`PR_SET_PDEATHSIG`);
//! - every supervised process carries `P2P_SUPERVISOR=<marker>` in its environment, where
//!   the marker names this agent's state directory; at start-up the agent kills every
//!   process still carrying its marker (what a crash left behind, grandchildren included)
//!   before it starts any service, so nothing runs twice.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Stdio;

use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::sync::mpsc;

use super::launch::{self, Program, RunAs};
use super::machine::Exit;
use super::manifest::{Manifest, SUPERVISOR_ENV};
use super::{Event, LogSink, Stream};

/// Longest line handed to the log pipeline; longer output is split.
const MAX_LINE: usize = 16 * 1024;

/// The marker of the agent whose state lives in `state_dir`.
pub fn marker_for(state_dir: &Path) -> String {
    let canonical = std::fs::canonicalize(state_dir).unwrap_or_else(|_| state_dir.to_path_buf());
    let digest = Sha256::digest(canonical.as_os_str().as_encoded_bytes());
    hex::encode(&digest[..12])
}

/// Why a service's process could not be started.
#[derive(Debug, thiserror::Error)]
pub enum SpawnError {
    #[error("cannot run `{program}` as user {user}: {source}")]
    Exec {
        program: String,
        user: String,
        source: std::io::Error,
    },
    #[error("the process exited before it could be watched")]
    Vanished,
    #[error(transparent)]
    User(#[from] super::launch::LaunchError),
}

/// Starts `manifest`'s program in a new process group, as `run_as`, and watches it: output
/// lines go to `sink`, the exit to `events`. Returns the pid (also the process group id).
pub fn spawn(
    manifest: &Manifest,
    base_dir: &Path,
    run_as: &RunAs,
    marker: &str,
    generation: u64,
    events: mpsc::UnboundedSender<Event>,
    sink: LogSink,
) -> Result<u32, SpawnError> {
    let cwd = manifest
        .working_directory
        .as_ref()
        .map(|d| base_dir.join(d))
        .unwrap_or_else(|| base_dir.to_path_buf());
    let mut cmd = launch::command(&Program {
        command: &manifest.command,
        args: &manifest.args,
        env: &manifest.env,
        cwd: &cwd,
        run_as,
        marker,
        service: &manifest.name,
    });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|source| SpawnError::Exec {
        program: manifest.command.clone(),
        user: run_as.name.clone(),
        source,
    })?;
    let pid = child.id().ok_or(SpawnError::Vanished)?;
    let name = manifest.name.clone();
    if let Some(out) = child.stdout.take() {
        tokio::spawn(forward_lines(
            out,
            name.clone(),
            Stream::Stdout,
            sink.clone(),
        ));
    }
    if let Some(err) = child.stderr.take() {
        tokio::spawn(forward_lines(err, name.clone(), Stream::Stderr, sink));
    }
    tokio::spawn(async move {
        let exit = match child.wait().await {
            Ok(status) => match (status.code(), status.signal()) {
                (Some(c), _) => Exit::Code(c),
                (None, Some(s)) => Exit::Signal(s),
                (None, None) => Exit::Code(-1),
            },
            Err(e) => Exit::SpawnFailed(format!("lost track of the process: {e}")),
        };
        // Whatever is left of its group goes with the leader, right away: the sooner after
        // the reap, the smaller the window in which the group id could name someone else.
        let _ = signal_group(pid, Signal::SIGKILL);
        let _ = events.send(Event::Exited {
            name,
            generation,
            exit,
        });
    });
    Ok(pid)
}

/// Sends `signal` to the whole process group led by `pid`. A group that is already gone is
/// not an error.
pub fn signal_group(pid: u32, signal: Signal) -> Result<(), nix::Error> {
    let Ok(raw) = i32::try_from(pid) else {
        return Ok(());
    };
    match killpg(Pid::from_raw(raw), signal) {
        Ok(()) | Err(nix::errno::Errno::ESRCH) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Reads `pipe` line by line into `sink` until every writer (grandchildren included) has
/// closed it.
async fn forward_lines<R: AsyncRead + Unpin>(
    pipe: R,
    service: String,
    stream: Stream,
    sink: LogSink,
) {
    let mut reader = BufReader::new(pipe);
    let mut line = Vec::new();
    while let Ok(buf) = reader.fill_buf().await {
        if buf.is_empty() {
            break;
        }
        let (taken, done) = match buf.iter().position(|b| *b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        let room = MAX_LINE - line.len();
        let keep = taken.min(room);
        line.extend_from_slice(&buf[..keep]);
        reader.consume(keep);
        if done || line.len() >= MAX_LINE {
            emit(&sink, &service, stream, &mut line);
        }
    }
    if !line.is_empty() {
        emit(&sink, &service, stream, &mut line);
    }
}

fn emit(sink: &LogSink, service: &str, stream: Stream, line: &mut Vec<u8>) {
    while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        line.pop();
    }
    sink.line(service, stream, String::from_utf8_lossy(line).into_owned());
    line.clear();
}

/// Kills every process carrying this agent's marker: what a crashed previous run left
/// behind. Returns how many it killed.
pub fn kill_strays(marker: &str) -> usize {
    // Also the marker's name before 0.1 renamed it, so an upgrade finds what an older run
    // left behind.
    let needles = [
        format!("{SUPERVISOR_ENV}={marker}"),
        format!("P2PD_SUPERVISOR={marker}"),
    ];
    let me = std::process::id();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    let mut killed = 0;
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        if pid as u32 == me {
            continue;
        }
        // Unreadable (another user's process, or gone already): not ours.
        let Ok(environ) = std::fs::read(entry.path().join("environ")) else {
            continue;
        };
        if environ
            .split(|b| *b == 0)
            .any(|v| needles.iter().any(|n| v == n.as_bytes()))
        {
            tracing::warn!(
                pid,
                "killing a process left behind by a previous run of p2pd"
            );
            if kill(Pid::from_raw(pid), Signal::SIGKILL).is_ok() {
                killed += 1;
            }
        }
    }
    killed
}
