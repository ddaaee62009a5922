//! A member as the core knows it: name, incarnation, state, addresses and versioned metadata.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

use crate::Millis;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Alive,
    Suspect,
    Dead,
    Left,
}

impl State {
    /// At equal incarnation a later state in this order wins.
    pub(crate) fn rank(self) -> u8 {
        match self {
            State::Alive => 0,
            State::Suspect => 1,
            State::Dead => 2,
            State::Left => 3,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            State::Alive => "alive",
            State::Suspect => "suspect",
            State::Dead => "dead",
            State::Left => "left",
        }
    }

    /// Members in these states are probed and receive gossip.
    pub fn is_live(self) -> bool {
        matches!(self, State::Alive | State::Suspect)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetaEntry {
    pub value: Option<String>,
    pub version: u64,
}

/// Member names follow the cluster's node-id rule: 1-63 of `[a-z0-9-_.]`, starting with a
/// letter or digit (a name from gossip is also a file name, a URI part and a log field).
pub fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

#[derive(Debug, Clone)]
pub struct Member {
    pub name: String,
    pub incarnation: u64,
    pub state: State,
    /// Every address the member advertises, in its order of preference.
    pub addrs: Vec<SocketAddr>,
    /// The address that last answered our probe. Gossip never overwrites it; a failed probe
    /// clears it so every advertised address is tried again.
    pub preferred: Option<SocketAddr>,
    pub meta: BTreeMap<String, MetaEntry>,
    /// Highest meta version known for this member (its digest entry).
    pub meta_version: u64,
    /// Our clock when the state last changed.
    pub state_changed: Millis,
}

impl Member {
    pub(crate) fn new(name: String, incarnation: u64, addrs: Vec<SocketAddr>, now: Millis) -> Self {
        Member {
            name,
            incarnation,
            state: State::Alive,
            addrs,
            preferred: None,
            meta: BTreeMap::new(),
            meta_version: 0,
            state_changed: now,
        }
    }

    /// Metadata value, if set.
    pub fn meta_value(&self, key: &str) -> Option<&str> {
        self.meta.get(key).and_then(|e| e.value.as_deref())
    }

    /// Addresses to try, the remembered one alone when there is one.
    pub fn probe_addrs(&self) -> Vec<SocketAddr> {
        match self.preferred {
            Some(p) => vec![p],
            None => self.addrs.clone(),
        }
    }
}
