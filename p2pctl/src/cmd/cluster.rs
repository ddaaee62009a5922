//! `p2pctl cluster gossip-stats`, `cluster limit-stats` and `cluster rotate-gossip-key`.

use crate::cli::ClusterCmd;
use crate::error::{CtlError, Exit};
use crate::output::print;
use crate::session::Session;

pub async fn cluster_cmd(env: &Session, cmd: ClusterCmd) -> Result<(), CtlError> {
    let out = env.global.output;
    match cmd {
        ClusterCmd::GossipStats => {
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
        ClusterCmd::LimitStats => {
            let st = env.client()?.limit_stats().await?;
            print(out, &st, |_| {
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
        ClusterCmd::RotateGossipKey { force } => {
            eprintln!("rotating the gossip key: each step waits for every live member…");
            let r = env.client()?.rotate_gossip_key(force).await?;
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
    }
}
