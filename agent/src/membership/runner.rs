//! The membership task: reads sealed datagrams, fires the core's timers, sends what it
//! queues, runs push-pull exchanges, (re)joins through seeds, publishes this node's metadata
//! and persists the view.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use p2p_gossip::{Config as GossipConfig, Event, Output, State, Swim};
use p2p_shared::api::NodeRole;
use tokio::net::UdpSocket;
use tokio::sync::{Semaphore, watch};

use super::seal::{Keys, MAX_DATAGRAM, Sealer};
use super::sync::{client_for, exchange, routable_first};
use super::{
    Clock, META_CERT_NOT_AFTER, META_CERT_SERIAL, META_KEYRING, META_ROLE, META_VERSION, Membership,
};
use crate::config::GossipConfig as GossipSettings;
use crate::pki::NodePki;
use crate::store::{LocalStore, MemberRecord, MembershipSnapshot, StoreError};

const HOUSEKEEPING: Duration = Duration::from_secs(2);
const REJOIN_EVERY: Duration = Duration::from_secs(5);
const LEAVE_GRACE: Duration = Duration::from_millis(800);
const MAX_CONCURRENT_SYNCS: usize = 4;

pub struct MembershipOptions {
    pub node_id: String,
    /// Addresses this node advertises, preferred first (port = the HTTPS port).
    pub addrs: Vec<SocketAddr>,
    /// `HOST:PORT` of coordinators to join through.
    pub seeds: Vec<String>,
    pub role: NodeRole,
    pub version: String,
    pub gossip: GossipSettings,
    pub keys: Keys,
}

/// Builds the membership from the persisted view and binds nothing yet. Returns the peers
/// known at the last run (join seeds beside the coordinators).
pub fn build(
    opts: &MembershipOptions,
    local: &LocalStore,
) -> Result<(Arc<Membership>, Vec<SocketAddr>), StoreError> {
    let snap = local.load_membership()?;
    let clock = Clock::new();
    let mut cfg = GossipConfig::lan();
    cfg.sync_interval_min = opts.gossip.interval_min.as_millis() as u64;
    cfg.sync_interval_max = opts.gossip.interval_max.as_millis() as u64;
    let incarnation = snap.self_incarnation + 1;
    let mut swim = Swim::new(
        cfg,
        &opts.node_id,
        opts.addrs.clone(),
        incarnation,
        rand::random(),
        clock.now(),
    );
    swim.set_meta(META_ROLE, Some(opts.role.to_string()));
    swim.set_meta(META_VERSION, Some(opts.version.clone()));
    swim.set_meta(META_KEYRING, Some(opts.keys.version.to_string()));
    let peers: Vec<SocketAddr> = snap
        .members
        .iter()
        .filter(|m| m.name != opts.node_id && m.state != "left")
        .flat_map(|m| m.addrs.clone())
        .filter(|a| !opts.addrs.contains(a))
        .collect();
    let sealer = Arc::new(Sealer::new(
        opts.keys.clone(),
        opts.gossip.compression_threshold,
    ));
    Ok((Arc::new(Membership::new(swim, clock, sealer)), peers))
}

pub struct Running {
    pub pki: Arc<NodePki>,
    pub local: Arc<LocalStore>,
    pub seeds: Vec<String>,
    pub peers: Vec<SocketAddr>,
    pub own_api: String,
}

pub fn spawn(
    m: Arc<Membership>,
    socket: UdpSocket,
    ctx: Running,
    shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(run(m, Arc::new(socket), Arc::new(ctx), shutdown))
}

fn snapshot(m: &Membership) -> MembershipSnapshot {
    let core = m.core();
    let members = core
        .members()
        .filter(|x| x.name != m.node_id)
        .map(|x| MemberRecord {
            name: x.name.clone(),
            incarnation: x.incarnation,
            state: x.state.as_str().to_string(),
            addrs: x.addrs.clone(),
            meta: x
                .meta
                .iter()
                .filter_map(|(k, e)| e.value.clone().map(|v| (k.clone(), v)))
                .collect::<BTreeMap<_, _>>(),
            state_changed_ms: x.state_changed,
        })
        .collect();
    MembershipSnapshot {
        self_incarnation: core.incarnation(),
        members,
    }
}

/// Saves the view; logs when the number of members saved changes (what a restart can rejoin
/// through), not on every save.
async fn persist(m: &Arc<Membership>, local: &Arc<LocalStore>, saved: &mut Option<usize>) {
    let snap = snapshot(m);
    let members = snap.members.len();
    let local = local.clone();
    match tokio::task::spawn_blocking(move || local.save_membership(&snap)).await {
        Ok(Ok(())) => {
            if *saved != Some(members) {
                tracing::info!(members, "saved the membership view");
                *saved = Some(members);
            }
        }
        Ok(Err(e)) => tracing::warn!(error = %e, "cannot save the membership view"),
        Err(e) => tracing::warn!(error = %e, "membership save task failed"),
    }
}

