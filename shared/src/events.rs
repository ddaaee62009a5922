//! Live events (`GET /v1/events`, a WebSocket): what a subscriber asks for, and every
//! message it receives. Each message is one JSON text frame:
//! `{"type": "...", "time": "<RFC 3339, ms>", "data": {...}}`.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::api::{CertKind, NodeRole, NodeState};
use crate::logs::{LogLevel, LogRecord};
use crate::metrics::NodeSample;
use crate::services::ServiceInstance;

/// The kinds of event a client can subscribe to; a message's `type` is one of these (or a
/// control message: `synced`, `lagged`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    Metrics,
    Nodes,
    Services,
    Logs,
    Certs,
    Coordinators,
}

impl EventType {
    pub const ALL: [EventType; 6] = [
        EventType::Metrics,
        EventType::Nodes,
        EventType::Services,
        EventType::Logs,
        EventType::Certs,
        EventType::Coordinators,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Metrics => "metrics",
            EventType::Nodes => "nodes",
            EventType::Services => "services",
            EventType::Logs => "logs",
            EventType::Certs => "certs",
            EventType::Coordinators => "coordinators",
        }
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for EventType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        EventType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown event type `{s}` (expected one of: {})",
                    EventType::ALL.map(EventType::as_str).join(", ")
                )
            })
    }
}

/// Parses `metrics,nodes` (the `types` query parameter); empty means every type.
pub fn parse_types(s: &str) -> Result<BTreeSet<EventType>, String> {
    s.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::parse)
        .collect()
}

/// What a client wants: the query string of the upgrade request, or later a
/// [`ClientMessage::Subscribe`] that replaces it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Subscription {
    /// Empty: every type.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub types: BTreeSet<EventType>,
    /// Only events about this node (metrics, nodes, services, logs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// Only this service's events and log lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Logs: the minimum level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<LogLevel>,
    /// Logs: a regular expression the message must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grep: Option<String>,
}

impl Subscription {
    /// The types asked for (every type when none is named).
    pub fn effective_types(&self) -> BTreeSet<EventType> {
        if self.types.is_empty() {
            EventType::ALL.into_iter().collect()
        } else {
            self.types.clone()
        }
    }
}

/// What a client may send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// Replaces the subscription; the server answers with the current state of what is
    /// newly asked for, then `synced`.
    Subscribe(Subscription),
}

/// One message from the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// When it happened (a sample's or a log record's own time; when the change was seen
    /// otherwise).
    #[serde(with = "time::serde::rfc3339")]
    pub time: OffsetDateTime,
    #[serde(flatten)]
    pub body: EventBody,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum EventBody {
    /// A node's new sample.
    Metrics(NodeSample),
    /// A member joined or changed state.
    Nodes(NodeChange),
    /// A service instance changed state, health, generation or desired state.
    Services(ServiceInstance),
    /// A log record as it is stored.
    Logs(LogRecord),
    /// A certificate was issued, renewed or revoked.
    Certs(CertChange),
    /// The coordinators' leader or term changed.
    Coordinators(CoordinatorChange),
    /// Everything before this message was the current state of what was just subscribed
    /// to; everything after is a change.
    Synced { types: BTreeSet<EventType> },
    /// The client read too slowly: this many events were dropped for it.
    Lagged { dropped: u64 },
}

impl EventBody {
    /// The subscription type this message belongs to (none for control messages).
    pub fn event_type(&self) -> Option<EventType> {
        Some(match self {
            EventBody::Metrics(_) => EventType::Metrics,
            EventBody::Nodes(_) => EventType::Nodes,
            EventBody::Services(_) => EventType::Services,
            EventBody::Logs(_) => EventType::Logs,
            EventBody::Certs(_) => EventType::Certs,
            EventBody::Coordinators(_) => EventType::Coordinators,
            EventBody::Synced { .. } | EventBody::Lagged { .. } => return None,
        })
    }

