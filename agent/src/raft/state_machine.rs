//! The Raft state machine is the store: each committed entry goes through
//! [`Store::apply_entry`], which records the entry's log id (and a membership) in the same
//! transaction as the command. A snapshot is a consistent copy of `store.db`
//! (`VACUUM INTO`), installed with SQLite's backup API; the store holds no secret (the
//! vault does), so snapshots may travel between coordinators.

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::Arc;

use openraft::storage::RaftStateMachine;
use openraft::{EntryPayload, RaftSnapshotBuilder, StorageIOError};

use super::types::{
    Entry, LogId, Outcome, Snapshot, SnapshotMeta, StorageError, StoredMembership, TypeConfig,
};
use crate::store::Store;
use crate::store::replica::Position;

/// Cheap to clone (the snapshot builder is a clone).
#[derive(Clone, Debug)]
pub struct StateMachine {
    store: Arc<Store>,
    /// Where snapshot files are written and read, briefly (the state directory).
    scratch: PathBuf,
}

fn io(e: impl std::error::Error + 'static) -> StorageIOError<u64> {
    StorageIOError::write_state_machine(&e)
}

fn parse_position(at: &Position) -> Result<(Option<LogId>, StoredMembership), StorageIOError<u64>> {
    let applied = match &at.applied {
        Some(json) => {
            serde_json::from_str(json).map_err(|e| StorageIOError::read_state_machine(&e))?
        }
        None => None,
    };
    let membership = match &at.membership {
        Some(json) => {
            serde_json::from_str(json).map_err(|e| StorageIOError::read_state_machine(&e))?
        }
        None => StoredMembership::default(),
    };
    Ok((applied, membership))
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, StorageIOError<u64>> {
    serde_json::to_string(v).map_err(io)
}

/// A snapshot is named by the entry it ends at, so asking twice for the current one
/// gives equal metadata.
fn snapshot_id(last: &Option<LogId>) -> String {
    match last {
        Some(l) => format!("{}-{}-{}", l.leader_id.term, l.leader_id.node_id, l.index),
        None => "empty".into(),
    }
}

impl StateMachine {
    pub fn new(store: Arc<Store>, scratch: PathBuf) -> Self {
        Self { store, scratch }
    }

    fn scratch_file(&self, what: &str) -> PathBuf {
        use rand::Rng;
        let tag: u64 = rand::thread_rng().r#gen();
        self.scratch.join(format!(".raft-{what}-{tag:016x}.db"))
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&StateMachine) -> Result<T, StorageIOError<u64>> + Send + 'static,
    ) -> Result<T, StorageError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || f(&this))
            .await
            .map_err(io)?
            .map_err(StorageError::from)
    }

    fn build(&self) -> Result<Snapshot, StorageIOError<u64>> {
        let file = self.scratch_file("snapshot");
        let result = (|| {
            let at = self
                .store
                .snapshot_into(&file)
                .map_err(|e| StorageIOError::write_snapshot(None, &e))?;
            let bytes =
                std::fs::read(&file).map_err(|e| StorageIOError::read_snapshot(None, &e))?;
            let (last_log_id, last_membership) = parse_position(&at)?;
            Ok(Snapshot {
                meta: SnapshotMeta {
                    snapshot_id: snapshot_id(&last_log_id),
                    last_log_id,
                    last_membership,
                },
                snapshot: Box::new(Cursor::new(bytes)),
            })
        })();
        let _ = std::fs::remove_file(&file);
        result
    }
}

impl RaftSnapshotBuilder<TypeConfig> for StateMachine {
    async fn build_snapshot(&mut self) -> Result<Snapshot, StorageError> {
        self.blocking(|sm| sm.build()).await
    }
}

impl RaftStateMachine<TypeConfig> for StateMachine {
    type SnapshotBuilder = StateMachine;

    async fn applied_state(&mut self) -> Result<(Option<LogId>, StoredMembership), StorageError> {
        self.blocking(|sm| {
            let at = sm
                .store
                .position()
                .map_err(|e| StorageIOError::read_state_machine(&e))?;
            parse_position(&at)
        })
        .await
    }

    async fn apply<I>(&mut self, entries: I) -> Result<Vec<Outcome>, StorageError>
    where
        I: IntoIterator<Item = Entry> + Send,
        I::IntoIter: Send,
    {
        let entries: Vec<Entry> = entries.into_iter().collect();
        self.blocking(move |sm| {
            let mut outcomes = Vec::with_capacity(entries.len());
            for entry in entries {
                let applied = to_json(&Some(entry.log_id))?;
                let fail = |e: crate::store::StoreError| StorageIOError::apply(entry.log_id, &e);
                let outcome = match &entry.payload {
                    EntryPayload::Blank => sm.store.apply_entry(None, &applied, None),
                    EntryPayload::Normal(cmd) => sm.store.apply_entry(Some(cmd), &applied, None),
                    EntryPayload::Membership(m) => {
                        let stored = StoredMembership::new(Some(entry.log_id), m.clone());
                        sm.store
                            .apply_entry(None, &applied, Some(&to_json(&stored)?))
                    }
                }
                .map_err(fail)?;
                outcomes.push(outcome);
            }
            Ok(outcomes)
        })
        .await
    }

    async fn get_snapshot_builder(&mut self) -> Self::SnapshotBuilder {
        self.clone()
    }

    async fn begin_receiving_snapshot(&mut self) -> Result<Box<Cursor<Vec<u8>>>, StorageError> {
        Ok(Box::new(Cursor::new(Vec::new())))
    }

    async fn install_snapshot(
        &mut self,
        meta: &SnapshotMeta,
        snapshot: Box<Cursor<Vec<u8>>>,
    ) -> Result<(), StorageError> {
        let meta = meta.clone();
        self.blocking(move |sm| {
            let signature = Some(meta.signature());
            let file = sm.scratch_file("install");
            let result = (|| {
                std::fs::write(&file, snapshot.into_inner())
                    .map_err(|e| StorageIOError::write_snapshot(signature.clone(), &e))?;
                let at = sm
                    .store
                    .restore_from(&file)
                    .map_err(|e| StorageIOError::write_snapshot(signature.clone(), &e))?;
                let (applied, _) = parse_position(&at)?;
                if applied != meta.last_log_id {
                    let e = std::io::Error::other(format!(
                        "the snapshot holds {applied:?}, its metadata says {:?}",
                        meta.last_log_id
                    ));
                    return Err(StorageIOError::write_snapshot(signature.clone(), &e));
                }
                Ok(())
            })();
            let _ = std::fs::remove_file(&file);
            result
        })
        .await
    }

    async fn get_current_snapshot(&mut self) -> Result<Option<Snapshot>, StorageError> {
        // The store is always a snapshot of itself at its position: build one on demand
        // (rare: a follower too far behind for the log) rather than keep a second copy.
        let (applied, _) = self.applied_state().await?;
        if applied.is_none() {
            return Ok(None);
        }
        self.blocking(|sm| sm.build()).await.map(Some)
    }
}
