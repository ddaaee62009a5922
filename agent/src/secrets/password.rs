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
    #[error("the password is empty")]
    Empty,
    #[error(
        "no password given: use --password-file FILE, the P2PD_PASSWORD variable, a systemd credential named p2pd-password, or run on a terminal to be prompted"
    )]
    Missing,
    #[error("cannot prompt for a password: {0}")]
    Prompt(std::io::Error),
    #[error("the passwords do not match")]
    Mismatch,
}

/// The sources given on the command line.
#[derive(Debug, Default, Clone)]
pub struct PasswordSources {
    pub argv: Option<String>,
    pub file: Option<PathBuf>,
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
    non_empty(Zeroizing::new(trimmed.to_string()))
}

fn non_empty(p: Zeroizing<String>) -> Result<Zeroizing<String>, PasswordError> {
    if p.is_empty() {
        Err(PasswordError::Empty)
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
            return non_empty(Zeroizing::new(p.clone()));
        }
        if let Some(path) = &self.file {
            return read_secret_file(path);
        }
        if let Ok(p) = std::env::var(ENV_VAR) {
            return non_empty(Zeroizing::new(p));
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
    non_empty(first)
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
        assert!(matches!(read_secret_file(&p), Err(PasswordError::Empty)));
    }
}
