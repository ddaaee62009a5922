//! One file per command group; `lib.rs` dispatches to them. Each command builds its client
//! from the [`Session`](crate::session::Session), calls the API, and prints with
//! `crate::output`.

pub mod acme;
pub mod auth;
pub mod certs;
pub mod cluster;
pub mod context;
pub mod events;
pub mod logs;
pub mod nodes;
pub mod svc;
pub mod tokens;
pub mod top;
pub mod users;
pub mod version;

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::error::{CtlError, Exit};

/// A password from a file, then `env_var`, then a prompt on a terminal.
pub(crate) fn read_password(
    file: Option<&PathBuf>,
    env_var: &str,
    prompt: &str,
) -> Result<String, CtlError> {
    if let Some(f) = file {
        let text = std::fs::read_to_string(f)
            .map_err(|e| CtlError::usage(format!("cannot read {}: {e}", f.display())))?;
        return Ok(text.trim_end_matches(['\n', '\r']).to_string());
    }
    if let Ok(p) = std::env::var(env_var)
        && !p.is_empty()
    {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password(prompt)
            .map_err(|e| CtlError::new(Exit::Error, format!("cannot read password: {e}")));
    }
    Err(CtlError::usage(format!(
        "no password: use --password-file FILE or {env_var}, or run on a terminal"
    )))
}
