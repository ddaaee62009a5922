//! `local.db`: what one node keeps for itself and never replicates. The membership view
//! and its own incarnation (`members.rs`), the operator's desired state of local services
//! (`services.rs`), and a worker's copy of the revocation list it follows (below), so that
//! a revoked certificate stays refused across a restart while no coordinator answers.
//!
//! Kept apart from `store.db` because the control-plane database is replicated between
//! coordinators and replaced whole when a snapshot is installed: a node's own view must
//! survive that.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreError, from_json, open_durable, to_json};

const LOCAL_SCHEMA_VERSION: i64 = 1;

const LOCAL_MIGRATIONS: &[&str] = &[
    // v1
    "CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
     );
     CREATE TABLE members (
        name TEXT PRIMARY KEY,
        record TEXT NOT NULL
     );
     CREATE TABLE service_desired (
        name TEXT PRIMARY KEY,
        desired TEXT NOT NULL,
        updated_at INTEGER NOT NULL
     );
     CREATE TABLE revocation_copy (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL,
        serials TEXT NOT NULL
     );",
];

/// Tables that lived in `store.db` up to its schema 7, copied once into a new `local.db`.
const LEGACY_TABLES: &[&str] = &["members", "service_desired", "revocation_copy"];

pub struct LocalStore {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for LocalStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LocalStore")
    }
}

impl LocalStore {
    /// Opens (or creates) `path`. A new file takes over the node-local tables an older
    /// p2pd kept in `legacy` (its `store.db`), if that file exists: open this before
    /// [`super::Store::open`], whose schema 8 drops them there.
    pub fn open(path: &Path, legacy: &Path) -> Result<Self, StoreError> {
        // Durable: an operator's `svc stop` survives power loss, not just a crash.
        let conn = open_durable(path, 128)?;
        let store = Self {
            conn: Mutex::new(conn),
        };
        store.migrate(legacy)?;
        Ok(store)
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, Connection> {
        // Transactions roll back on a panic, so a poisoned lock is safe to keep using.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn migrate(&self, legacy: &Path) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if current > LOCAL_SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                found: current,
                known: LOCAL_SCHEMA_VERSION,
            });
        }
        let import = current == 0 && legacy.exists();
        if import {
            // ATTACH cannot run inside a transaction.
            conn.execute(
                "ATTACH DATABASE ?1 AS legacy",
                params![legacy.to_string_lossy()],
            )?;
        }
        let result = (|| {
            let tx = conn.transaction()?;
            for (i, sql) in LOCAL_MIGRATIONS.iter().enumerate().skip(current as usize) {
                tx.execute_batch(sql)?;
                tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            }
            if import {
                import_legacy(&tx)?;
            }
            tx.commit()
        })();
        if import {
            conn.execute("DETACH DATABASE legacy", [])?;
        }
        result?;
        Ok(())
    }
}

fn import_legacy(tx: &rusqlite::Transaction<'_>) -> Result<(), rusqlite::Error> {
    let has = |table: &str| -> Result<bool, rusqlite::Error> {
        tx.query_row(
            "SELECT count(*) FROM legacy.sqlite_master WHERE type = 'table' AND name = ?1",
            params![table],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n > 0)
    };
    for table in LEGACY_TABLES {
        if has(table)? {
            tx.execute_batch(&format!(
                "INSERT INTO main.{table} SELECT * FROM legacy.{table}"
            ))?;
        }
    }
    if has("meta")? {
        tx.execute(
            "INSERT INTO main.meta (key, value)
             SELECT key, value FROM legacy.meta WHERE key = 'self_incarnation'",
            [],
        )?;
    }
    Ok(())
}

/// A copy of the coordinators' revocation list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevocationCopy {
    pub version: u64,
    pub serials: Vec<String>,
}

impl LocalStore {
    pub fn save_revocation_copy(&self, copy: &RevocationCopy) -> Result<(), StoreError> {
        self.lock().execute(
            "INSERT INTO revocation_copy (id, version, serials) VALUES (1, ?1, ?2)
             ON CONFLICT(id) DO UPDATE SET version = excluded.version, serials = excluded.serials",
            params![copy.version as i64, to_json(&copy.serials)?],
        )?;
        Ok(())
    }

    pub fn revocation_copy(&self) -> Result<Option<RevocationCopy>, StoreError> {
        let row: Option<(i64, String)> = self
            .lock()
            .query_row(
                "SELECT version, serials FROM revocation_copy WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(version, serials)| {
            Ok(RevocationCopy {
                version: version.max(0) as u64,
                serials: from_json(&serials)?,
            })
        })
        .transpose()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
    use super::*;

    #[test]
    fn the_copy_survives_reopening_and_is_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let (path, legacy) = (dir.path().join("local.db"), dir.path().join("store.db"));
        {
            let s = LocalStore::open(&path, &legacy).unwrap();
            assert_eq!(s.revocation_copy().unwrap(), None);
            for (version, serials) in [(3, vec!["aa", "bb"]), (4, vec!["cc"])] {
                s.save_revocation_copy(&RevocationCopy {
                    version,
                    serials: serials.into_iter().map(str::to_string).collect(),
                })
                .unwrap();
            }
        }
        let s = LocalStore::open(&path, &legacy).unwrap();
        assert_eq!(
            s.revocation_copy().unwrap(),
            Some(RevocationCopy {
                version: 4,
                serials: vec!["cc".into()]
            })
        );
    }

    /// A node upgraded from a p2pd that kept everything in `store.db` keeps its view,
    /// its incarnation, its stopped services and its revocation copy; `store.db` then
    /// drops them, so a replicated snapshot of it carries nothing node-local.
    #[test]
    fn a_new_local_db_takes_over_the_tables_of_an_older_store() {
        let dir = tempfile::tempdir().unwrap();
        let (path, legacy) = (dir.path().join("local.db"), dir.path().join("store.db"));
        {
            let old = Connection::open(&legacy).unwrap();
            // store.db as p2pd left it at schema 7.
            for sql in &super::super::MIGRATIONS[..7] {
                old.execute_batch(sql).unwrap();
            }
            old.execute_batch(
                "PRAGMA user_version = 7;
                 INSERT INTO meta VALUES ('self_incarnation', '9'), ('applied_commands', '4');
                 INSERT INTO members VALUES ('w1', '{\"name\":\"w1\",\"incarnation\":2,\"state\":\"alive\",\"addrs\":[],\"meta\":{},\"state_changed_ms\":1}');
                 INSERT INTO service_desired VALUES ('web', 'stopped', 1);
                 INSERT INTO revocation_copy VALUES (1, 7, '[\"ab\"]');",
            )
            .unwrap();
        }
        let local = LocalStore::open(&path, &legacy).unwrap();
        let snap = local.load_membership().unwrap();
        assert_eq!(snap.self_incarnation, 9);
        assert_eq!(snap.members.len(), 1);
        assert_eq!(
            local.service_desired().unwrap()["web"],
            p2p_shared::services::DesiredState::Stopped
        );
        assert_eq!(local.revocation_copy().unwrap().unwrap().version, 7);

        let store = super::super::Store::open(&legacy).unwrap();
        assert_eq!(store.applied_commands().unwrap(), 4);
        let tables: i64 = store
            .lock()
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name IN ('members', 'service_desired', 'revocation_copy')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 0);
        // Imported once: a later open does not copy again (or fail on the gone tables).
        drop(local);
        let local = LocalStore::open(&path, &legacy).unwrap();
        assert_eq!(local.load_membership().unwrap().self_incarnation, 9);
    }
}
