//! `p2pctl context ls|use|rm`: the contexts in p2pctl's config file.

use serde::Serialize;

use crate::cli::ContextCmd;
use crate::error::{CtlError, Exit};
use crate::output::{Tabular, print, table};
use crate::session::Session;

#[derive(Serialize)]
struct ContextRow {
    name: String,
    current: bool,
    server: String,
    user: Option<String>,
    signed_in: bool,
    ca_fingerprint: String,
}

impl Tabular for ContextRow {
    fn headers(wide: bool) -> Vec<&'static str> {
        let mut h = vec!["CURRENT", "NAME", "SERVER", "USER", "SIGNED IN"];
        if wide {
            h.push("CA FINGERPRINT");
        }
        h
    }
    fn row(&self, wide: bool) -> Vec<String> {
        let mut r = vec![
            if self.current {
                "*".into()
            } else {
                String::new()
            },
            self.name.clone(),
            self.server.clone(),
            self.user.clone().unwrap_or_default(),
            if self.signed_in { "yes" } else { "no" }.into(),
        ];
        if wide {
            r.push(self.ca_fingerprint.clone());
        }
        r
    }
}

pub fn context_cmd(env: &mut Session, cmd: ContextCmd) -> Result<(), CtlError> {
    match cmd {
        ContextCmd::Ls => {
            let current = env.config.current_context.clone();
            let rows: Vec<ContextRow> = env
                .config
                .contexts
                .iter()
                .map(|(name, c)| ContextRow {
                    name: name.clone(),
                    current: current.as_deref() == Some(name),
                    server: c.server.clone(),
                    user: c.user.clone(),
                    signed_in: c.token.is_some() || c.client_cert.is_some(),
                    ca_fingerprint: c.ca_fingerprint.clone(),
                })
                .collect();
            print(env.global.output, &rows, |wide| table(&rows, wide))
        }
        ContextCmd::Use { name } => {
            if !env.config.contexts.contains_key(&name) {
                return Err(CtlError::new(
                    Exit::NotFound,
                    format!("no context named `{name}`"),
                ));
            }
            env.config.current_context = Some(name.clone());
            env.save()?;
            eprintln!("Switched to context `{name}`");
            Ok(())
        }
        ContextCmd::Rm { name } => {
            if env.config.contexts.remove(&name).is_none() {
                return Err(CtlError::new(
                    Exit::NotFound,
                    format!("no context named `{name}`"),
                ));
            }
            if env.config.current_context.as_deref() == Some(name.as_str()) {
                env.config.current_context = None;
            }
            env.save()?;
            eprintln!("Deleted context `{name}`");
            Ok(())
        }
    }
}
