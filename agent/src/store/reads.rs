//! Store reads kept in memory between the commands that change them: the node records,
//! the certificate records and the operator accounts, each family as one decoded list.
//! Every applied command that touches a family moves its version and drops its list
//! (`Store::mirror`), before the command's caller gets its answer, so a writer always
//! reads its own write and no list is served after the change that made it stale.
//!
//! A list is tagged with the version read before it was loaded and kept only if no change
//! came in meanwhile: a load racing a commit can never be kept past that commit.

use std::sync::Arc;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

use p2p_shared::api::CacheStats;

use super::{CertRecord, Command, NodeRecord, StoreError, UserRecord};
use crate::cache::Counters;

/// What one family's list may weigh; a bigger one is read from SQLite every time.
const CAPACITY_BYTES: u64 = 16 * 1024 * 1024;

/// The store's families of records that hot paths read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Family {
    Nodes,
    Certs,
    Users,
}

impl Family {
    /// The families `cmd` changes (a rejected command is never mirrored).
    pub(super) fn changed_by(cmd: &Command) -> &'static [Family] {
        match cmd {
            Command::UpsertNode { .. } | Command::ForgetNode { .. } => &[Family::Nodes],
            Command::RecordCert { .. }
            | Command::IssueNodeCert { .. }
            | Command::RevokeCert { .. }
            | Command::RevokeSuperseded { .. }
            | Command::PutAcmeOrder { cert: Some(_), .. } => &[Family::Certs],
            Command::AddUser { .. }
            | Command::SetUserPassword { .. }
            | Command::RemoveUser { .. } => &[Family::Users],
            Command::RevokeToken { .. }
            | Command::PruneRevokedTokens { .. }
            | Command::CreateJoinToken { .. }
            | Command::ConsumeJoinToken { .. }
            | Command::RevokeJoinToken { .. }
            | Command::RevokeUserSessions { .. }
            | Command::AddJwtKey { .. }
            | Command::CreateEabKey { .. }
            | Command::CreateAcmeAccount { .. }
            | Command::UpdateAcmeAccount { .. }
            | Command::PutAcmeOrder { cert: None, .. }
            | Command::PruneAcmeOrders { .. } => &[],
            // Unwrapped before mirroring; a nested one changes nothing.
            Command::Once { cmd, .. } => Family::changed_by(cmd),
        }
    }
}

/// A list, the version it reflects, and what it weighs.
type Slot<T> = Option<(u64, Arc<Vec<T>>, u64)>;

/// One family's decoded list.
struct Kept<T> {
    name: &'static str,
    version: AtomicU64,
    slot: RwLock<Slot<T>>,
    counters: Counters,
}

impl<T> Kept<T> {
    fn new(name: &'static str) -> Self {
        Self {
            name,
            version: AtomicU64::new(0),
            slot: RwLock::new(None),
            counters: Counters::default(),
        }
    }

    fn get_or_load(
        &self,
        load: impl FnOnce() -> Result<Vec<T>, StoreError>,
        weigh: fn(&T) -> usize,
    ) -> Result<Arc<Vec<T>>, StoreError> {
        let version = self.version.load(Ordering::Acquire);
        if let Some((at, list, _)) = &*self.slot.read().unwrap_or_else(|p| p.into_inner())
            && *at == version
        {
            self.counters.hit();
            return Ok(list.clone());
        }
        self.counters.miss();
        let list = Arc::new(load()?);
        let bytes = list.iter().map(weigh).sum::<usize>() as u64;
        if bytes <= CAPACITY_BYTES {
            let mut slot = self.slot.write().unwrap_or_else(|p| p.into_inner());
            // A change applied while loading: what was read may predate it.
            if self.version.load(Ordering::Acquire) == version {
                *slot = Some((version, list.clone(), bytes));
            }
        }
        Ok(list)
    }

    fn invalidate(&self) {
        self.version.fetch_add(1, Ordering::AcqRel);
        if self
            .slot
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .is_some()
        {
            self.counters.invalidated();
        }
    }

    fn stats(&self) -> CacheStats {
        let slot = self.slot.read().unwrap_or_else(|p| p.into_inner());
        let (entries, bytes) = slot.as_ref().map_or((0, 0), |(_, _, b)| (1, *b));
        self.counters
            .stats(self.name, entries, bytes, CAPACITY_BYTES)
    }
}

