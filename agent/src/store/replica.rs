//! What replication needs of the store: applying a log entry together with its position,
//! the position itself, and whole-database snapshots out and in.
//!
//! The position (the last applied log id) and the last membership are opaque JSON here;
//! the Raft layer (`crate::raft`) owns their meaning. They are written in the same
//! transaction as the command they came with, so after any crash the store says exactly
//! which entries it holds and none is applied twice.

use std::path::Path;

use rusqlite::{OptionalExtension, params};

use super::{Command, Rejection, Store, StoreError, apply_in, sessions};

/// Where the store stands in the replicated log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Position {
    /// The last applied log id (JSON).
    pub applied: Option<String>,
    /// The last applied membership (JSON).
    pub membership: Option<String>,
}

fn meta(conn: &rusqlite::Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| {
            r.get(0)
        })
        .optional()?)
}

fn set_meta(conn: &rusqlite::Connection, key: &str, value: &str) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

fn position(conn: &rusqlite::Connection) -> Result<Position, StoreError> {
    Ok(Position {
        applied: meta(conn, "raft_applied")?,
        membership: meta(conn, "raft_membership")?,
    })
}

impl Store {
    /// Applies one replicated entry: its command (none for a blank or membership entry)
    /// and its position, in one transaction. A rejected command changes nothing but its
    /// position is recorded all the same, and the rejection is the entry's outcome on
    /// every replica.
    pub fn apply_entry(
        &self,
        cmd: Option<&Command>,
        applied: &str,
        membership: Option<&str>,
    ) -> Result<Result<(), Rejection>, StoreError> {
        let mut conn = self.lock();
        let mut tx = conn.transaction()?;
        let outcome = match cmd {
            None => Ok(None),
            Some(cmd) => {
                let step = tx.savepoint()?;
                match apply_in(&step, cmd) {
                    Ok(applied) => {
                        step.commit()?;
                        Ok(applied)
                    }
                    // Dropping the savepoint rolls the command back.
                    Err(StoreError::Rejected(r)) => Err(r),
                    Err(e) => return Err(e),
                }
            }
        };
        set_meta(&tx, "raft_applied", applied)?;
        if let Some(m) = membership {
            set_meta(&tx, "raft_membership", m)?;
        }
        tx.commit()?;
        // The mirror reads the store again: release the connection first.
        drop(conn);
        if let Ok(Some(applied)) = &outcome {
            self.mirror(applied);
        }
        Ok(outcome.map(|_| ()))
    }

    pub fn position(&self) -> Result<Position, StoreError> {
        position(&self.lock())
    }

    /// Writes a consistent copy of the whole database to `path` (which must not exist) and
    /// returns the position it holds.
    pub fn snapshot_into(&self, path: &Path) -> Result<Position, StoreError> {
        let conn = self.lock();
        let at = position(&conn)?;
        conn.execute("VACUUM INTO ?1", params![path.to_string_lossy()])?;
        Ok(at)
    }

    /// Replaces the whole database with the copy at `path` (a snapshot from another
    /// replica), atomically, then brings its schema up to date and reloads what is kept
    /// in memory. Returns the position the copy holds.
    pub fn restore_from(&self, path: &Path) -> Result<Position, StoreError> {
        {
            let source = rusqlite::Connection::open_with_flags(
                path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )?;
            let check: String = source.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
            if check != "ok" {
                return Err(StoreError::Corrupt(format!("snapshot: {check}")));
            }
            let version: i64 = source.pragma_query_value(None, "user_version", |r| r.get(0))?;
            if version > super::SCHEMA_VERSION {
                return Err(StoreError::TooNew {
                    found: version,
                    known: super::SCHEMA_VERSION,
                });
            }
        }
        {
            let mut conn = self.lock();
            conn.restore(
                rusqlite::MAIN_DB,
                path,
                None::<fn(rusqlite::backup::Progress)>,
            )?;
        }
        self.migrate()?;
        let loaded = sessions::Sessions::load(&self.lock())?;
        *self.sessions.write().unwrap_or_else(|p| p.into_inner()) = loaded;
        self.reads.invalidate_all();
        self.publish_revocations();
        self.position()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
    use super::*;

    #[test]
    fn a_rejected_entry_changes_nothing_but_its_position() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("store.db")).unwrap();
        let revoke = Command::RevokeJoinToken {
            token_id: "nope".into(),
            now: 1,
        };
        let outcome = s.apply_entry(Some(&revoke), "\"p1\"", None).unwrap();
        assert!(matches!(outcome, Err(Rejection::UnknownToken { .. })));
        assert_eq!(s.position().unwrap().applied.as_deref(), Some("\"p1\""));
        assert_eq!(s.applied_commands().unwrap(), 0);
        let logout = Command::RevokeToken {
            jti: "j".into(),
            expires_at: 10,
        };
        s.apply_entry(Some(&logout), "\"p2\"", Some("\"m\""))
            .unwrap()
            .unwrap();
        assert!(s.is_token_revoked("j").unwrap());
        let at = s.position().unwrap();
        assert_eq!(
            (at.applied.as_deref(), at.membership.as_deref()),
            (Some("\"p2\""), Some("\"m\""))
        );
    }

    #[test]
    fn a_snapshot_restores_state_position_and_memory() {
        let dir = tempfile::tempdir().unwrap();
        let a = Store::open(&dir.path().join("a.db")).unwrap();
        let b = Store::open(&dir.path().join("b.db")).unwrap();
        let logout = Command::RevokeToken {
            jti: "j".into(),
            expires_at: 10,
        };
        a.apply_entry(Some(&logout), "\"p7\"", Some("\"m\""))
            .unwrap()
            .unwrap();
        let file = dir.path().join("snap.db");
        let at = a.snapshot_into(&file).unwrap();
        assert_eq!(at.applied.as_deref(), Some("\"p7\""));
        b.apply(&Command::RevokeToken {
            jti: "only-on-b".into(),
            expires_at: 10,
        })
        .unwrap();
        assert_eq!(b.restore_from(&file).unwrap(), at);
        assert!(b.is_token_revoked("j").unwrap(), "mirror reloaded");
        assert!(!b.is_token_revoked("only-on-b").unwrap(), "replaced whole");
        std::fs::write(dir.path().join("junk.db"), b"not a database").unwrap();
        assert!(b.restore_from(&dir.path().join("junk.db")).is_err());
        assert!(
            b.is_token_revoked("j").unwrap(),
            "a bad snapshot leaves the store"
        );
    }
}
