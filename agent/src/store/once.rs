//! Commands applied at most once per key: a client retrying a write whose answer it lost
//! (the leader died after committing it) sends the same `Idempotency-Key`, the command
//! comes again wrapped in `Command::Once` with the same key, and every replica skips it
//! because it recorded the key in the same transaction as the first application. Keys
//! are forgotten a day after their command, by time carried in the commands themselves,
//! so every replica forgets the same ones.

use rusqlite::{Connection, OptionalExtension, params};

use super::{Command, StoreError};

/// How long a key is remembered (a retry comes within seconds; a day is generous).
pub const KEEP_SECONDS: i64 = 24 * 3600;

/// A write's idempotency key, scoped to its caller and request, and the time of the write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnceKey {
    pub key: String,
    pub at: i64,
}

impl OnceKey {
    /// The `n`th command of the write, to be applied at most once.
    pub fn wrap(&self, n: u32, cmd: Command) -> Command {
        Command::Once {
            key: format!("{}/{n}", self.key),
            at: self.at,
            cmd: Box::new(cmd),
        }
    }
}

/// Whether a command under `key` was applied (and its key not yet forgotten).
pub(super) fn seen(tx: &Connection, key: &str) -> Result<bool, StoreError> {
    Ok(tx
        .query_row(
            "SELECT 1 FROM applied_once WHERE key = ?1",
            params![key],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Records `key` as applied at `at`, and forgets keys a day older than that.
pub(super) fn record(tx: &Connection, key: &str, at: i64) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM applied_once WHERE at < ?1",
        params![at.saturating_sub(KEEP_SECONDS)],
    )?;
    tx.execute(
        "INSERT OR IGNORE INTO applied_once (key, at) VALUES (?1, ?2)",
        params![key, at],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::store::{Rejection, Store, UserRecord};

    fn user(name: &str, hash: &str) -> Command {
        Command::AddUser {
            user: UserRecord {
                name: name.into(),
                role: p2p_shared::Role::Operator,
                password_hash: hash.into(),
                created_at: 0,
            },
        }
    }

    #[test]
    fn a_retried_write_applies_once_and_its_key_is_forgotten_after_a_day() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("s.db")).unwrap();
        let key = OnceKey {
            key: "caller/abc".into(),
            at: 1_000_000,
        };
        s.apply(&key.wrap(0, user("carol", "h1"))).unwrap();
        // The retry (a new hash, as a handler makes on each attempt) is skipped, not
        // refused as "already exists"; its key's second command is a different one.
        s.apply(&key.wrap(0, user("carol", "h2"))).unwrap();
        assert_eq!(s.user("carol").unwrap().unwrap().password_hash, "h1");
        assert!(matches!(
            s.apply(&key.wrap(1, user("carol", "h3"))),
            Err(StoreError::Rejected(Rejection::UserExists { .. }))
        ));
        // A refused command records nothing: after the refusal is gone, it may apply.
        s.apply(&Command::RemoveUser {
            name: "carol".into(),
        })
        .unwrap();
        s.apply(&key.wrap(1, user("carol", "h3"))).unwrap();
        assert_eq!(s.user("carol").unwrap().unwrap().password_hash, "h3");
        // A day later another write forgets the first key.
        let later = OnceKey {
            key: "caller/def".into(),
            at: key.at + KEEP_SECONDS + 1,
        };
        s.apply(&later.wrap(
            0,
            Command::RemoveUser {
                name: "carol".into(),
            },
        ))
        .unwrap();
        s.apply(&key.wrap(0, user("carol", "h4"))).unwrap();
        assert_eq!(s.user("carol").unwrap().unwrap().password_hash, "h4");
    }
}
