//! Reports a node's samples and services to each coordinator (`POST /v1/cluster/metrics`,
//! over the kept mTLS connection), so every coordinator holds every node's recent history
//! and streams it live. A coordinator that has live subscribers says so in its gossip
//! metadata ([`META_WATCHED`]); it then gets every sample as it is taken (with what it
//! missed since the last report, up to 100). Otherwise it gets one every
//! [`SPARSE_EVERY`], which keeps an idle cluster's traffic small. A change to the
//! services is reported at once.

use std::sync::Arc;
use std::time::Duration;

use p2p_shared::metrics::{NodeReport, NodeSample};
use time::OffsetDateTime;
use tokio::sync::watch;

use super::Metrics;
use crate::membership::Membership;
use crate::pki::NodePki;
use crate::pki::enroll::Target;
use crate::retry::Backoff;
use crate::services::Services;

/// The gossip metadata key a coordinator sets (to `1`) while it has live subscribers to
/// metrics.
pub const META_WATCHED: &str = "metrics_watched";
/// How often an unwatched coordinator gets a sample: rarely enough to keep an idle node
/// well inside its traffic budget, since a coordinator that gets watched is sent what it
/// missed anyway.
pub const SPARSE_EVERY: Duration = Duration::from_secs(300);
const TIMEOUT: Duration = Duration::from_secs(10);
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// Most samples in one report: what a newly watched coordinator missed, at most the
/// dashboard's 100 points.
const MAX_BATCH: usize = 100;

/// What a reporter needs of its node.
#[derive(Clone)]
pub struct ReportSources {
    pub node_id: String,
    pub metrics: Arc<Metrics>,
    pub services: Services,
    pub membership: Arc<Membership>,
    pub pki: Arc<NodePki>,
}

/// One reporter per coordinator but this node (see `pki/each_coordinator.rs`).
pub fn spawn(
    sources: ReportSources,
    configured: Vec<String>,
    own_api: String,
    shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let (pki, own_id) = (sources.pki.clone(), sources.node_id.clone());
    crate::pki::each_coordinator::spawn(pki, configured, own_api, own_id, shutdown, move |t| {
        let sources = sources.clone();
        async move { report(&sources, &t).await }
    })
}

/// Which of a node's samples a coordinator gets next.
#[derive(Debug, Default)]
pub struct Cadence {
    /// The newest sample reported so far.
    last_sent: Option<OffsetDateTime>,
}

/// What the next report carries.
#[derive(Debug, PartialEq)]
pub enum Due {
    Nothing,
    /// The newest sample only.
    Newest,
    /// Every sample taken after this time.
    After(OffsetDateTime),
}

impl Cadence {
    /// Given the time of the node's newest sample: when the coordinator is `watched`,
    /// every sample it has not had yet; otherwise the newest, once [`SPARSE_EVERY`] has
    /// passed since the last one sent.
    pub fn due(&self, newest: Option<OffsetDateTime>, watched: bool) -> Due {
        let Some(newest) = newest else {
            return Due::Nothing;
        };
        match self.last_sent {
            Some(last) if newest <= last => Due::Nothing,
            Some(last) if watched => Due::After(last),
            Some(last) if newest - last < SPARSE_EVERY => Due::Nothing,
            _ => Due::Newest,
        }
    }

    pub fn sent(&mut self, samples: &[NodeSample]) {
        if let Some(s) = samples.last() {
            self.last_sent = Some(s.time);
        }
    }
}

async fn report(src: &ReportSources, target: &Target) {
    let mut backoff = Backoff::new(MAX_BACKOFF);
    loop {
        let mut sent = false;
        let e = report_until_error(src, target, &mut sent).await;
        if sent {
            backoff.reset();
        }
        if backoff.failures().is_multiple_of(10) {
            tracing::debug!(coordinator = %target.address, error = %e, "cannot report metrics; retrying");
        }
        tokio::time::sleep(backoff.next_delay()).await;
    }
}

/// Reports on every new sample or service change until a report fails. The first report
/// carries the services, so a coordinator that restarted learns them again.
async fn report_until_error(
    src: &ReportSources,
    target: &Target,
    sent: &mut bool,
) -> p2p_shared::ClientError {
    let client =
        match src
            .pki
            .coordinator_client(target.address.clone(), target.node_id.clone(), TIMEOUT)
        {
            Ok(c) => c,
            Err(e) => return e,
        };
    let mut samples = src.metrics.subscribe();
    let mut changes = src.services.changes();
    let mut cadence = Cadence::default();
    let mut services_due = true;
    loop {
        let watched = target
            .node_id
            .as_deref()
            .and_then(|c| src.membership.meta(c, META_WATCHED))
            .is_some_and(|v| v == "1");
        let newest = src.metrics.latest();
        let picked = match cadence.due(newest.as_ref().map(|s| s.time), watched) {
            Due::Nothing => Vec::new(),
            Due::Newest => newest.into_iter().collect(),
            Due::After(t) => src.metrics.after(t, MAX_BATCH),
        };
        if !picked.is_empty() || services_due {
            let report = NodeReport {
                node_id: src.node_id.clone(),
                services: services_due.then(|| src.services.instances()),
                samples: picked,
            };
            if let Err(e) = client.report_metrics(&report).await {
                return e;
            }
            cadence.sent(&report.samples);
            services_due = false;
            *sent = true;
        }
        tokio::select! {
            r = samples.changed() => if r.is_err() { return closed() },
            r = changes.changed() => {
                if r.is_err() { return closed() }
                services_due = true;
            }
        }
    }
}

fn closed() -> p2p_shared::ClientError {
    p2p_shared::ClientError::Unreachable {
        server: String::new(),
        reason: "the node is shutting down".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(second: i64) -> Option<OffsetDateTime> {
        OffsetDateTime::from_unix_timestamp(1_800_000_000 + second).ok()
    }

    fn sent(c: &mut Cadence, second: i64) {
        let mut x = super::super::history::tests::sample(1);
        x.time = at(second).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        c.sent(&[x]);
    }

    #[test]
    fn unwatched_gets_the_newest_sample_every_five_minutes() {
        let mut c = Cadence::default();
        assert_eq!(c.due(None, false), Due::Nothing, "no sample yet");
        assert_eq!(c.due(at(4), false), Due::Newest, "the first report");
        sent(&mut c, 4);
        assert_eq!(c.due(at(4), false), Due::Nothing, "nothing new");
        assert_eq!(c.due(at(302), false), Due::Nothing, "298 s later");
        assert_eq!(c.due(at(304), false), Due::Newest, "300 s later");
    }

    #[test]
    fn watched_gets_every_sample_it_missed() {
        let mut c = Cadence::default();
        sent(&mut c, 4);
        assert_eq!(
            c.due(at(8), true),
            Due::After(at(4).unwrap_or(OffsetDateTime::UNIX_EPOCH))
        );
        sent(&mut c, 8);
        assert_eq!(c.due(at(8), true), Due::Nothing);
    }
}
