//! Start-up steps 7 to 10: the node's background tasks, each spawned with the section of the
//! configuration it uses and the shutdown signal, and collected so shutdown can wait for
//! every one of them.

use std::sync::Arc;

use p2p_shared::api::NodeRole;
use p2p_shared::tls::Fingerprint;
use tokio::net::UdpSocket;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use zeroize::Zeroizing;

use super::addresses::{Listener, advertised_ips, dns_hostname};
use super::discover;
use super::identity::Identity;
use super::running::{Parts, RunningAgent};
use super::{AgentError, Basics, StartupTimings};
use crate::VERSION;
use crate::api::server::{ServeOptions, serve};
use crate::api::{AppState, router};
use crate::blocking;
use crate::config::Config;
use crate::context::NodeContext;
use crate::logs::capture::CaptureSlot;
use crate::logs::{LogOptions, Logs};
use crate::membership::rotation::{self, RotationError, stored_keyring};
use crate::membership::{self, Keys, Membership, MembershipOptions, Running};
use crate::pki::NodePki;
use crate::pki::renew::{self, RenewContext, RenewHandle};
use crate::pki::revocations;
use crate::services::process::marker_for;
use crate::services::{LogSink, Services, SupervisorOptions};

pub fn role(config: &Config) -> NodeRole {
    if config.coordinator_mode {
        NodeRole::Coordinator
    } else {
        NodeRole::Worker
    }
}

/// The tasks started so far and the signal that stops them.
pub struct Tasks {
    shutdown_tx: watch::Sender<bool>,
    shutdown: watch::Receiver<bool>,
    handles: Vec<JoinHandle<()>>,
}

impl Tasks {
    pub fn new() -> Self {
        let (shutdown_tx, shutdown) = watch::channel(false);
        Self {
            shutdown_tx,
            shutdown,
            handles: Vec::new(),
        }
    }

    /// Step 7: the persisted view (its incarnation + 1 becomes ours, its members are join
    /// seeds beside the coordinators), this node's metadata, and the gossip task.
    pub fn membership(
        &mut self,
        b: &Basics,
        identity: &Identity,
        socket: UdpSocket,
    ) -> Result<Arc<Membership>, AgentError> {
        let (config, local, endpoint) = (&b.config, &b.local, &b.endpoint);
        let keyring = match &identity.control {
            Some(c) => Some(c.keyring.current()),
            // A worker fetches a fresh keyring from a coordinator at once (its follower
            // starts with no version), so an unreadable one costs only that round trip.
            None => stored_keyring(&b.vault).unwrap_or_else(|e| {
                tracing::warn!(error = %e, "fetching a fresh gossip keyring from a coordinator");
                None
            }),
        };
        let keys = match keyring.as_ref().map(Keys::from_api) {
            Some(k) => k.map_err(RotationError::from)?,
            None => Keys::none(),
        };
        let opts = MembershipOptions {
            node_id: b.node_id.clone(),
            addrs: endpoint.socket_addrs(),
            seeds: config.coordinator_addresses.clone(),
            role: role(config),
            version: VERSION.to_string(),
            gossip: config.gossip.clone(),
            keys,
        };
        let (membership, peers) = membership::build(&opts, local)?;
        let running = Running {
            pki: identity.pki.clone(),
            local: local.clone(),
            seeds: config.coordinator_addresses.clone(),
            peers,
            own_api: endpoint.api_address.clone(),
        };
        self.handles.push(membership::spawn(
            membership.clone(),
            socket,
            running,
            self.shutdown.clone(),
        ));
        Ok(membership)
    }

    /// Step 8: the renewal task, the discovery of coordinators, and on workers the
    /// revocation and keyring followers.
    pub fn certificates(
        &mut self,
        b: &Basics,
        identity: &Identity,
        membership: &Arc<Membership>,
    ) -> Result<RenewHandle, AgentError> {
        let (config, vault, pki) = (&b.config, &b.vault, &identity.pki);
        let http = config.http.clone();
        let (renewer, task) = renew::spawn(
            RenewContext {
                pki: pki.clone(),
                vault: vault.clone(),
                source: identity.source.clone(),
                addresses: Box::new(move || advertised_ips(&http)),
                // Only a coordinator's own certificate names its host (it knows its host);
                // the CA cannot check a worker's claim, so worker certificates have none.
                hostname: if config.coordinator_mode {
                    dns_hostname()
                } else {
                    None
                },
                api_port: b.endpoint.port,
                config: config.pki.clone(),
            },
            self.shutdown.clone(),
        );
        self.handles.push(task);
        if let Some(control) = &identity.control {
            self.handles.push(revocations::spawn_enforcer(
                control.store.clone(),
                pki.clone(),
                self.shutdown.clone(),
            ));
            self.handles.push(revocations::spawn_superseder(
                control.issuer.clone(),
                pki.clone(),
                config.pki.superseded_grace,
                self.shutdown.clone(),
            ));
            self.handles.push(membership::revocations::spawn_publisher(
                control.issuer.clone(),
                membership.clone(),
                self.shutdown.clone(),
            ));
        }
        let coordinators = match &identity.control {
            Some(c) => discover::Source::Group {
                raft: c.raft.clone(),
                me: b.node_id.clone(),
            },
            None => discover::Source::Gossip(membership.clone()),
        };
        self.handles.push(discover::spawn(
            pki.clone(),
            coordinators,
            vault.clone(),
            self.shutdown.clone(),
        ));
        if !config.coordinator_mode {
            let learned = Arc::new(crate::pki::gossiped::Learned::default());
            self.handles.push(revocations::spawn_follower(
                pki.clone(),
                b.local.clone(),
                learned.clone(),
                config.coordinator_addresses.clone(),
                self.shutdown.clone(),
            )?);
            self.handles.push(membership::revocations::spawn_applier(
                pki.clone(),
                b.local.clone(),
                learned,
                membership.clone(),
                self.shutdown.clone(),
            ));
            self.handles.push(rotation::spawn_follower(
                pki.clone(),
                config.coordinator_addresses.clone(),
                vault.clone(),
                membership.clone(),
                self.shutdown.clone(),
            ));
        }
        Ok(renewer)
    }

