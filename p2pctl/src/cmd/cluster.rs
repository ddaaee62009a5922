//! `p2pctl cluster coordinators`, `cluster gossip-stats`, `cluster limit-stats`,
//! `cluster cache-stats` and `cluster rotate-gossip-key`.

use p2p_shared::api::{CacheStats, CoordinatorStatus};

use crate::cli::{ClusterCmd, CoordinatorsCmd};
use crate::error::{CtlError, Exit};
use crate::output::{Tabular, print, report, table};
use crate::session::Session;

impl Tabular for CoordinatorStatus {
    fn headers(_wide: bool) -> Vec<&'static str> {
        vec![
            "NAME", "ADDRESS", "LEADER", "VOTER", "TERM", "APPLIED", "LAG", "CONTACT",
        ]
    }
    fn row(&self, _wide: bool) -> Vec<String> {
        let opt = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_else(|| "-".into());
        vec![
            self.node_id.clone(),
            self.api_address.clone(),
            if self.leader { "yes" } else { "" }.into(),
            if self.voter { "yes" } else { "learner" }.into(),
            self.term.to_string(),
            opt(self.last_applied),
            opt(self.lag),
            self.last_contact_ms
                .map(|ms| format!("{ms}ms"))
                .unwrap_or_else(|| "-".into()),
        ]
    }
}

impl Tabular for CacheStats {
    fn headers(_wide: bool) -> Vec<&'static str> {
        vec![
            "CACHE",
            "ENTRIES",
            "BYTES",
            "CAPACITY",
            "HITS",
            "MISSES",
            "EVICTED",
            "EXPIRED",
            "INVALIDATED",
            "REDIS_ERRORS",
            "REJECTED",
        ]
    }
    fn row(&self, _wide: bool) -> Vec<String> {
        [
            self.entries,
            self.bytes,
            self.capacity_bytes,
            self.hits,
            self.misses,
            self.evictions,
            self.expirations,
            self.invalidations,
            self.redis_errors,
            self.rejected,
        ]
        .iter()
        .fold(vec![self.name.clone()], |mut row, n| {
            row.push(n.to_string());
            row
        })
    }
}

pub async fn cluster_cmd(env: &Session, cmd: ClusterCmd) -> Result<(), CtlError> {
    let out = env.global.output;
    match cmd {
        ClusterCmd::Coordinators { cmd } => match cmd.unwrap_or(CoordinatorsCmd::Ls) {
            CoordinatorsCmd::Ls => {
                let list = env.client()?.coordinators().await?;
                print(env.format(), &list, |l| table(&list.coordinators, l))
            }
            CoordinatorsCmd::Remove { node } => {
                env.client()?.remove_coordinator(&node).await?;
                let done = serde_json::json!({ "removed": node });
                report(out, &done, || {
                    format!("removed coordinator {node} from the Raft group; stop its p2pd now")
                })
            }
        },
        ClusterCmd::GossipStats => {
            let st = env.client()?.gossip_stats().await?;
            print(env.format(), &st, |_| {
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
        ClusterCmd::LimitStats => {
            let st = env.client()?.limit_stats().await?;
            print(env.format(), &st, |_| {
                let mut lines = Vec::new();
                if !st.rate_limiting {
                    lines.push("rate limiting is off on this node (rate_limiting: false); connection caps still apply".to_string());
                }
                lines.push(format!(
                    "{:<10} {:>10} {:>10} {:>8}",
                    "CLASS", "ALLOWED", "LIMITED", "CALLERS"
                ));
                for c in &st.classes {
                    lines.push(format!(
                        "{:<10} {:>10} {:>10} {:>8}",
                        c.class, c.allowed, c.limited, c.tracked
                    ));
                }
                lines.push(String::new());
                lines.push(format!(
                    "{:<10} {:>10} {:>10} {:>8} {:>8}",
                    "POOL", "OPEN", "ADMITTED", "EVICTED", "REFUSED"
                ));
                for p in &st.pools {
                    lines.push(format!(
                        "{:<10} {:>10} {:>10} {:>8} {:>8}",
                        p.pool, p.open, p.admitted, p.evicted, p.refused
                    ));
                }
                lines.push(String::new());
                lines.push(format!(
                    "streams open {}, refused {}; queries refused {}; logins failed {}, throttled {}",
                    st.streams_open, st.streams_refused, st.queries_refused, st.logins_failed, st.logins_refused
                ));
                lines.join("\n")
            })
        }
        ClusterCmd::CacheStats => {
            let st = env.client()?.cache_stats().await?;
            print(env.format(), &st, |l| table(&st.caches, l))
        }
        ClusterCmd::RotateGossipKey { force } => {
            eprintln!("rotating the gossip key: each step waits for every live member…");
            let r = env.client()?.rotate_gossip_key(force).await?;
            print(env.format(), &r, |_| {
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
    }
}
