//! `p2pctl login`, `logout` and `whoami`.

use p2p_shared::Role;
use p2p_shared::api::{LoginRequest, WhoAmI};
use p2p_shared::contexts::Context;
use p2p_shared::tls::Fingerprint;
use serde::Serialize;
use time::OffsetDateTime;

use super::read_password;
use crate::cli::LoginArgs;
use crate::error::{CtlError, Exit};
use crate::output::{Tabular, print, report, rfc3339, table};
use crate::session::Session;

/// `host_port` of a server URL, as a context name.
fn default_context_name(server: &str) -> String {
    let s = server.trim_start_matches("https://").trim_end_matches('/');
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[derive(Serialize)]
struct LoginResult {
    context: String,
    server: String,
    user: String,
    role: Role,
    #[serde(with = "time::serde::rfc3339")]
    expires_at: OffsetDateTime,
}

pub async fn login(env: &mut Session, args: LoginArgs) -> Result<(), CtlError> {
    let current = env.context().ok().map(|(n, c)| (n, c.clone()));
    let server = args
        .server
        .clone()
        .or_else(|| current.as_ref().map(|(_, c)| c.server.clone()))
        .ok_or_else(|| CtlError::usage("--server https://HOST:PORT is required"))?;
    let fingerprint = args
        .ca_fingerprint
        .clone()
        .or_else(|| current.as_ref().map(|(_, c)| c.ca_fingerprint.clone()))
        .ok_or_else(|| {
            CtlError::usage("--ca-fingerprint SHA256:... is required (printed by `p2pd init`)")
        })?;
    let user = args
        .user
        .clone()
        .or_else(|| current.as_ref().and_then(|(_, c)| c.user.clone()))
        .unwrap_or_else(|| "admin".to_string());
    // Signing in again to the current context tries its other coordinators too (the one
    // it names may be the one that is down); an explicit --server asks that one only.
    let fallbacks = match (&args.server, &current) {
        (None, Some((_, c))) => c.servers.clone(),
        _ => Vec::new(),
    };
    let client = env.client_for(&server, &fingerprint, None, &fallbacks)?;
    let password = read_password(args.password_file.as_ref(), "P2PCTL_PASSWORD", "Password: ")?;
    let who = user.clone();
    let resp = client
        .login(&LoginRequest { user, password })
        .await
        .map_err(|e| match e {
            // Not "run p2pctl login": this is it.
            p2p_shared::ClientError::Api {
                status: 401,
                message,
                ..
            } => CtlError::new(
                Exit::Auth,
                format!("{message}: check the user name (`{who}`, --user) and the password"),
            ),
            other => other.into(),
        })?;
    // The other coordinators, for failing over; a cluster of one (or an older one) has none.
    let servers = {
        let signed_in = env.client_for(
            client.base_url(),
            &fingerprint,
            Some(resp.token.clone()),
            &[],
        )?;
        match signed_in.coordinators().await {
            Ok(list) => list
                .coordinators
                .iter()
                .map(|c| format!("https://{}", c.api_address))
                .filter(|s| s != client.base_url())
                .collect(),
            Err(_) => Vec::new(),
        }
    };
    let name = args
        .context_name
        .or_else(|| env.global.context.clone())
        .or_else(|| {
            current
                .as_ref()
                .filter(|(_, c)| args.server.is_none() || c.server == client.base_url())
                .map(|(n, _)| n.clone())
        })
        .unwrap_or_else(|| default_context_name(client.base_url()));
    env.config.upsert_current(
        &name,
        Context {
            server: client.base_url().to_string(),
            ca_fingerprint: Fingerprint::parse(&fingerprint)
                .map(|f| f.to_string())
                .unwrap_or(fingerprint),
            user: Some(resp.user.clone()),
            token: Some(resp.token.clone()),
            client_cert: None,
            client_key: None,
            servers,
        },
    );
    env.save()?;
    let result = LoginResult {
        context: name,
        server: client.base_url().to_string(),
        user: resp.user,
        role: resp.role,
        expires_at: resp.expires_at,
    };
    report(env.global.output, &result, || {
        format!(
            "Signed in to {} as {} ({}); context `{}` is now current",
            result.server, result.user, result.role, result.context
        )
    })
}

pub async fn logout(env: &mut Session) -> Result<(), CtlError> {
    let (name, ctx) = env.context()?;
    if ctx.token.is_none() {
        eprintln!("Context `{name}` is not signed in");
        return Ok(());
    }
    let remote = env.client()?.logout().await;
    if let Some(ctx) = env.config.contexts.get_mut(&name) {
        ctx.token = None;
    }
    env.save()?;
    match remote {
        Ok(()) => {
            eprintln!("Signed out of context `{name}`");
            Ok(())
        }
        // A token the server already refuses is as good as revoked.
        Err(e) if e.status() == Some(401) => {
            eprintln!("Signed out of context `{name}` (the token had already expired)");
            Ok(())
        }
        Err(e) => Err(CtlError::new(
            CtlError::from(e).exit,
            format!("forgot the token of context `{name}`, but the server could not revoke it"),
        )),
    }
}

pub async fn whoami(env: &Session) -> Result<(), CtlError> {
    let me = env.client()?.whoami().await?;
    print(env.format(), &me, |l| table(std::slice::from_ref(&me), l))
}

impl Tabular for WhoAmI {
    fn headers(_wide: bool) -> Vec<&'static str> {
        vec!["USER", "ROLE", "AUTH", "EXPIRES", "NODE"]
    }
    fn row(&self, _wide: bool) -> Vec<String> {
        vec![
            self.user.clone(),
            self.role.to_string(),
            match self.auth_method {
                p2p_shared::api::AuthMethod::Jwt => "token".into(),
                p2p_shared::api::AuthMethod::ClientCertificate => "certificate".into(),
            },
            self.expires_at.map(rfc3339).unwrap_or_default(),
            self.node_id.clone(),
        ]
    }
}
