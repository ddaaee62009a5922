//! Live events: one hub per node turns what its subsystems report (samples, membership
//! changes, service states, log records, certificate changes, the Raft leader) into
//! `p2p_shared::events` messages on one bounded broadcast channel. Every WebSocket
//! client (`api/events_routes.rs`) reads it at its own pace: a client that falls more than
//! `events_queue` behind misses events and is told how many, and no sender ever waits for
//! a client. `filter.rs` decides what a subscription lets through, `liveness.rs` when a
//! quiet socket is pinged or given up on, `feeds.rs` connects the sources.

pub mod feeds;
pub mod filter;
pub mod liveness;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use p2p_shared::events::{Event, EventBody, EventType, NodeChange};
use p2p_shared::services::ServiceInstance;
use time::OffsetDateTime;
use tokio::sync::{broadcast, watch};

use crate::lazy_broadcast::LazyBroadcast;
use crate::membership::Membership;
use crate::metrics::Metrics;
use crate::metrics::report::META_WATCHED;

/// The current time at millisecond precision (what messages carry).
pub fn now_ms() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1_000_000 * 1_000_000)
        .unwrap_or(now)
}

/// An event as every subscriber gets it: encoded once, whatever the number of sockets.
#[derive(Debug)]
pub struct Published {
    pub event: Event,
    pub json: String,
}

#[derive(Debug)]
pub struct Hub {
    tx: LazyBroadcast<Arc<Published>>,
    /// Open sockets: the feeds of bulky sources (samples, log records) read them only
    /// while there is one, so an unwatched node keeps none of it in memory.
    listeners: watch::Sender<usize>,
    /// The last state seen of every service instance this node hears about (its own, and
    /// on coordinators every reporting node's): changes are published, repeats are not.
    services: Mutex<BTreeMap<(String, String), ServiceInstance>>,
    /// Live subscribers to metrics; while there are any, this node asks (in its gossip
    /// metadata) for every sample of every node. Counted under a lock so the metadata
    /// set by the first and cleared by the last can never land out of order.
    metric_watchers: Mutex<usize>,
    membership: Arc<Membership>,
    metrics: Arc<Metrics>,
    /// The leader as last published.
    leader: Mutex<Option<p2p_shared::events::CoordinatorChange>>,
    /// Per service name, how many changes of its instances were seen: what a kept answer
    /// about the service depends on (`api/service_routes.rs`).
    service_versions: Mutex<HashMap<String, u64>>,
    /// Added to every service's count: moved when changes may have been missed.
    all_services: std::sync::atomic::AtomicU64,
}

impl Hub {
    pub fn new(queue: usize, membership: Arc<Membership>, metrics: Arc<Metrics>) -> Self {
        Self {
            tx: LazyBroadcast::new(queue),
            listeners: watch::Sender::new(0),
            services: Mutex::default(),
            metric_watchers: Mutex::new(0),
            membership,
            metrics,
            leader: Mutex::new(None),
            service_versions: Mutex::default(),
            all_services: Default::default(),
        }
    }

    /// Changes seen of `name`'s instances so far (any change makes it larger).
    pub fn service_version(&self, name: &str) -> u64 {
        let versions = self
            .service_versions
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let all = self.all_services.load(std::sync::atomic::Ordering::Relaxed);
        versions.get(name).copied().unwrap_or(0) + all
    }

    /// Something about `name` changed that no report has shown yet (an action asked
    /// through this node).
    pub fn service_touched(&self, name: &str) {
        let mut versions = self
            .service_versions
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        *versions.entry(name.to_string()).or_insert(0) += 1;
    }

