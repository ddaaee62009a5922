//! One task per coordinator of the cluster (the configured ones and those learnt since,
//! see `node/discover.rs`), this node excluded: what log shipping and metric reports use
//! so that every coordinator hears from every node.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::NodePki;
use super::enroll::Target;
use super::renew;

/// How often the set of coordinators is checked (it grows when one is added).
const RETARGET_EVERY: Duration = Duration::from_secs(2);

/// Runs `task(target)` for each coordinator but this node, starting one for a coordinator
/// that appears (or whose task ended) and aborting the task of one that is gone, until
/// shutdown.
pub fn spawn<F, Fut>(
    pki: Arc<NodePki>,
    configured: Vec<String>,
    own_api: String,
    own_id: String,
    mut shutdown: watch::Receiver<bool>,
    task: F,
) -> tokio::task::JoinHandle<()>
where
    F: Fn(Target) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        let mut running: HashMap<String, tokio::task::JoinHandle<()>> = HashMap::new();
        let mut tick = tokio::time::interval(RETARGET_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = shutdown.changed() => break,
            }
            let targets: Vec<Target> = renew::targets(&configured, &pki)
                .into_iter()
                .filter(|t| t.address != own_api && t.node_id.as_deref() != Some(&own_id))
                .collect();
            running.retain(|address, handle| {
                let keep = targets.iter().any(|t| &t.address == address) && !handle.is_finished();
                if !keep {
                    handle.abort();
                }
                keep
            });
            for t in targets {
                if !running.contains_key(&t.address) {
                    running.insert(t.address.clone(), tokio::spawn(task(t)));
                }
            }
        }
        for (_, handle) in running {
            handle.abort();
        }
    })
}