    /// Step 9a: the log database and its writer thread, the process's tracing layer
    /// connected to it, and the shipping of its own records to the (other) coordinators.
    pub async fn logs(
        &mut self,
        b: &Basics,
        pki: &Arc<NodePki>,
        capture: CaptureSlot,
    ) -> Result<Logs, AgentError> {
        let config = &b.config;
        let path = config.state_directory.join("logs.db");
        let opts = LogOptions {
            node_id: b.node_id.clone(),
            config: config.logs.clone(),
        };
        let logs = blocking::run(move || Ok::<_, AgentError>(Logs::start(&path, opts)?)).await?;
        capture.connect(logs.clone());
        self.handles.push(crate::logs::shipper::spawn(
            logs.clone(),
            pki.clone(),
            config.coordinator_addresses.clone(),
            b.endpoint.api_address.clone(),
            self.shutdown.clone(),
        ));
        Ok(logs)
    }

    /// Step 9c: a coordinator's shared cache (Redis), when configured. It connects in the
    /// background: a Redis that is down delays nothing.
    pub fn shared_cache(
        &mut self,
        b: &Basics,
        identity: &Identity,
    ) -> Result<Option<SharedCache>, AgentError> {
        use crate::cache::shared::{Shared, SharedError, SharedSettings};
        let (Some(redis), Some(control)) = (&b.config.cache.redis, &identity.control) else {
            if b.config.cache.redis.is_some() {
                tracing::warn!("redis_url is set on a worker: only coordinators use it");
            }
            return Ok(None);
        };
        let ca_pem = match &redis.ca_file {
            Some(path) => Some(std::fs::read(path).map_err(|source| SharedError::CaFile {
                path: path.clone(),
                source,
            })?),
            None => None,
        };
        let ca = control.issuer.ca();
        let settings = SharedSettings {
            url: redis.url.0.clone(),
            ca_pem,
            timeout: redis.timeout,
            cluster_id: ca.cluster_id().to_string(),
            node_id: b.node_id.clone(),
            key: ca.derive("shared-cache", ca.cluster_id()),
        };
        Ok(Some(Shared::start(settings, self.shutdown.clone())?))
    }

    /// Step 9b: the supervisor. Before it starts any service it kills whatever a crashed
    /// previous run left behind, then starts each service not stopped by an operator.
    pub fn services(
        &mut self,
        b: &Basics,
        membership: &Arc<Membership>,
        logs: &Logs,
    ) -> Result<Services, AgentError> {
        let config = &b.config;
        let (services, task) = crate::services::spawn(
            SupervisorOptions {
                config: config.services.clone(),
                node_id: b.node_id.clone(),
                marker: marker_for(&config.state_directory),
                address: b
                    .endpoint
                    .api_address
                    .rsplit_once(':')
                    .map(|(ip, _)| ip.trim_matches(['[', ']']).to_string())
                    .unwrap_or_default(),
                local: b.local.clone(),
                membership: membership.clone(),
                sink: LogSink::new(logs.clone()),
            },
            self.shutdown.clone(),
        )?;
        self.handles.push(task);
        Ok(services)
    }

