//! What the operator wants of each service on this node: a service stopped with
//! `p2pctl svc stop` stays stopped across a restart of `p2pd`, and across its manifest
//! being renamed or written again; one without a row runs.
//!
//! Node-local state in `local.db` (see `local.rs`), not a control-plane
//! [`super::Command`]: each node supervises its own services.

use std::collections::BTreeMap;

use p2p_shared::services::DesiredState;
use rusqlite::params;

use super::{LocalStore, StoreError};

impl LocalStore {
    pub fn service_desired(&self) -> Result<BTreeMap<String, DesiredState>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn.prepare("SELECT name, desired FROM service_desired")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = BTreeMap::new();
        for row in rows {
            let (name, desired) = row?;
            let desired = match desired.as_str() {
                "running" => DesiredState::Running,
                "stopped" => DesiredState::Stopped,
                other => {
                    return Err(StoreError::Corrupt(format!(
                        "desired state `{other}` of service {name}"
                    )));
                }
            };
            out.insert(name, desired);
        }
        Ok(out)
    }

    pub fn set_service_desired(
        &self,
        name: &str,
        desired: DesiredState,
        now: i64,
    ) -> Result<(), StoreError> {
        self.lock().execute(
            "INSERT INTO service_desired (name, desired, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(name) DO UPDATE SET desired = excluded.desired, updated_at = excluded.updated_at",
            params![name, desired.as_str(), now],
        )?;
        Ok(())
    }

    /// Forgets what the operator wanted of a service (it runs when next defined).
    pub fn forget_service(&self, name: &str) -> Result<(), StoreError> {
        self.lock()
            .execute("DELETE FROM service_desired WHERE name = ?1", params![name])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
    use super::*;

    #[test]
    fn desired_state_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let (path, legacy) = (dir.path().join("local.db"), dir.path().join("store.db"));
        {
            let s = LocalStore::open(&path, &legacy).unwrap();
            s.set_service_desired("web", DesiredState::Stopped, 1)
                .unwrap();
            s.set_service_desired("db", DesiredState::Stopped, 1)
                .unwrap();
            s.set_service_desired("db", DesiredState::Running, 2)
                .unwrap();
            s.set_service_desired("gone", DesiredState::Stopped, 2)
                .unwrap();
            s.forget_service("gone").unwrap();
        }
        let s = LocalStore::open(&path, &legacy).unwrap();
        let d = s.service_desired().unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d["web"], DesiredState::Stopped);
        assert_eq!(d["db"], DesiredState::Running);
    }
}
