//! The CA's records in the store: join tokens (secret only as a hash) and every certificate
//! signed, with revocations. Writes come only through [`super::Store::apply`].

use p2p_shared::Role;
use p2p_shared::api::{CertKind, CertStatus, CertSummary, JoinTokenInfo, JoinTokenStatus};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{Command, Rejection, Store, StoreError, from_json, to_json, ts};

/// A join token used by an [`Command::IssueNodeCert`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JoinUse {
    pub token_id: String,
    /// The token names this node, so it may replace a certificate the node holds.
    pub scoped: bool,
    pub now: i64,
}

/// A join token as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JoinTokenRecord {
    pub token_id: String,
    /// SHA-256 (hex) of the secret.
    pub secret_hash: String,
    pub node_id: Option<String>,
    pub uses: u32,
    pub uses_left: u32,
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    /// It enrols coordinators.
    #[serde(default)]
    pub coordinator: bool,
}

impl JoinTokenRecord {
    pub fn status(&self, now: i64) -> JoinTokenStatus {
        if self.revoked_at.is_some() {
            JoinTokenStatus::Revoked
        } else if self.uses_left == 0 {
            JoinTokenStatus::UsedUp
        } else if now >= self.expires_at {
            JoinTokenStatus::Expired
        } else {
            JoinTokenStatus::Active
        }
    }

    pub fn to_api(&self, now: i64) -> JoinTokenInfo {
        JoinTokenInfo {
            token_id: self.token_id.clone(),
            node_id: self.node_id.clone(),
            coordinator: self.coordinator,
            uses: self.uses,
            uses_left: self.uses_left,
            status: self.status(now),
            created_by: self.created_by.clone(),
            created_at: ts(self.created_at),
            expires_at: ts(self.expires_at),
        }
    }
}

/// A certificate the CA signed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CertRecord {
    pub serial: String,
    pub kind: CertKind,
    /// Node id or operator name.
    pub subject: String,
    pub role: Option<Role>,
    pub ip_addresses: Vec<String>,
    pub dns_names: Vec<String>,
    pub not_before: i64,
    pub not_after: i64,
    /// Filled from the `revoked_at` column on reads; never part of a `RecordCert`.
    #[serde(default, skip_serializing)]
    pub revoked_at: Option<i64>,
    /// SHA-256 (hex) of the certificate's public key: a retried request for the same key
    /// gets this certificate again instead of a second one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spki: Option<String>,
    /// The join token it was issued for (enrolments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_id: Option<String>,
    /// The certificate itself, PEM (certificates are public), to answer such a retry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pem: Option<String>,
}

impl CertRecord {
    /// `current`: whether this is its subject's newest certificate.
    pub fn to_api(&self, now: i64, current: bool) -> CertSummary {
        let status = if self.revoked_at.is_some() {
            CertStatus::Revoked
        } else if now >= self.not_after {
            CertStatus::Expired
        } else if !current && self.kind != CertKind::Workload {
            // An ACME account's certificates are for many names: none supersedes another.
            CertStatus::Superseded
        } else {
            CertStatus::Valid
        };
        CertSummary {
            serial: self.serial.clone(),
            kind: self.kind,
            subject: self.subject.clone(),
            role: self.role,
            ip_addresses: self.ip_addresses.clone(),
            dns_names: self.dns_names.clone(),
            not_before: ts(self.not_before),
            not_after: ts(self.not_after),
            days_left: (self.not_after - now).div_euclid(86400),
            status,
            revoked_at: self.revoked_at.map(ts),
        }
    }
}

fn kind_str(kind: CertKind) -> &'static str {
    match kind {
        CertKind::Node => "node",
        CertKind::Operator => "operator",
        CertKind::Workload => "workload",
    }
}

fn load_token(tx: &Connection, token_id: &str) -> Result<JoinTokenRecord, StoreError> {
    let json: Option<String> = tx
        .query_row(
            "SELECT record FROM join_tokens WHERE token_id = ?1",
            params![token_id],
            |r| r.get(0),
        )
        .optional()?;
    match json {
        Some(j) => from_json(&j),
        None => Err(Rejection::UnknownToken {
            token_id: token_id.to_string(),
        }
        .into()),
    }
}

fn save_token(tx: &Connection, token: &JoinTokenRecord) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO join_tokens (token_id, record) VALUES (?1, ?2)
         ON CONFLICT(token_id) DO UPDATE SET record = excluded.record",
        params![token.token_id, to_json(token)?],
    )?;
    Ok(())
}