    /// Step 10: the accept loop, and the running node that owns every task.
    pub fn serve(
        mut self,
        b: Basics,
        identity: Identity,
        subsystems: Subsystems,
        serving: Serving,
        generated_admin_password: Option<Zeroizing<String>>,
    ) -> RunningAgent {
        let config = &b.config;
        let limits = crate::limits::Limits::new(&config.limits);
        let settle = identity.settle;
        let metrics = Arc::new(crate::metrics::Metrics::new(
            config.metrics.interval,
            config.metrics.history,
        ));
        self.handles.push(crate::metrics::spawn(
            metrics.clone(),
            b.node_id.clone(),
            config.state_directory.clone(),
            subsystems.services.clone(),
            subsystems.membership.clock,
            self.shutdown.clone(),
        ));
        self.handles.push(crate::metrics::report::spawn(
            crate::metrics::report::ReportSources {
                node_id: b.node_id.clone(),
                metrics: metrics.clone(),
                services: subsystems.services.clone(),
                membership: subsystems.membership.clone(),
                pki: identity.pki.clone(),
            },
            config.coordinator_addresses.clone(),
            b.endpoint.api_address.clone(),
            self.shutdown.clone(),
        ));
        let events = Arc::new(crate::events::Hub::new(
            config.metrics.events_queue,
            subsystems.membership.clone(),
            metrics.clone(),
        ));
        self.handles.extend(crate::events::feeds::spawn(
            events.clone(),
            crate::events::feeds::Sources {
                node_id: b.node_id.clone(),
                metrics: metrics.clone(),
                membership: subsystems.membership.clone(),
                services: subsystems.services.clone(),
                logs: subsystems.logs.clone(),
                store: identity.control.as_ref().map(|c| c.store.clone()),
                raft: identity.control.as_ref().map(|c| c.raft.clone()),
            },
            self.shutdown.clone(),
        ));
        let shared = subsystems.shared.map(|(shared, heard)| {
            self.handles.push(spawn_invalidations(
                heard,
                events.clone(),
                self.shutdown.clone(),
            ));
            shared
        });
        let state = AppState::new(NodeContext {
            node_id: b.node_id.clone(),
            role: role(config),
            version: VERSION.to_string(),
            pki: identity.pki,
            renewer: subsystems.renewer,
            membership: subsystems.membership,
            services: subsystems.services,
            logs: subsystems.logs,
            metrics,
            events,
            shutdown: self.shutdown.clone(),
            limits: limits.clone(),
            control: identity.control,
            service_status: crate::api::service_status_cache(),
            shared,
        });
        let opts = ServeOptions {
            drain_timeout: config.http.shutdown_timeout,
            revoked: state.pki.revoked.clone(),
            limits: limits.clone(),
        };
        self.handles
            .push(spawn_sweeper(limits, self.shutdown.clone()));
        let app = router(state.clone(), config.http.max_request_body_bytes);
        let listener = serving.listener;
        let server = tokio::spawn(serve(
            listener.tcp,
            TlsAcceptor::from(serving.tls),
            app,
            opts,
            self.shutdown.clone(),
        ));
        // Now that Raft messages can reach it: join the group if needed, then commit the
        // start-up writes.
        if let Some(settle) = settle {
            self.handles
                .extend(settle.spawn(state.pki.clone(), self.shutdown.clone()));
        }
        RunningAgent::new(Parts {
            local_addr: listener.local_addr,
            node_id: b.node_id,
            ca_fingerprint: Fingerprint::of(&state.pki.ca_der),
            timings: serving.timings,
            generated_admin_password,
            state,
            shutdown_tx: self.shutdown_tx,
            server,
            tasks: self.handles,
            vault: b.vault,
        })
    }
}

/// What steps 7 to 9 started, for the node context.
pub struct Subsystems {
    pub renewer: RenewHandle,
    pub membership: Arc<Membership>,
    pub services: Services,
    pub logs: Logs,
    /// A coordinator's shared cache, when `redis_url` is set, and what others invalidate.
    pub shared: Option<SharedCache>,
}

pub type SharedCache = (
    Arc<crate::cache::shared::Shared>,
    tokio::sync::mpsc::Receiver<crate::cache::shared::Invalidated>,
);

/// The listener to serve, its TLS configuration, and how long start-up took.
pub struct Serving {
    pub listener: Listener,
    pub tls: Arc<rustls::ServerConfig>,
    pub timings: StartupTimings,
}

/// Applies what other coordinators invalidate (through the shared cache) to this node's
/// own kept answers.
fn spawn_invalidations(
    mut heard: tokio::sync::mpsc::Receiver<crate::cache::shared::Invalidated>,
    events: Arc<crate::events::Hub>,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    use crate::cache::shared::Invalidated;
    tokio::spawn(async move {
        loop {
            let news = tokio::select! {
                news = heard.recv() => news,
                _ = shutdown.wait_for(|s| *s) => return,
            };
            match news {
                Some(Invalidated::Table(table)) => {
                    if let Some(name) = table.strip_prefix(crate::api::SERVICE_TABLE) {
                        events.service_touched(name);
                    }
                }
                Some(Invalidated::All) => events.touch_all_services(),
                None => return,
            }
        }
    })
}

/// Every few seconds, forgets callers whose request budget is full again.
fn spawn_sweeper(
    limits: std::sync::Arc<crate::limits::Limits>,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(10));
        loop {
            tokio::select! {
                _ = tick.tick() => limits.budgets.sweep(),
                _ = shutdown.changed() => return,
            }
        }
    })
}
