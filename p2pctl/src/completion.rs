//! Shell completion. `p2pctl completion SHELL` prints a static script (the grammar: every
//! command, flag and fixed value). For names that only the cluster knows (nodes), the
//! dynamic mode asks the current context's server while you type:
//! `source <(COMPLETE=bash p2pctl)` (see the README for the other shells).

use std::ffi::OsStr;
use std::time::Duration;

use clap::{CommandFactory, Parser};
use clap_complete::aot::Shell;
use clap_complete::engine::CompletionCandidate;

use crate::cli::Cli;

/// The static completion script for `shell`, exactly as checked into `completions/`.
pub fn script(shell: Shell) -> String {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::aot::generate(shell, &mut cmd, "p2pctl", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// File name of the checked-in script for `shell`.
pub fn file_name(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => "p2pctl.bash",
        Shell::Zsh => "_p2pctl",
        Shell::Fish => "p2pctl.fish",
        Shell::Elvish => "p2pctl.elv",
        Shell::PowerShell => "_p2pctl.ps1",
        _ => "p2pctl.unknown",
    }
}

/// Handles `COMPLETE=<shell> p2pctl ...` (dynamic completion); returns only when the
/// variable is not set.
pub fn complete_from_env() {
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .completer("p2pctl")
        .complete();
}

/// The current context's client and a small runtime, for a completer; `None` when there
/// is no context.
fn context_client() -> Option<(p2p_shared::ApiClient, tokio::runtime::Runtime)> {
    let cli = Cli::try_parse_from(["p2pctl", "version"]).ok()?;
    let env = crate::session::Session::load(cli.global).ok()?;
    let client = env.client().ok()?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    Some((client, rt))
}

/// Node names from the current context's server, for dynamic completion. Quietly empty when
/// there is no context or the server does not answer within two seconds.
pub fn node_names(current: &OsStr) -> Vec<CompletionCandidate> {
    let prefix = current.to_str().unwrap_or("");
    let Some((client, rt)) = context_client() else {
        return Vec::new();
    };
    let nodes =
        rt.block_on(async { tokio::time::timeout(Duration::from_secs(2), client.nodes()).await });
    match nodes {
        Ok(Ok(list)) => list
            .nodes
            .into_iter()
            .filter(|n| n.node_id.starts_with(prefix))
            .map(|n| CompletionCandidate::new(n.node_id).help(Some(n.state.to_string().into())))
            .collect(),
        _ => Vec::new(),
    }
}

/// Service names the cluster runs, like [`node_names`].
pub fn service_names(current: &OsStr) -> Vec<CompletionCandidate> {
    let prefix = current.to_str().unwrap_or("");
    let Some((client, rt)) = context_client() else {
        return Vec::new();
    };
    let list = rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(2), client.services(None)).await
    });
    let Ok(Ok(list)) = list else {
        return Vec::new();
    };
    let mut names: Vec<String> = list
        .services
        .into_iter()
        .map(|s| s.name)
        .filter(|n| n.starts_with(prefix))
        .collect();
    names.sort();
    names.dedup();
    names.into_iter().map(CompletionCandidate::new).collect()
}

/// Context names from the contexts file (no server asked).
pub fn context_names(current: &OsStr) -> Vec<CompletionCandidate> {
    let prefix = current.to_str().unwrap_or("");
    let Ok(cli) = Cli::try_parse_from(["p2pctl", "version"]) else {
        return Vec::new();
    };
    let Ok(env) = crate::session::Session::load(cli.global) else {
        return Vec::new();
    };
    env.config
        .contexts
        .keys()
        .filter(|n| n.starts_with(prefix))
        .map(CompletionCandidate::new)
        .collect()
}
