//! `p2pctl`, the operator CLI, as a library (`main.rs` only calls [`run`]).

pub mod cli;
pub mod completion;
pub mod error;
pub mod logs;
pub mod output;
pub mod pki;
pub mod svc;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use p2p_shared::api::{
    CreateUserRequest, LoginRequest, NodeInfo, SetPasswordRequest, UserInfo, WhoAmI,
};
use p2p_shared::contexts::{Context, CtlConfig, default_config_path};
use p2p_shared::tls::{CertCell, Fingerprint};
use p2p_shared::{ApiClient, ClientOptions, Role, ServerTrust};
use serde::Serialize;
use time::OffsetDateTime;

use cli::{Cli, ClusterCmd, Command, ContextCmd, GlobalArgs, LoginArgs, NodesCmd, Output, UserCmd};
use error::{CtlError, Exit};
use output::{Tabular, age, print, rfc3339, table};

/// Parses arguments, runs the command, prints errors; returns the process exit code.
pub fn run() -> i32 {
    completion::complete_from_env();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Usage as i32
            } else {
                0
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("p2pctl: error: cannot start runtime: {e}");
            return Exit::Error as i32;
        }
    };
    match runtime.block_on(dispatch(cli)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("p2pctl: error: {e}");
            e.exit as i32
        }
    }
}

pub struct Env {
    pub(crate) global: GlobalArgs,
    pub(crate) path: PathBuf,
    pub(crate) config: CtlConfig,
}

impl Env {
    fn load(global: GlobalArgs) -> Result<Self, CtlError> {
        let path = match &global.config {
            Some(p) => p.clone(),
            None => default_config_path()?,
        };
        let config = CtlConfig::load(&path)?;
        Ok(Self {
            global,
            path,
            config,
        })
    }

    fn context_name(&self) -> Option<String> {
        self.global
            .context
            .clone()
            .or_else(|| self.config.current_context.clone())
    }

    pub(crate) fn context(&self) -> Result<(String, &Context), CtlError> {
        let name = self.context_name().ok_or_else(|| {
            CtlError::new(
                Exit::Auth,
                "no context: run `p2pctl login --server https://HOST:PORT --ca-fingerprint SHA256:...` (or `p2pd dev`)",
            )
        })?;
        let ctx = self.config.contexts.get(&name).ok_or_else(|| {
            CtlError::new(
                Exit::NotFound,
                format!("no context named `{name}`; see `p2pctl context ls`"),
            )
        })?;
        Ok((name, ctx))
    }

    fn client_for(
        &self,
        server: &str,
        fingerprint: &str,
        token: Option<String>,
    ) -> Result<ApiClient, CtlError> {
        let pin = Fingerprint::parse(fingerprint).map_err(|e| CtlError::usage(e.to_string()))?;
        let mut opts = ClientOptions::new(server, ServerTrust::Pinned(pin));
        opts.token = token;
        opts.timeout = Duration::from_secs(self.global.timeout.max(1));
        Ok(ApiClient::new(opts)?)
    }

    pub(crate) fn client(&self) -> Result<ApiClient, CtlError> {
        let (name, ctx) = self.context()?;
        let pin =
            Fingerprint::parse(&ctx.ca_fingerprint).map_err(|e| CtlError::usage(e.to_string()))?;
        let server = self.global.endpoint.as_deref().unwrap_or(&ctx.server);
        let mut opts = ClientOptions::new(server, ServerTrust::Pinned(pin));
        opts.token = ctx.token.clone();
        opts.timeout = Duration::from_secs(self.global.timeout.max(1));
        if let (Some(cert), Some(key)) = (&ctx.client_cert, &ctx.client_key) {
            let cell = CertCell::from_pem_files(cert, key).map_err(|e| {
                CtlError::new(
                    Exit::Auth,
                    format!("context `{name}`: operator certificate unusable: {e}"),
                )
            })?;
            opts.identity = Some(std::sync::Arc::new(cell));
        }
        Ok(ApiClient::new(opts)?)
    }

    fn save(&self) -> Result<(), CtlError> {
        Ok(self.config.save(&self.path)?)
    }
}

async fn dispatch(cli: Cli) -> Result<(), CtlError> {
    let mut env = Env::load(cli.global)?;
    let out = env.global.output;
    match cli.command {
        Command::Login(args) => login(&mut env, args).await,
        Command::Logout => logout(&mut env).await,
        Command::Whoami => {
            let me = env.client()?.whoami().await?;
            print(out, &me, |_| table(std::slice::from_ref(&me), false))
        }
        Command::Context(cmd) => context_cmd(&mut env, cmd),
        Command::Nodes(NodesCmd::Ls) => {
            let nodes = env.client()?.nodes().await?.nodes;
            print(out, &nodes, |wide| table(&nodes, wide))
        }
        Command::Nodes(NodesCmd::Show { name }) => {
            let node = env.client()?.node(&name).await?;
            print(out, &node, |_| table(std::slice::from_ref(&node), true))
        }
        Command::User(cmd) => user_cmd(&env, cmd).await,
        Command::Token(cmd) => pki::token_cmd(&env, cmd).await,
        Command::Cert(cmd) => pki::cert_cmd(&env, cmd).await,
        Command::Svc(cmd) => svc::svc_cmd(&env, cmd).await,
        Command::Logs { service, filter } => logs::logs_cmd(&env, filter, service).await,
        Command::Cluster(ClusterCmd::GossipStats) => {
            let st = env.client()?.gossip_stats().await?;
            print(out, &st, |_| {
                let v = serde_json::to_value(&st).unwrap_or_default();
                v.as_object()
                    .map(|o| {
                        o.iter()
                            .map(|(k, v)| format!("{k:<26} {}", v.to_string().trim_matches('"')))
                            .collect::<Vec<_>>()
                            .join("\n")
                    })
                    .unwrap_or_default()
            })
        }
        Command::Cluster(ClusterCmd::RotateGossipKey) => {
            eprintln!("rotating the gossip key: each step waits for every live member…");
            let r = env.client()?.rotate_gossip_key().await?;
            print(out, &r, |_| {
                let mut text = format!(
                    "keyring version {}: {} member(s) confirmed; old key {}",
                    r.version,
                    r.nodes.len(),
                    if r.old_key_removed {
                        "removed"
                    } else {
                        "still accepted"
                    }
                );
                if !r.lagging.is_empty() {
                    text.push_str(&format!("\nlagging: {}", r.lagging.join(", ")));
                }
                text
            })?;
            if r.lagging.is_empty() {
                Ok(())
            } else {
                Err(CtlError::new(
                    Exit::Error,
                    format!("{} member(s) did not confirm the new key", r.lagging.len()),
                ))
            }
        }
        Command::Version => version(&env).await,
        Command::Completion { shell } => {
            output::write_stdout(&completion::script(shell));
            Ok(())
        }
    }
}

