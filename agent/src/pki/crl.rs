//! The certificate revocation list (RFC 5280) served at `GET /v1/pki/crl`, so that TLS
//! servers outside the cluster (nginx `ssl_crl`, HAProxy `crl-file`) can refuse revoked
//! certificates too. Built from the store's revoked, unexpired certificates and signed by
//! the cluster CA; kept until the revocation list changes or an hour has passed, so an
//! unauthenticated caller cannot make the CA sign on every request.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use time::OffsetDateTime;

use super::ca::{CaError, ClusterCa};
use crate::store::{Store, StoreError};

/// `nextUpdate` is this long after `thisUpdate`: a client that fetched a list may trust
/// it that long (a coordinator serves a new one at once after a revocation).
pub const VALIDITY: Duration = Duration::from_secs(24 * 3600);
/// A kept list is signed again after this long even without a revocation.
const REBUILD_AFTER: i64 = 3600;

#[derive(Debug, thiserror::Error)]
pub enum CrlError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ca(#[from] CaError),
}

struct Kept {
    version: u64,
    built: i64,
    der: Arc<Vec<u8>>,
}

#[derive(Default)]
pub struct Crl {
    kept: Mutex<Option<Kept>>,
}

impl std::fmt::Debug for Crl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Crl").finish_non_exhaustive()
    }
}

impl Crl {
    /// The current list, DER.
    pub fn der(
        &self,
        ca: &ClusterCa,
        store: &Store,
        now: OffsetDateTime,
    ) -> Result<Arc<Vec<u8>>, CrlError> {
        let version = store.revocation_version()?;
        let t = now.unix_timestamp();
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(k) = &*kept
            && k.version == version
            && t.saturating_sub(k.built) < REBUILD_AFTER
        {
            return Ok(k.der.clone());
        }
        let revoked: Vec<(String, i64)> = store
            .certs()?
            .iter()
            .filter(|(c, _)| c.not_after > t)
            .filter_map(|(c, _)| c.revoked_at.map(|at| (c.serial.clone(), at)))
            .collect();
        // Grows with time on every coordinator, as RFC 5280 asks of a CRL number.
        let number = u64::try_from(t).unwrap_or(0);
        let der = Arc::new(ca.sign_crl(&revoked, number, now, now + VALIDITY)?);
        *kept = Some(Kept {
            version,
            built: t,
            der: der.clone(),
        });
        Ok(der)
    }
}