/// Sends what the core queued and starts the exchanges it asked for. True if state changed.
async fn flush(
    m: &Arc<Membership>,
    socket: &UdpSocket,
    ctx: &Arc<Running>,
    syncs: &Arc<Semaphore>,
) -> bool {
    let (outputs, events) = {
        let mut core = m.core();
        let mut outputs = Vec::new();
        while let Some(o) = core.poll_output() {
            outputs.push(o);
        }
        let mut events = Vec::new();
        while let Some(e) = core.poll_event() {
            events.push(e);
        }
        (outputs, events)
    };
    for o in outputs {
        match o {
            Output::Send { to, payload } => match m.sealer.seal(&payload) {
                Some(d) => {
                    if let Err(e) = socket.send_to(&d, to).await {
                        tracing::trace!(%to, error = %e, "gossip send failed");
                    }
                }
                None => tracing::debug!(%to, "gossip datagram not sent: no key or too large"),
            },
            Output::Sync { node, addrs } => {
                let Ok(permit) = syncs.clone().try_acquire_owned() else {
                    continue;
                };
                let (m, ctx) = (m.clone(), ctx.clone());
                tokio::spawn(async move {
                    sync_with(&m, &ctx, &node, &addrs).await;
                    drop(permit);
                });
            }
        }
    }
    let changed = !events.is_empty();
    for e in events {
        m.publish_change(&e);
        match e {
            Event::StateChanged {
                node,
                state,
                incarnation,
            } => match state {
                State::Alive => tracing::info!(member = %node, incarnation, "member is alive"),
                State::Suspect => tracing::info!(member = %node, incarnation, "member is suspect"),
                State::Dead => tracing::warn!(member = %node, incarnation, "member is dead"),
                State::Left => tracing::info!(member = %node, incarnation, "member left"),
            },
            Event::Removed { node } => {
                tracing::info!(member = %node, "forgot a member gone for too long")
            }
            Event::MetaChanged { .. } => {}
        }
    }
    changed
}

async fn sync_with(m: &Membership, ctx: &Running, node: &str, addrs: &[SocketAddr]) {
    for addr in routable_first(addrs) {
        let client = match client_for(&ctx.pki, addr.to_string(), Some(node.to_string())) {
            Ok(c) => c,
            Err(e) => {
                tracing::debug!(%addr, error = %e, "cannot build a sync client");
                continue;
            }
        };
        match exchange(m, &client, false).await {
            Ok(()) => return,
            Err(e) => tracing::debug!(member = %node, %addr, error = %e, "push-pull failed"),
        }
    }
}

/// Joins through the coordinators, then through every peer known at the last run.
async fn join(m: &Membership, ctx: &Running) -> bool {
    let mut candidates: Vec<(String, Option<String>)> =
        ctx.seeds.iter().map(|s| (s.clone(), None)).collect();
    candidates.extend(ctx.peers.iter().map(|a| (a.to_string(), None)));
    candidates.retain(|(s, _)| *s != ctx.own_api);
    for (server, expected) in candidates {
        let Ok(client) = client_for(&ctx.pki, server.clone(), expected) else {
            continue;
        };
        match exchange(m, &client, true).await {
            Ok(()) => {
                tracing::info!(via = %server, members = m.core().members().count(), "joined the cluster");
                return true;
            }
            Err(e) => tracing::debug!(via = %server, error = %e, "join attempt failed"),
        }
    }
    false
}

fn publish_meta(m: &Membership, pki: &NodePki) {
    let cert = pki.current();
    let mut core = m.core();
    core.set_meta(META_CERT_SERIAL, Some(cert.info.serial_hex.clone()));
    core.set_meta(
        META_CERT_NOT_AFTER,
        Some(cert.info.not_after.unix_timestamp().to_string()),
    );
    core.set_meta(META_KEYRING, Some(m.sealer.key_version().to_string()));
}

async fn run(
    m: Arc<Membership>,
    socket: Arc<UdpSocket>,
    ctx: Arc<Running>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut buf = vec![0u8; MAX_DATAGRAM + 1];
    let syncs = Arc::new(Semaphore::new(MAX_CONCURRENT_SYNCS));
    let mut housekeeping = tokio::time::interval(HOUSEKEEPING);
    housekeeping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut joining: Option<tokio::task::JoinHandle<bool>> = None;
    let mut last_join: Option<Instant> = None;
    let mut dirty = true;
    let mut saved: Option<usize> = None;
    publish_meta(&m, &ctx.pki);
    loop {
        let wake_at = m.clock.instant_at(m.core().next_wakeup());
        tokio::select! {
            _ = shutdown.changed() => break,
            r = socket.recv_from(&mut buf) => match r {
                Ok((n, from)) => match m.sealer.open(&buf[..n]) {
                    Ok(payload) => m.core().handle_packet(m.clock.now(), from, &payload),
                    Err(why) => tracing::trace!(%from, ?why, "dropped a gossip datagram"),
                },
                Err(e) => tracing::debug!(error = %e, "gossip receive failed"),
            },
            _ = tokio::time::sleep_until(wake_at.into()) => m.core().tick(m.clock.now()),
            _ = m.wake.notified() => {}
            _ = housekeeping.tick() => {
                publish_meta(&m, &ctx.pki);
                if dirty {
                    persist(&m, &ctx.local, &mut saved).await;
                    dirty = false;
                }
                let finished = joining.as_ref().is_none_or(|j| j.is_finished());
                let due = last_join.is_none_or(|t| t.elapsed() >= REJOIN_EVERY);
                if finished && due && m.live_peers() == 0 && !(ctx.seeds.is_empty() && ctx.peers.is_empty()) {
                    last_join = Some(Instant::now());
                    let (m2, ctx2) = (m.clone(), ctx.clone());
                    joining = Some(tokio::spawn(async move { join(&m2, &ctx2).await }));
                }
            }
        }
        dirty |= flush(&m, &socket, &ctx, &syncs).await;
    }
    // Graceful leave: announce it and give the news a moment to get out.
    m.core().leave(m.clock.now());
    let deadline = Instant::now() + LEAVE_GRACE;
    loop {
        flush(&m, &socket, &ctx, &syncs).await;
        if m.core().leave_sent() || Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        m.core().tick(m.clock.now());
    }
    persist(&m, &ctx.local, &mut saved).await;
    if let Some(j) = joining {
        j.abort();
    }
}
