//! This node's last view of the membership, so a restart can rejoin through any peer it knew
//! (even with every coordinator down) and start above its old incarnation.
//!
//! Node-local state in `local.db` (see `local.rs`), not a control-plane [`super::Command`]:
//! every node has its own view. Saved as one transaction, so a crash leaves either the old
//! or the new snapshot.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{LocalStore, StoreError, from_json, to_json};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberRecord {
    pub name: String,
    pub incarnation: u64,
    pub state: String,
    pub addrs: Vec<SocketAddr>,
    pub meta: BTreeMap<String, String>,
    /// Unix milliseconds of the last state change.
    pub state_changed_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct MembershipSnapshot {
    pub self_incarnation: u64,
    pub members: Vec<MemberRecord>,
}

impl LocalStore {
    pub fn save_membership(&self, snap: &MembershipSnapshot) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM members", [])?;
        for m in &snap.members {
            tx.execute(
                "INSERT INTO members (name, record) VALUES (?1, ?2)",
                params![m.name, to_json(m)?],
            )?;
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('self_incarnation', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![snap.self_incarnation.to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn load_membership(&self) -> Result<MembershipSnapshot, StoreError> {
        let conn = self.lock();
        let inc: Option<String> = conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'self_incarnation'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        let mut stmt = conn.prepare("SELECT record FROM members ORDER BY name")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut members = Vec::new();
        for r in rows {
            members.push(from_json(&r?)?);
        }
        Ok(MembershipSnapshot {
            self_incarnation: inc.and_then(|s| s.parse().ok()).unwrap_or(0),
            members,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn snapshot_round_trips_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let (path, legacy) = (dir.path().join("local.db"), dir.path().join("store.db"));
        let rec = |n: &str| MemberRecord {
            name: n.into(),
            incarnation: 3,
            state: "alive".into(),
            addrs: vec!["192.0.2.7:8801".parse().unwrap()],
            meta: BTreeMap::from([("role".to_string(), "worker".to_string())]),
            state_changed_ms: 1,
        };
        {
            let store = LocalStore::open(&path, &legacy).unwrap();
            store
                .save_membership(&MembershipSnapshot {
                    self_incarnation: 4,
                    members: vec![rec("a"), rec("b")],
                })
                .unwrap();
            store
                .save_membership(&MembershipSnapshot {
                    self_incarnation: 5,
                    members: vec![rec("b")],
                })
                .unwrap();
        }
        let store = LocalStore::open(&path, &legacy).unwrap();
        let snap = store.load_membership().unwrap();
        assert_eq!(snap.self_incarnation, 5);
        assert_eq!(snap.members, vec![rec("b")]);
    }
}
