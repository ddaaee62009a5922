//! The session of one `p2pctl` call: the global flags, the config file of contexts, and
//! the typed client for the chosen context (its server, CA pin and credentials).

use std::path::PathBuf;
use std::time::Duration;

use p2p_shared::contexts::{Context, CtlConfig, default_config_path};
use p2p_shared::tls::{CertCell, Fingerprint};
use p2p_shared::{ApiClient, ClientOptions, ServerTrust};

use crate::cli::GlobalArgs;
use crate::error::{CtlError, Exit};

/// What every command gets: the flags, where the config lives, and the config itself.
pub struct Session {
    pub(crate) global: GlobalArgs,
    pub(crate) path: PathBuf,
    pub(crate) config: CtlConfig,
    /// The context's clients made in this call, whose answers may name the coordinators.
    clients: std::sync::Mutex<Vec<ApiClient>>,
}

impl Session {
    pub(crate) fn load(global: GlobalArgs) -> Result<Self, CtlError> {
        let path = match &global.config {
            Some(p) => p.clone(),
            None => default_config_path()?,
        };
        let config = CtlConfig::load(&path)?;
        Ok(Self {
            global,
            path,
            config,
            clients: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// The output format and header choice of this call.
    pub(crate) fn format(&self) -> crate::output::Format {
        crate::output::Format {
            output: self.global.output,
            headers: !self.global.no_headers,
        }
    }

    pub(crate) fn context_name(&self) -> Option<String> {
        self.global
            .context
            .clone()
            .or_else(|| self.config.current_context.clone())
    }

    pub(crate) fn context(&self) -> Result<(String, &Context), CtlError> {
        let name = self.context_name().ok_or_else(|| {
            let file = if self.path.exists() {
                format!("{} names no current context", self.path.display())
            } else {
                format!("there is no {} yet", self.path.display())
            };
            CtlError::new(
                Exit::Auth,
                format!("no context ({file}): run `p2pctl login --server https://HOST:PORT --ca-fingerprint SHA256:...` (or `p2pd dev`), or point --config / P2PCTL_CONFIG at a contexts file"),
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

    pub(crate) fn client_for(
        &self,
        server: &str,
        fingerprint: &str,
        token: Option<String>,
        fallbacks: &[String],
    ) -> Result<ApiClient, CtlError> {
        let pin = Fingerprint::parse(fingerprint).map_err(|e| CtlError::usage(e.to_string()))?;
        let mut opts = ClientOptions::new(server, ServerTrust::Pinned(pin));
        opts.token = token;
        opts.fallbacks = fallbacks.to_vec();
        // Used for login: the password goes to a coordinator only.
        opts.require_coordinator = true;
        opts.timeout = self.global.timeout.max(Duration::from_secs(1));
        opts.wait_out_rate_limit = Some(rate_limit_notice());
        Ok(ApiClient::new(opts)?)
    }

    pub(crate) fn client(&self) -> Result<ApiClient, CtlError> {
        let (name, ctx) = self.context()?;
        let pin =
            Fingerprint::parse(&ctx.ca_fingerprint).map_err(|e| CtlError::usage(e.to_string()))?;
        let server = self.global.endpoint.as_deref().unwrap_or(&ctx.server);
        let mut opts = ClientOptions::new(server, ServerTrust::Pinned(pin));
        opts.token = ctx.token.clone();
        // --endpoint asks one node on purpose: no failing over to another.
        if self.global.endpoint.is_none() {
            opts.fallbacks = ctx.servers.clone();
        }
        opts.timeout = self.global.timeout.max(Duration::from_secs(1));
        opts.wait_out_rate_limit = Some(rate_limit_notice());
        opts.consistent = self.global.consistent;
        if let (Some(cert), Some(key)) = (&ctx.client_cert, &ctx.client_key) {
            let cell = CertCell::from_pem_files(cert, key).map_err(|e| {
                CtlError::new(
                    Exit::Auth,
                    format!("context `{name}`: operator certificate unusable: {e}"),
                )
            })?;
            opts.identity = Some(std::sync::Arc::new(cell));
        }
        let client = ApiClient::new(opts)?;
        if self.global.endpoint.is_none() {
            self.clients
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(client.clone());
        }
        Ok(client)
    }

    /// Saves the coordinators the cluster named in its answers as the context's failover
    /// list, when they differ from it (a coordinator was added or removed since login).
    /// Best effort: the command's own outcome stands whatever happens here.
    pub(crate) fn remember_servers(&mut self) {
        let announced = self
            .clients
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .find_map(ApiClient::announced_servers);
        let (Some(list), Some(name)) = (announced, self.context_name()) else {
            return;
        };
        let Some(ctx) = self.config.contexts.get_mut(&name) else {
            return;
        };
        let mut servers: Vec<String> = list.into_iter().filter(|s| *s != ctx.server).collect();
        servers.sort();
        let mut known = ctx.servers.clone();
        known.sort();
        if servers == known {
            return;
        }
        ctx.servers = servers;
        if let Err(e) = self.config.save(&self.path) {
            eprintln!("p2pctl: cannot save the cluster's coordinators in the context: {e}");
        }
    }

    pub(crate) fn save(&self) -> Result<(), CtlError> {
        Ok(self.config.save(&self.path)?)
    }
}

/// Says on stderr that a read is waiting out the server's rate limit (once, then it fails
/// with exit code 6).
fn rate_limit_notice() -> p2p_shared::RateLimitNotice {
    p2p_shared::RateLimitNotice(std::sync::Arc::new(|wait: Duration| {
        eprintln!(
            "p2pctl: rate limited by the server; retrying in {} s",
            wait.as_secs().max(1)
        );
    }))
}
