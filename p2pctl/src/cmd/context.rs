//! `p2pctl context ls|use|current|rename|rm`: the contexts in p2pctl's config file.

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
    fn name(&self) -> String {
        self.name.clone()
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
                    signed_in: c.signed_in(time::OffsetDateTime::now_utc().unix_timestamp()),
                    ca_fingerprint: c.ca_fingerprint.clone(),
                })
                .collect();
            print(env.format(), &rows, |l| table(&rows, l))
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
        ContextCmd::Current => match env.config.current_context.clone() {
            Some(name) => {
                crate::output::write_stdout(&format!("{name}\n"));
                Ok(())
            }
            None => Err(CtlError::new(
                Exit::NotFound,
                "no current context: `p2pctl context use NAME`, or sign in with `p2pctl login`",
            )),
        },
        ContextCmd::Rename { old, new } => {
            if env.config.contexts.contains_key(&new) {
                return Err(CtlError::usage(format!(
                    "a context named `{new}` exists already; remove it first (`p2pctl context rm {new}`)"
                )));
            }
            let Some(ctx) = env.config.contexts.remove(&old) else {
                return Err(CtlError::new(
                    Exit::NotFound,
                    format!("no context named `{old}`"),
                ));
            };
            env.config.contexts.insert(new.clone(), ctx);
            if env.config.current_context.as_deref() == Some(old.as_str()) {
                env.config.current_context = Some(new.clone());
            }
            env.save()?;
            eprintln!("Renamed context `{old}` to `{new}`");
            Ok(())
        }
        ContextCmd::Rm { name } => {
            let Some(ctx) = env.config.contexts.remove(&name) else {
                return Err(CtlError::new(
                    Exit::NotFound,
                    format!("no context named `{name}`"),
                ));
            };
            if env.config.current_context.as_deref() == Some(name.as_str()) {
                env.config.current_context = None;
            }
            env.save()?;
            // Only files p2pctl itself wrote beside its config (`cert issue`); a certificate
            // the operator keeps elsewhere is theirs.
            let ours = env.path.parent().map(|d| d.join("certs"));
            for file in [&ctx.client_cert, &ctx.client_key].into_iter().flatten() {
                if ours.as_deref().is_some_and(|d| file.parent() == Some(d)) {
                    let _ = std::fs::remove_file(file);
                }
            }
            eprintln!("Deleted context `{name}`");
            Ok(())
        }
    }
}