    /// The `type` field as sent.
    pub fn type_name(&self) -> &'static str {
        match self {
            EventBody::Synced { .. } => "synced",
            EventBody::Lagged { .. } => "lagged",
            other => other.event_type().map_or("", EventType::as_str),
        }
    }

    /// The node an event is about, if any.
    pub fn node_id(&self) -> Option<&str> {
        match self {
            EventBody::Metrics(s) => Some(&s.node_id),
            EventBody::Nodes(n) => Some(&n.node_id),
            EventBody::Services(s) => Some(&s.node_id),
            EventBody::Logs(r) => Some(&r.node_id),
            EventBody::Certs(c) if c.kind == CertKind::Node => Some(&c.subject),
            _ => None,
        }
    }
}

/// A member's new state. `previous` is absent when the member was not known before (a
/// join).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeChange {
    pub node_id: String,
    pub role: NodeRole,
    pub state: NodeState,
    pub previous: Option<NodeState>,
    pub api_address: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertChangeKind {
    /// A first certificate: an enrolment, or an operator certificate.
    Issued,
    /// A node's next certificate.
    Renewed,
    Revoked,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CertChange {
    pub change: CertChangeKind,
    pub serial: String,
    pub kind: CertKind,
    /// Node id or operator name.
    pub subject: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub not_after: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoordinatorChange {
    /// The leader's node id; absent while none is known.
    pub leader: Option<String>,
    pub term: u64,
}

/// WebSocket close codes the server uses (beside the standard ones).
pub mod close {
    /// The credential expired or was revoked (RFC 6455's policy violation).
    pub const CREDENTIAL_ENDED: u16 = 1008;
    /// The server is shutting down.
    pub const GOING_AWAY: u16 = 1001;
    /// The client stopped answering pings, or did not read for too long.
    pub const UNRESPONSIVE: u16 = 4000;
    /// A client message was not a valid subscription.
    pub const BAD_MESSAGE: u16 = 4002;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_type_time_data() {
        let e = Event {
            time: time::macros::datetime!(2026-12-01 10:00:00.123 UTC),
            body: EventBody::Lagged { dropped: 7 },
        };
        let json = serde_json::to_value(&e).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({"type": "lagged", "time": "2026-12-01T10:00:00.123Z", "data": {"dropped": 7}})
        );
        let back: Event = serde_json::from_value(json).unwrap_or_else(|_| e.clone());
        assert_eq!(back, e);
        let c = Event {
            time: e.time,
            body: EventBody::Coordinators(CoordinatorChange {
                leader: Some("c1".into()),
                term: 3,
            }),
        };
        let text = serde_json::to_string(&c).unwrap_or_default();
        assert!(text.contains(r#""type":"coordinators""#), "{text}");
        let back: Result<Event, _> = serde_json::from_str(&text);
        assert_eq!(back.ok(), Some(c));
    }

    #[test]
    fn types_parse_from_a_list_and_reject_unknown_names() {
        let t = parse_types("metrics, nodes,,logs").unwrap_or_default();
        assert_eq!(
            t.into_iter().collect::<Vec<_>>(),
            vec![EventType::Metrics, EventType::Nodes, EventType::Logs]
        );
        let err = parse_types("metrics,cpu").err().unwrap_or_default();
        assert!(
            err.contains("`cpu`") && err.contains("coordinators"),
            "{err}"
        );
        assert_eq!(Subscription::default().effective_types().len(), 6);
    }

    #[test]
    fn a_subscribe_message_round_trips() {
        let text = r#"{"type":"subscribe","types":["metrics"],"node":"w1"}"#;
        let m: ClientMessage =
            serde_json::from_str(text).unwrap_or(ClientMessage::Subscribe(Subscription::default()));
        let ClientMessage::Subscribe(s) = m;
        assert_eq!(s.node.as_deref(), Some("w1"));
        assert_eq!(s.types.len(), 1);
    }
}
