//! Where the vault password comes from, in order: `--password` (warned about: argv is
//! visible to every user), `--password-file`, `P2PD_PASSWORD`, the systemd credential
//! `p2pd-password`, a prompt on a TTY.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

pub const ENV_VAR: &str = "P2PD_PASSWORD";
pub const CREDENTIAL_NAME: &str = "p2pd-password";

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("cannot read password file {path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    /// What was empty: a file, a variable, a flag's value, what was typed.
    #[error("{0} is empty")]
    Empty(String),
    #[error(
        "no password given: use --password-file FILE, the P2PD_PASSWORD variable, a systemd credential named p2pd-password, or run on a terminal to be prompted"
    )]
    Missing,
    #[error("cannot prompt for a password: {0}")]
    Prompt(std::io::Error),
    #[error("the passwords do not match")]
    Mismatch,
}

/// The sources given on the command line, and the password that came through
/// `P2PD_PASSWORD` (taken out of the environment by [`take_env_secrets`]).
#[derive(Default, Clone)]
pub struct PasswordSources {
    pub argv: Option<String>,
    pub file: Option<PathBuf>,
    pub env: Option<Zeroizing<String>>,
}

impl std::fmt::Debug for PasswordSources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordSources")
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

/// The variables that carry secrets into p2pd.
pub const SECRET_VARS: &[&str] = &[ENV_VAR, "P2PD_JOIN_TOKEN", "P2PD_NEW_PASSWORD"];

/// Secrets that came through the environment.
#[derive(Default)]
pub struct EnvSecrets {
    pub password: Option<Zeroizing<String>>,
    pub new_password: Option<Zeroizing<String>>,
}

/// Reads the secret variables and removes them from the process environment, so nothing
/// p2pd starts later (or reads its environment) finds them. (`/proc/PID/environ` still shows
/// the environment p2pd was started with: prefer a password file or the systemd
/// credential.) Call it before any other thread exists.
#[allow(unsafe_code)]
pub fn take_env_secrets() -> EnvSecrets {
    let take = |name: &str| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.is_empty())
            .map(Zeroizing::new)
    };
    let secrets = EnvSecrets {
        password: take(ENV_VAR),
        new_password: take("P2PD_NEW_PASSWORD"),
    };
    for name in SECRET_VARS {
        // SAFETY: called by `main` before the async runtime or any other thread starts, so
        // nothing reads or writes the environment concurrently.
        unsafe { std::env::remove_var(name) };
    }
    secrets
}

/// Reads a secret from a file, dropping one trailing newline.
pub fn read_secret_file(path: &Path) -> Result<Zeroizing<String>, PasswordError> {
    let raw =
        Zeroizing::new(
            std::fs::read_to_string(path).map_err(|source| PasswordError::File {
                path: path.to_path_buf(),
                source,
            })?,
        );
    let trimmed = raw.strip_suffix('\n').unwrap_or(&raw);
    let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
    non_empty(
        Zeroizing::new(trimmed.to_string()),
        &format!("file {}", path.display()),
    )
}

fn non_empty(p: Zeroizing<String>, what: &str) -> Result<Zeroizing<String>, PasswordError> {
    if p.is_empty() {
        Err(PasswordError::Empty(what.to_string()))
    } else {
        Ok(p)
    }
}

impl PasswordSources {
    /// Resolves the password. `confirm` asks twice on a prompt (for new vaults and rekey).
    pub fn resolve(&self, prompt: &str, confirm: bool) -> Result<Zeroizing<String>, PasswordError> {
        if let Some(p) = &self.argv {
            tracing::warn!(
                "--password is visible to other users in the process list; prefer --password-file or P2PD_PASSWORD"
            );
            return non_empty(Zeroizing::new(p.clone()), "the value of --password");
        }
        if let Some(path) = &self.file {
            return read_secret_file(path);
        }
        if let Some(p) = &self.env {
            return non_empty(p.clone(), "P2PD_PASSWORD");
        }
        if let Some(dir) = std::env::var_os("CREDENTIALS_DIRECTORY") {
            let path = Path::new(&dir).join(CREDENTIAL_NAME);
            if path.exists() {
                return read_secret_file(&path);
            }
        }
        prompt_on_tty(prompt, confirm)
    }
}

/// Asks on the terminal; fails if there is none.
pub fn prompt_on_tty(prompt: &str, confirm: bool) -> Result<Zeroizing<String>, PasswordError> {
    if !std::io::stdin().is_terminal() {
        return Err(PasswordError::Missing);
    }
    let first = Zeroizing::new(
        rpassword::prompt_password(format!("{prompt}: ")).map_err(PasswordError::Prompt)?,
    );
    if confirm {
        let second = Zeroizing::new(
            rpassword::prompt_password("Repeat it: ").map_err(PasswordError::Prompt)?,
        );
        if *first != *second {
            return Err(PasswordError::Mismatch);
        }
    }
    non_empty(first, "the password typed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_trailing_newline_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pw");
        std::fs::write(&p, "s3cret\n").unwrap();
        assert_eq!(read_secret_file(&p).unwrap().as_str(), "s3cret");
        std::fs::write(&p, "\n").unwrap();
        assert!(matches!(read_secret_file(&p), Err(PasswordError::Empty(_))));
    }
}
