//! Ships a node's own records to each coordinator as they are stored: over one kept-alive
//! mTLS (HTTP/2) connection per coordinator, in batches of what is waiting. The
//! coordinator's cursor (the last seq it holds for this node) says where to resume, and
//! it ignores records it already has, so a reconnect loses and duplicates nothing.

use std::sync::Arc;
use std::time::Duration;

use p2p_shared::logs::LogBatch;
use tokio::sync::watch;

use super::Logs;
use crate::pki::NodePki;
use crate::pki::enroll::Target;
use crate::retry::Backoff;

/// Most records per request: small batches keep the latency of the first line low.
const SHIP_BATCH: u32 = 512;
const TIMEOUT: Duration = Duration::from_secs(10);
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// Why a shipping connection ended.
#[derive(Debug, thiserror::Error)]
enum ShipError {
    #[error(transparent)]
    Coordinator(#[from] p2p_shared::ClientError),
    #[error(transparent)]
    LocalStore(#[from] super::LogStoreError),
}

/// Ships to every coordinator of the cluster, one task each, this node excluded: a
/// coordinator ships its own records to the others, so each of them answers for the whole
/// cluster.
pub fn spawn(
    logs: Logs,
    pki: Arc<NodePki>,
    configured: Vec<String>,
    own_api: String,
    shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let own_id = logs.node_id().to_string();
    crate::pki::each_coordinator::spawn(
        pki.clone(),
        configured,
        own_api,
        own_id,
        shutdown,
        move |t| {
            let (logs, pki) = (logs.clone(), pki.clone());
            async move { ship(&logs, &pki, &t).await }
        },
    )
}

async fn ship(logs: &Logs, pki: &NodePki, target: &Target) {
    let mut backoff = Backoff::new(MAX_BACKOFF);
    loop {
        let mut shipped = false;
        if let Err(e) = ship_until_error(logs, pki, target, &mut shipped).await {
            if shipped {
                backoff.reset();
            }
            if backoff.failures().is_multiple_of(10) {
                tracing::warn!(target: "p2pd::logs", coordinator = %target.address, error = %e, "cannot ship logs; retrying");
            }
            tokio::time::sleep(backoff.next_delay()).await;
        } else {
            return;
        }
    }
}

/// Resumes from the coordinator's cursor and ships until something fails.
async fn ship_until_error(
    logs: &Logs,
    pki: &NodePki,
    target: &Target,
    shipped: &mut bool,
) -> Result<(), ShipError> {
    let client = pki.coordinator_client(target.address.clone(), target.node_id.clone(), TIMEOUT)?;
    let mut cursor = client.log_cursor().await?.last_seq;
    let mut own = logs.own_seq();
    let own_last = *own.borrow();
    if cursor > own_last {
        // The coordinator holds numbers this node no longer remembers (its log database was
        // lost or replaced): continue above them, or every new record would look old.
        tracing::warn!(target: "p2pd::logs", coordinator = %target.address, coordinator_seq = cursor, own_seq = own_last, "log numbering is behind the coordinator's; continuing after its number (records numbered before now stay local)");
        logs.advance_seq(cursor + 1).await;
    }
    loop {
        let batch = logs.own_after(cursor, SHIP_BATCH).await?;
        if batch.is_empty() {
            // Nothing waiting: sleep until the writer stores more of our own records.
            if own.changed().await.is_err() {
                return Ok(());
            }
            continue;
        }
        let ack = client.ship_logs(&LogBatch { records: batch }).await?;
        cursor = ack.last_seq;
        *shipped = true;
    }
}