pub(super) struct Reads {
    nodes: Kept<NodeRecord>,
    certs: Kept<(CertRecord, bool)>,
    users: Kept<UserRecord>,
}

impl Default for Reads {
    fn default() -> Self {
        Self {
            nodes: Kept::new("store_nodes"),
            certs: Kept::new("store_certs"),
            users: Kept::new("store_users"),
        }
    }
}

// Rough: about the size of the JSON a record is stored as.
fn weigh_node(n: &NodeRecord) -> usize {
    160 + n.node_id.len() + n.api_address.len() + 48 * n.addresses.len()
}

fn weigh_cert((c, _): &(CertRecord, bool)) -> usize {
    256 + c.subject.len() + c.serial.len() + c.pem.as_ref().map_or(0, String::len)
}

fn weigh_user(u: &UserRecord) -> usize {
    96 + u.name.len() + u.password_hash.len()
}

impl Reads {
    pub(super) fn nodes(
        &self,
        load: impl FnOnce() -> Result<Vec<NodeRecord>, StoreError>,
    ) -> Result<Arc<Vec<NodeRecord>>, StoreError> {
        self.nodes.get_or_load(load, weigh_node)
    }

    pub(super) fn certs(
        &self,
        load: impl FnOnce() -> Result<Vec<(CertRecord, bool)>, StoreError>,
    ) -> Result<Arc<Vec<(CertRecord, bool)>>, StoreError> {
        self.certs.get_or_load(load, weigh_cert)
    }

    pub(super) fn users(
        &self,
        load: impl FnOnce() -> Result<Vec<UserRecord>, StoreError>,
    ) -> Result<Arc<Vec<UserRecord>>, StoreError> {
        self.users.get_or_load(load, weigh_user)
    }

    /// After `cmd` was committed.
    pub(super) fn applied(&self, cmd: &Command) {
        for family in Family::changed_by(cmd) {
            self.invalidate(*family);
        }
    }

    pub(super) fn invalidate(&self, family: Family) {
        match family {
            Family::Nodes => self.nodes.invalidate(),
            Family::Certs => self.certs.invalidate(),
            Family::Users => self.users.invalidate(),
        }
    }

    /// The whole store was replaced (a snapshot installed).
    pub(super) fn invalidate_all(&self) {
        for family in [Family::Nodes, Family::Certs, Family::Users] {
            self.invalidate(family);
        }
    }

    pub(super) fn stats(&self) -> [CacheStats; 3] {
        [self.nodes.stats(), self.certs.stats(), self.users.stats()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_load_racing_a_change_is_not_kept() {
        let kept: Kept<u8> = Kept::new("t");
        let first = kept
            .get_or_load(
                || {
                    // A change is applied while this load reads the old rows.
                    kept.invalidate();
                    Ok(vec![1])
                },
                |_| 1,
            )
            .unwrap();
        assert_eq!(*first, vec![1]);
        let second = kept.get_or_load(|| Ok(vec![2]), |_| 1).unwrap();
        assert_eq!(*second, vec![2], "the racing load was not kept");
        let third = kept.get_or_load(|| panic!("kept: no load"), |_| 1).unwrap();
        assert_eq!(*third, vec![2]);
        let s = kept.stats();
        assert_eq!((s.hits, s.misses, s.entries), (1, 2, 1), "{s:?}");
    }

    #[test]
    fn a_list_heavier_than_the_bound_is_never_kept() {
        let kept: Kept<u8> = Kept::new("t");
        for _ in 0..2 {
            kept.get_or_load(|| Ok(vec![0]), |_| CAPACITY_BYTES as usize + 1)
                .unwrap();
        }
        let s = kept.stats();
        assert_eq!((s.hits, s.misses, s.entries), (0, 2, 0), "{s:?}");
    }

    #[test]
    fn every_command_names_the_families_it_changes() {
        let revoke = Command::RevokeCert {
            serial: "ab".into(),
            now: 1,
        };
        assert_eq!(Family::changed_by(&revoke), &[Family::Certs]);
        let once = Command::Once {
            key: "k".into(),
            at: 1,
            cmd: Box::new(Command::RemoveUser { name: "a".into() }),
        };
        assert_eq!(Family::changed_by(&once), &[Family::Users]);
        assert!(Family::changed_by(&Command::RevokeUserSessions { user: "a".into() }).is_empty());
    }
}
