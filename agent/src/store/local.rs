//! What a worker keeps of the cluster's state so that it holds across a restart while no
//! coordinator answers: the last revocation list it followed, with its version, so a revoked
//! certificate stays refused (revocation fails closed).
//!
//! Node-local state, not a control-plane [`super::Command`]: written by the node's own
//! follower, never replicated.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, from_json, to_json};

/// A copy of the coordinators' revocation list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevocationCopy {
    pub version: u64,
    pub serials: Vec<String>,
}

impl Store {
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
        let path = dir.path().join("store.db");
        {
            let s = Store::open(&path).unwrap();
            assert_eq!(s.revocation_copy().unwrap(), None);
            for (version, serials) in [(3, vec!["aa", "bb"]), (4, vec!["cc"])] {
                s.save_revocation_copy(&RevocationCopy {
                    version,
                    serials: serials.into_iter().map(str::to_string).collect(),
                })
                .unwrap();
            }
        }
        let s = Store::open(&path).unwrap();
        assert_eq!(
            s.revocation_copy().unwrap(),
            Some(RevocationCopy {
                version: 4,
                serials: vec!["cc".into()]
            })
        );
    }
}
