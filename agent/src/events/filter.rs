//! Which events a subscription lets through (pure): its types, then its node and service,
//! and for log records the same filter as `GET /v1/logs`.

use std::collections::BTreeSet;

use p2p_shared::events::{EventBody, EventType, Subscription};
use p2p_shared::logs::LogQuery;

use crate::logs::{Filter, LogStoreError};

#[derive(Debug, Clone)]
pub struct Matcher {
    pub subscription: Subscription,
    types: BTreeSet<EventType>,
    logs: Filter,
}

impl Matcher {
    /// Refuses a bad `grep` pattern.
    pub fn new(subscription: Subscription) -> Result<Self, LogStoreError> {
        let logs = Filter::new(LogQuery {
            node: subscription.node.clone(),
            service: subscription.service.clone(),
            level: subscription.level,
            grep: subscription.grep.clone(),
            ..LogQuery::default()
        })?;
        Ok(Self {
            types: subscription.effective_types(),
            subscription,
            logs,
        })
    }

    pub fn types(&self) -> &BTreeSet<EventType> {
        &self.types
    }

    pub fn wants(&self, t: EventType) -> bool {
        self.types.contains(&t)
    }

    pub fn matches(&self, body: &EventBody) -> bool {
        let Some(t) = body.event_type() else {
            return true;
        };
        if !self.wants(t) {
            return false;
        }
        let s = &self.subscription;
        let node_ok = match (s.node.as_deref(), body.node_id()) {
            (None, _) => true,
            (Some(want), Some(got)) => want == got,
            // Events about no node (operator certificates, the leader) pass a node filter.
            (Some(_), None) => true,
        };
        node_ok
            && match body {
                EventBody::Logs(r) => self.logs.matches(r),
                EventBody::Services(i) => s.service.as_ref().is_none_or(|n| *n == i.name),
                _ => true,
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p2p_shared::api::{NodeRole, NodeState};
    use p2p_shared::events::{CoordinatorChange, NodeChange};
    use p2p_shared::logs::{LogLevel, LogRecord};
    use time::OffsetDateTime;

    fn node(id: &str) -> EventBody {
        EventBody::Nodes(NodeChange {
            node_id: id.into(),
            role: NodeRole::Worker,
            state: NodeState::Dead,
            previous: Some(NodeState::Alive),
            api_address: String::new(),
        })
    }

    fn log(node: &str, source: &str, level: LogLevel, message: &str) -> EventBody {
        EventBody::Logs(LogRecord {
            node_id: node.into(),
            seq: 1,
            timestamp: OffsetDateTime::UNIX_EPOCH,
            source: source.into(),
            stream: "stdout".into(),
            level,
            message: message.into(),
        })
    }

    fn matcher(s: Subscription) -> Matcher {
        match Matcher::new(s) {
            Ok(m) => m,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn types_node_and_log_filters_apply() {
        let m = matcher(Subscription {
            types: [EventType::Nodes, EventType::Logs, EventType::Coordinators].into(),
            node: Some("w1".into()),
            service: Some("web".into()),
            level: Some(LogLevel::Warn),
            grep: Some("^boom".into()),
        });
        assert!(m.matches(&node("w1")));
        assert!(!m.matches(&node("w2")), "another node");
        assert!(m.matches(&log("w1", "web", LogLevel::Error, "boom!")));
        assert!(
            !m.matches(&log("w1", "web", LogLevel::Info, "boom!")),
            "below the level"
        );
        assert!(
            !m.matches(&log("w1", "db", LogLevel::Error, "boom!")),
            "another service"
        );
        assert!(
            !m.matches(&log("w1", "web", LogLevel::Error, "no boom")),
            "grep"
        );
        let leader = EventBody::Coordinators(CoordinatorChange {
            leader: None,
            term: 2,
        });
        assert!(
            m.matches(&leader),
            "not about a node: the node filter lets it by"
        );
        assert!(
            m.matches(&EventBody::Lagged { dropped: 1 }),
            "control messages always pass"
        );
        let all = matcher(Subscription::default());
        assert!(all.matches(&node("w9")) && all.matches(&leader));
        let metrics_only = matcher(Subscription {
            types: [EventType::Metrics].into(),
            ..Subscription::default()
        });
        assert!(!metrics_only.matches(&node("w1")));
    }

    #[test]
    fn a_bad_pattern_is_refused() {
        assert!(
            Matcher::new(Subscription {
                grep: Some("(".into()),
                ..Subscription::default()
            })
            .is_err()
        );
    }
}