fn read_password(file: Option<&PathBuf>, env_var: &str, prompt: &str) -> Result<String, CtlError> {
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

async fn login(env: &mut Env, args: LoginArgs) -> Result<(), CtlError> {
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
    let client = env.client_for(&server, &fingerprint, None)?;
    let password = read_password(args.password_file.as_ref(), "P2PCTL_PASSWORD", "Password: ")?;
    let resp = client.login(&LoginRequest { user, password }).await?;
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
    match env.global.output {
        Output::Json | Output::Yaml => print(env.global.output, &result, |_| String::new()),
        _ => {
            eprintln!(
                "Signed in to {} as {} ({}); context `{}` is now current",
                result.server, result.user, result.role, result.context
            );
            Ok(())
        }
    }
}

async fn logout(env: &mut Env) -> Result<(), CtlError> {
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

fn context_cmd(env: &mut Env, cmd: ContextCmd) -> Result<(), CtlError> {
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

impl Tabular for NodeInfo {
    fn headers(wide: bool) -> Vec<&'static str> {
        let mut h = vec!["NAME", "ROLE", "STATE", "ADDRESS", "VERSION", "AGE"];
        if wide {
            h.extend(["ADDRESSES", "CERT SERIAL", "CERT EXPIRES"]);
        }
        h
    }
    fn row(&self, wide: bool) -> Vec<String> {
        let mut r = vec![
            self.node_id.clone(),
            self.role.to_string(),
            self.state.to_string(),
            self.api_address.clone(),
            self.version.clone(),
            age(self.last_state_change, OffsetDateTime::now_utc()),
        ];
        if wide {
            r.push(self.addresses.join(","));
            r.push(self.cert_serial.clone().unwrap_or_default());
            r.push(self.cert_not_after.map(rfc3339).unwrap_or_default());
        }
        r
    }
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

impl Tabular for UserInfo {
    fn headers(_wide: bool) -> Vec<&'static str> {
        vec!["NAME", "ROLE", "CREATED"]
    }
    fn row(&self, _wide: bool) -> Vec<String> {
        vec![
            self.name.clone(),
            self.role.to_string(),
            rfc3339(self.created_at),
        ]
    }
}

async fn user_cmd(env: &Env, cmd: UserCmd) -> Result<(), CtlError> {
    let client = env.client()?;
    let out = env.global.output;
    match cmd {
        UserCmd::Add {
            name,
            role,
            password_file,
        } => {
            let role: Role = role.parse().map_err(CtlError::usage)?;
            let password = read_password(
                password_file.as_ref(),
                "P2PCTL_NEW_PASSWORD",
                &format!("Password for {name}: "),
            )?;
            let user = client
                .create_user(&CreateUserRequest {
                    name,
                    role,
                    password,
                })
                .await?;
            print(out, &user, |_| table(std::slice::from_ref(&user), false))
        }
        UserCmd::Ls => {
            let users = client.users().await?.users;
            print(out, &users, |wide| table(&users, wide))
        }
        UserCmd::Rm { name } => {
            client.delete_user(&name).await?;
            eprintln!("Deleted user `{name}`");
            Ok(())
        }
        UserCmd::Passwd {
            name,
            password_file,
        } => {
            let password = read_password(
                password_file.as_ref(),
                "P2PCTL_NEW_PASSWORD",
                &format!("New password for {name}: "),
            )?;
            client
                .set_password(&name, &SetPasswordRequest { password })
                .await?;
            eprintln!("Password of `{name}` changed");
            Ok(())
        }
    }
}

#[derive(Serialize)]
struct Versions {
    client: String,
    server: Option<String>,
    server_node: Option<String>,
}

async fn version(env: &Env) -> Result<(), CtlError> {
    let mut v = Versions {
        client: env!("CARGO_PKG_VERSION").to_string(),
        server: None,
        server_node: None,
    };
    if let Ok(client) = env.client()
        && let Ok(h) = client.health().await
    {
        v.server = Some(h.version);
        v.server_node = Some(h.node_id);
    }
    match env.global.output {
        Output::Json | Output::Yaml => print(env.global.output, &v, |_| String::new()),
        _ => {
            println!("p2pctl {}", v.client);
            if let (Some(s), Some(n)) = (&v.server, &v.server_node) {
                println!("server {s} (node {n})");
            }
            Ok(())
        }
    }
}