pub(super) fn apply(tx: &Connection, cmd: &Command) -> Result<(), StoreError> {
    match cmd {
        Command::CreateJoinToken { token } => save_token(tx, token),
        Command::ConsumeJoinToken { token_id, now } => {
            let mut token = load_token(tx, token_id)?;
            match token.status(*now) {
                JoinTokenStatus::Active => {
                    token.uses_left -= 1;
                    save_token(tx, &token)
                }
                status => Err(Rejection::TokenNotActive {
                    token_id: token_id.clone(),
                    status,
                }
                .into()),
            }
        }
        Command::RevokeJoinToken { token_id, now } => {
            let mut token = load_token(tx, token_id)?;
            if token.revoked_at.is_none() {
                token.revoked_at = Some(*now);
                save_token(tx, &token)?;
            }
            Ok(())
        }
        Command::RecordCert { cert } => record_cert(tx, cert),
        Command::IssueNodeCert { cert, join } => {
            if let Some(join) = join {
                let mut token = load_token(tx, &join.token_id)?;
                let status = token.status(join.now);
                if status != JoinTokenStatus::Active {
                    return Err(Rejection::TokenNotActive {
                        token_id: join.token_id.clone(),
                        status,
                    }
                    .into());
                }
                // Checked here, in the same transaction as the token's use, so two racing
                // joins under one name cannot both pass.
                if !join.scoped && holds_valid_cert(tx, &cert.subject, join.now)? {
                    return Err(Rejection::AlreadyEnrolled {
                        node_id: cert.subject.clone(),
                    }
                    .into());
                }
                token.uses_left -= 1;
                save_token(tx, &token)?;
            }
            record_cert(tx, cert)
        }
        Command::RevokeSuperseded { now, issued_before } => {
            let changed = tx.execute(
                "UPDATE certs SET revoked_at = ?1
                 WHERE kind = 'node' AND revoked_at IS NULL AND not_after > ?1
                   AND EXISTS (SELECT 1 FROM certs newer
                               WHERE newer.kind = certs.kind AND newer.subject = certs.subject
                                 AND newer.rowid > certs.rowid
                                 AND newer.not_before <= ?2)",
                params![now, issued_before],
            )?;
            if changed > 0 {
                bump_revocation_version(tx)?;
            }
            Ok(())
        }
        Command::RevokeCert { serial, now } => {
            let changed = tx.execute(
                "UPDATE certs SET revoked_at = ?2 WHERE serial = ?1 AND revoked_at IS NULL",
                params![serial, now],
            )?;
            if changed == 0 {
                let known: Option<i64> = tx
                    .query_row(
                        "SELECT 1 FROM certs WHERE serial = ?1",
                        params![serial],
                        |r| r.get(0),
                    )
                    .optional()?;
                if known.is_none() {
                    return Err(Rejection::UnknownCertificate {
                        serial: serial.clone(),
                    }
                    .into());
                }
                return Ok(());
            }
            bump_revocation_version(tx)
        }
        _ => Err(StoreError::Corrupt("not a PKI command".into())),
    }
}

fn bump_revocation_version(tx: &Connection) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('revocation_version', '1')
         ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
        [],
    )?;
    Ok(())
}

fn record_cert(tx: &Connection, cert: &CertRecord) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO certs (serial, kind, subject, not_before, not_after, record, spki)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(serial) DO NOTHING",
        params![
            cert.serial,
            kind_str(cert.kind),
            cert.subject,
            cert.not_before,
            cert.not_after,
            to_json(cert)?,
            cert.spki
        ],
    )?;
    Ok(())
}

/// Whether `node` holds a node certificate that is neither revoked nor expired at `now`.
fn holds_valid_cert(tx: &Connection, node: &str, now: i64) -> Result<bool, StoreError> {
    let found: Option<i64> = tx
        .query_row(
            "SELECT 1 FROM certs WHERE kind = 'node' AND subject = ?1
             AND revoked_at IS NULL AND not_after > ?2 LIMIT 1",
            params![node, now],
            |r| r.get(0),
        )
        .optional()?;
    Ok(found.is_some())
}

fn cert_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, Option<i64>)> {
    Ok((r.get(0)?, r.get(1)?))
}

fn decode_cert((json, revoked_at): (String, Option<i64>)) -> Result<CertRecord, StoreError> {
    let mut c: CertRecord = from_json(&json)?;
    c.revoked_at = revoked_at;
    Ok(c)
}

impl Store {
    pub fn join_token(&self, token_id: &str) -> Result<Option<JoinTokenRecord>, StoreError> {
        self.read(|c| {
            let json: Option<String> = c
                .query_row(
                    "SELECT record FROM join_tokens WHERE token_id = ?1",
                    params![token_id],
                    |r| r.get(0),
                )
                .optional()?;
            json.map(|j| from_json(&j)).transpose()
        })
    }

