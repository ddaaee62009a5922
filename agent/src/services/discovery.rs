//! Every service instance in the cluster, read from the membership view: each node
//! announces its services under metadata keys `svc.<name>`.

use p2p_gossip::State;
use p2p_shared::services::{SERVICE_META_PREFIX, ServiceAnnouncement, ServiceInstance};

use crate::membership::Membership;

/// Instances on live (alive or suspect) nodes, sorted by service then node. Announcements
/// that do not parse (a newer peer's format) are skipped.
pub fn instances(m: &Membership) -> Vec<ServiceInstance> {
    let core = m.core();
    let mut out = Vec::new();
    for member in core.members() {
        if !matches!(member.state, State::Alive | State::Suspect) {
            continue;
        }
        let addresses: Vec<String> = member.addrs.iter().map(|a| a.ip().to_string()).collect();
        for (key, entry) in &member.meta {
            let (Some(name), Some(value)) = (key.strip_prefix(SERVICE_META_PREFIX), &entry.value)
            else {
                continue;
            };
            if let Ok(a) = serde_json::from_str::<ServiceAnnouncement>(value) {
                out.push(ServiceInstance::from_announcement(
                    &member.name,
                    name,
                    addresses.clone(),
                    a,
                ));
            }
        }
    }
    out.sort_by(|a, b| (&a.name, &a.node_id).cmp(&(&b.name, &b.node_id)));
    out
}