    /// Something may have changed about any service (invalidations were missed).
    pub fn touch_all_services(&self) {
        self.all_services
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// A socket's view of the events from now on; counted while it lives.
    pub fn listen(self: &Arc<Self>) -> Listener {
        self.listeners.send_modify(|n| *n += 1);
        Listener {
            rx: self.tx.subscribe(),
            hub: self.clone(),
        }
    }

    /// Moves with the number of open listeners.
    pub fn listeners(&self) -> watch::Receiver<usize> {
        self.listeners.subscribe()
    }

    pub fn publish(&self, time: OffsetDateTime, body: EventBody) {
        self.tx.send_with(|| {
            let event = Event { time, body };
            let json = serde_json::to_string(&event).unwrap_or_default();
            Arc::new(Published { event, json })
        });
    }

    /// A node's services as they are now: each instance that changed is published, and
    /// the ones no longer listed are forgotten.
    pub fn services_of(&self, node: &str, now: Vec<ServiceInstance>) {
        let mut gone = Vec::new();
        let changed: Vec<ServiceInstance> = {
            let mut held = self.services.lock().unwrap_or_else(|p| p.into_inner());
            let names: Vec<String> = now.iter().map(|i| i.name.clone()).collect();
            held.retain(|(n, name), _| {
                let keep = n != node || names.contains(name);
                if !keep {
                    gone.push(name.clone());
                }
                keep
            });
            now.into_iter()
                .filter(|i| {
                    let key = (node.to_string(), i.name.clone());
                    if held.get(&key) == Some(i) {
                        return false;
                    }
                    held.insert(key, i.clone());
                    true
                })
                .collect()
        };
        for name in gone {
            self.service_touched(&name);
        }
        for i in changed {
            self.service_touched(&i.name);
            self.publish(now_ms(), EventBody::Services(i));
        }
    }

    /// Forgets a node gone from the cluster.
    pub fn forget_node(&self, node: &str) {
        let mut gone = Vec::new();
        self.services
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|(n, name), _| {
                if n == node {
                    gone.push(name.clone());
                }
                n != node
            });
        for name in gone {
            self.service_touched(&name);
        }
        self.metrics.forget(node);
    }

    pub fn publish_leader(&self, change: p2p_shared::events::CoordinatorChange) {
        {
            let mut last = self.leader.lock().unwrap_or_else(|p| p.into_inner());
            if last.as_ref() == Some(&change) {
                return;
            }
            *last = Some(change.clone());
        }
        self.publish(now_ms(), EventBody::Coordinators(change));
    }

    /// The current state of `t`, as messages sent before `synced` (types that are only
    /// changes, logs and certificates, have none).
    pub fn current(&self, t: EventType) -> Vec<EventBody> {
        match t {
            EventType::Metrics => self
                .metrics
                .latest_of_all()
                .into_iter()
                .map(EventBody::Metrics)
                .collect(),
            EventType::Nodes => self
                .membership
                .nodes()
                .into_iter()
                .map(|n| {
                    EventBody::Nodes(NodeChange {
                        node_id: n.node_id,
                        role: n.role,
                        state: n.state,
                        previous: None,
                        api_address: n.api_address,
                    })
                })
                .collect(),
            EventType::Services => self
                .services
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .values()
                .cloned()
                .map(EventBody::Services)
                .collect(),
            EventType::Coordinators => self
                .leader
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone()
                .map(EventBody::Coordinators)
                .into_iter()
                .collect(),
            EventType::Logs | EventType::Certs => Vec::new(),
        }
    }

    /// Counts a subscriber to metrics for as long as the guard lives.
    pub fn watch_metrics(self: &Arc<Self>) -> MetricsWatch {
        let mut n = self
            .metric_watchers
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if *n == 0 {
            self.membership.set_meta(META_WATCHED, Some("1".into()));
        }
        *n += 1;
        MetricsWatch(self.clone())
    }

    pub fn metric_watchers(&self) -> usize {
        *self
            .metric_watchers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }
}

/// See [`Hub::listen`].
#[derive(Debug)]
pub struct Listener {
    pub rx: broadcast::Receiver<Arc<Published>>,
    hub: Arc<Hub>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.hub.listeners.send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// See [`Hub::watch_metrics`].
#[derive(Debug)]
pub struct MetricsWatch(Arc<Hub>);

impl Drop for MetricsWatch {
    fn drop(&mut self) {
        let mut n = self
            .0
            .metric_watchers
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        *n = n.saturating_sub(1);
        if *n == 0 {
            self.0.membership.set_meta(META_WATCHED, None);
        }
    }
}