    pub fn join_tokens(&self) -> Result<Vec<JoinTokenRecord>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare("SELECT record FROM join_tokens")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            let mut out = rows
                .map(|r| from_json::<JoinTokenRecord>(&r?))
                .collect::<Result<Vec<_>, _>>()?;
            out.sort_by_key(|t| std::cmp::Reverse(t.created_at));
            Ok(out)
        })
    }

    pub fn cert(&self, serial: &str) -> Result<Option<CertRecord>, StoreError> {
        self.read(|c| {
            c.query_row(
                "SELECT record, revoked_at FROM certs WHERE serial = ?1",
                params![serial],
                cert_from_row,
            )
            .optional()?
            .map(decode_cert)
            .transpose()
        })
    }

    /// The newest certificate issued for a public key (SHA-256 hex of its SPKI).
    pub fn cert_by_key(&self, spki: &str) -> Result<Option<CertRecord>, StoreError> {
        self.read(|c| {
            c.query_row(
                "SELECT record, revoked_at FROM certs WHERE spki = ?1
                 ORDER BY not_before DESC, rowid DESC LIMIT 1",
                params![spki],
                cert_from_row,
            )
            .optional()?
            .map(decode_cert)
            .transpose()
        })
    }

    /// The newest certificate of a subject.
    pub fn latest_cert(
        &self,
        kind: CertKind,
        subject: &str,
    ) -> Result<Option<CertRecord>, StoreError> {
        self.read(|c| {
            c.query_row(
                "SELECT record, revoked_at FROM certs WHERE kind = ?1 AND subject = ?2
                 ORDER BY not_before DESC, rowid DESC LIMIT 1",
                params![kind_str(kind), subject],
                cert_from_row,
            )
            .optional()?
            .map(decode_cert)
            .transpose()
        })
    }

    /// Every certificate, newest first, each with whether it is its subject's newest.
    /// (Kept in memory until a certificate command is applied.)
    pub fn certs(&self) -> Result<std::sync::Arc<Vec<(CertRecord, bool)>>, StoreError> {
        self.reads.certs(|| self.load_certs())
    }

    fn load_certs(&self) -> Result<Vec<(CertRecord, bool)>, StoreError> {
        let rows = self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT record, revoked_at FROM certs ORDER BY kind, subject, not_before DESC, rowid DESC",
            )?;
            let rows = stmt.query_map([], cert_from_row)?;
            rows.map(|r| decode_cert(r?)).collect::<Result<Vec<_>, _>>()
        })?;
        let mut out = Vec::with_capacity(rows.len());
        let mut last: Option<(CertKind, String)> = None;
        for cert in rows {
            let key = (cert.kind, cert.subject.clone());
            let current = last.as_ref() != Some(&key);
            last = Some(key);
            out.push((cert, current));
        }
        Ok(out)
    }

    /// Certificates whose revocation is dated `at` (what one `RevokeSuperseded` revoked).
    pub fn certs_revoked_at(&self, at: i64) -> Result<Vec<CertRecord>, StoreError> {
        self.read(|c| {
            let mut stmt =
                c.prepare("SELECT record, revoked_at FROM certs WHERE revoked_at = ?1 LIMIT 1000")?;
            let rows = stmt.query_map(params![at], cert_from_row)?;
            rows.map(|r| decode_cert(r?)).collect::<Result<Vec<_>, _>>()
        })
    }

    /// Serials of revoked certificates that have not expired yet at `now`.
    pub fn revoked_serials(&self, now: i64) -> Result<Vec<String>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT serial FROM certs WHERE revoked_at IS NOT NULL AND not_after > ?1
                 ORDER BY serial",
            )?;
            let rows = stmt.query_map(params![now], |r| r.get::<_, String>(0))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// The serials most recently revoked that have not expired, newest first.
    pub fn recent_revocations(&self, now: i64, limit: usize) -> Result<Vec<String>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT serial FROM certs WHERE revoked_at IS NOT NULL AND not_after > ?1
                 ORDER BY revoked_at DESC, serial LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![now, limit as i64], |r| r.get::<_, String>(0))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// Grows with every revocation.
    pub fn revocation_version(&self) -> Result<u64, StoreError> {
        self.read(|c| {
            let v: Option<String> = c
                .query_row(
                    "SELECT value FROM meta WHERE key = 'revocation_version'",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            Ok(v.and_then(|s| s.parse().ok()).unwrap_or(0))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(id: &str, uses: u32, expires_at: i64) -> JoinTokenRecord {
        JoinTokenRecord {
            token_id: id.into(),
            secret_hash: "h".into(),
            node_id: None,
            uses,
            uses_left: uses,
            created_by: "admin".into(),
            created_at: 0,
            expires_at,
            revoked_at: None,
            coordinator: false,
        }
    }

    fn cert(serial: &str, subject: &str, not_before: i64) -> CertRecord {
        CertRecord {
            serial: serial.into(),
            kind: CertKind::Node,
            subject: subject.into(),
            role: None,
            ip_addresses: vec!["127.0.0.2".into()],
            dns_names: vec![],
            not_before,
            not_after: not_before + 1000,
            revoked_at: None,
            spki: None,
            token_id: None,
            pem: None,
        }
    }

    fn consume(s: &Store, id: &str, now: i64) -> Result<(), StoreError> {
        s.apply(&Command::ConsumeJoinToken {
            token_id: id.into(),
            now,
        })
    }

    #[test]
    fn tokens_are_used_up_expire_and_revoke() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let s = Store::open(&path).unwrap();
        s.apply(&Command::CreateJoinToken {
            token: token("a", 2, 100),
        })
        .unwrap();
        s.apply(&Command::CreateJoinToken {
            token: token("b", 5, 100),
        })
        .unwrap();
        consume(&s, "a", 10).unwrap();
        consume(&s, "a", 10).unwrap();
        assert!(matches!(consume(&s, "a", 10), Err(StoreError::Rejected(_))));
        assert!(matches!(
            consume(&s, "b", 100),
            Err(StoreError::Rejected(_))
        ));
        assert!(matches!(consume(&s, "zz", 1), Err(StoreError::Rejected(_))));
        s.apply(&Command::RevokeJoinToken {
            token_id: "b".into(),
            now: 20,
        })
        .unwrap();
        drop(s);
        let s = Store::open(&path).unwrap();
        assert!(matches!(consume(&s, "b", 30), Err(StoreError::Rejected(_))));
        let a = s.join_token("a").unwrap().unwrap();
        assert_eq!(a.status(10), JoinTokenStatus::UsedUp);
        assert_eq!(
            s.join_token("b").unwrap().unwrap().status(30),
            JoinTokenStatus::Revoked
        );
    }

    #[test]
    fn revocations_persist_and_bump_the_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let s = Store::open(&path).unwrap();
        for c in [
            cert("01", "w1", 0),
            cert("02", "w1", 10),
            cert("03", "w2", 0),
        ] {
            s.apply(&Command::RecordCert { cert: c }).unwrap();
        }
        assert_eq!(s.revocation_version().unwrap(), 0);
        s.apply(&Command::RevokeCert {
            serial: "02".into(),
            now: 50,
        })
        .unwrap();
        // Revoking twice is harmless and does not bump the version again.
        s.apply(&Command::RevokeCert {
            serial: "02".into(),
            now: 60,
        })
        .unwrap();
        assert!(matches!(
            s.apply(&Command::RevokeCert {
                serial: "99".into(),
                now: 60
            }),
            Err(StoreError::Rejected(_))
        ));
        drop(s);
        let s = Store::open(&path).unwrap();
        assert_eq!(s.revocation_version().unwrap(), 1);
        assert_eq!(s.revoked_serials(100).unwrap(), vec!["02".to_string()]);
        // Once it has expired anyway, a revoked certificate leaves the list.
        assert!(s.revoked_serials(2000).unwrap().is_empty());
        assert_eq!(s.cert("02").unwrap().unwrap().revoked_at, Some(50));
        assert_eq!(
            s.latest_cert(CertKind::Node, "w1").unwrap().unwrap().serial,
            "02"
        );
        let all = s.certs().unwrap();
        let current: Vec<_> = all
            .iter()
            .filter(|(_, cur)| *cur)
            .map(|(c, _)| c.serial.as_str())
            .collect();
        assert_eq!(current, vec!["02", "03"]);
        let api = all[1].0.to_api(100, all[1].1);
        assert_eq!(api.status, CertStatus::Superseded);
    }

    #[test]
    fn one_name_one_enrolment_even_for_racing_tokens() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("s.db")).unwrap();
        for id in ["a", "b"] {
            s.apply(&Command::CreateJoinToken {
                token: token(id, 1, 100),
            })
            .unwrap();
        }
        let issue = |token_id: &str, serial: &str| {
            s.apply(&Command::IssueNodeCert {
                cert: cert(serial, "w1", 10),
                join: Some(JoinUse {
                    token_id: token_id.into(),
                    scoped: false,
                    now: 20,
                }),
            })
        };
        issue("a", "01").unwrap();
        // Both joins passed their checks before either was recorded; the store decides.
        assert!(matches!(
            issue("b", "02"),
            Err(StoreError::Rejected(Rejection::AlreadyEnrolled { .. }))
        ));
        // The losing token was not spent, and no second certificate exists.
        assert_eq!(s.join_token("b").unwrap().unwrap().uses_left, 1);
        assert!(s.cert("02").unwrap().is_none());
        // A used-up token is refused in the same step.
        assert!(matches!(
            issue("a", "03"),
            Err(StoreError::Rejected(Rejection::TokenNotActive { .. }))
        ));
    }
}
