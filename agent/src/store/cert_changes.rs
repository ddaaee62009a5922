//! What an applied command did to certificates, as live events: an enrolment or an
//! operator certificate is `issued`, a node's next certificate `renewed`, and each
//! certificate a revocation reached `revoked`.

use p2p_shared::events::{CertChange, CertChangeKind};
use time::OffsetDateTime;

use super::pki::CertRecord;
use super::{Command, Store};

/// Changes kept for receivers that fall behind.
pub(super) const CAPACITY: usize = 256;

fn change(change: CertChangeKind, c: &CertRecord) -> CertChange {
    CertChange {
        change,
        serial: c.serial.clone(),
        kind: c.kind,
        subject: c.subject.clone(),
        not_after: OffsetDateTime::from_unix_timestamp(c.not_after).ok(),
    }
}

/// Reads what it needs after the commit (a revocation names only serials or a time).
pub(super) fn of(store: &Store, cmd: &Command) -> Vec<CertChange> {
    let read = |r: Result<Vec<CertRecord>, super::StoreError>| {
        r.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "cannot read the certificates a revocation reached");
            Vec::new()
        })
    };
    match cmd {
        Command::RecordCert { cert }
        | Command::PutAcmeOrder {
            cert: Some(cert), ..
        } => vec![change(CertChangeKind::Issued, cert)],
        Command::IssueNodeCert { cert, join } => {
            let kind = if join.is_some() {
                CertChangeKind::Issued
            } else {
                CertChangeKind::Renewed
            };
            vec![change(kind, cert)]
        }
        Command::RevokeCert { serial, .. } => {
            read(store.cert(serial).map(|c| c.into_iter().collect()))
                .iter()
                .map(|c| change(CertChangeKind::Revoked, c))
                .collect()
        }
        Command::RevokeSuperseded { now, .. } => read(store.certs_revoked_at(*now))
            .iter()
            .map(|c| change(CertChangeKind::Revoked, c))
            .collect(),
        _ => Vec::new(),
    }
}
