//! The signing desk's join tokens: making one (its secret shown once, kept only as a
//! hash), and the checks an enrolment passes before the call-back: the secret, the
//! token's status, its role (worker or coordinator) and its node scope.

use std::time::Duration;

use p2p_shared::api::{CertKind, CertRequest, JoinTokenCreated};
use p2p_shared::jointoken::{JoinToken, SECRET_HEX, secret_hash};
use p2p_shared::tls::SpkiPin;
use time::OffsetDateTime;

use super::issuer::{IssueError, Issuer};
use crate::pki::ca::CaError;
use crate::secrets::random_hex;
use crate::store::{Command, JoinTokenRecord, OnceKey};
use zeroize::Zeroizing;

pub(super) fn wrong_role(id: &str, coordinator_token: bool) -> String {
    if coordinator_token {
        format!(
            "join token {id} enrols coordinators: start this node with coordinator_mode: true, or use a worker token"
        )
    } else {
        format!(
            "join token {id} enrols workers: a coordinator needs a token made with `p2pctl token create --coordinator`"
        )
    }
}

/// What a new join token allows.
#[derive(Debug, Clone)]
pub struct TokenSpec {
    pub ttl: Duration,
    /// Only a node of this name may join.
    pub node_id: Option<String>,
    pub uses: u32,
    /// It enrols coordinators, not workers.
    pub coordinator: bool,
}

impl Issuer {
    /// Creates a join token; the answer carries the token text, shown this once. With
    /// `once` (a request's idempotency key), its id and secret derive from the key, so a
    /// retry is answered with the same token and makes no second one.
    pub fn create_join_token(
        &self,
        created_by: &str,
        spec: TokenSpec,
        now: OffsetDateTime,
        once: Option<&OnceKey>,
    ) -> Result<JoinTokenCreated, IssueError> {
        let TokenSpec {
            ttl,
            node_id,
            uses,
            coordinator,
        } = spec;
        let pin = SpkiPin::of_cert(self.ca().cert_der()).ok_or_else(|| {
            IssueError::Ca(CaError::BadMaterial("CA certificate does not parse".into()))
        })?;
        let (token_id, secret) = match once {
            Some(k) => {
                let bytes = self.ca().derive("join-token", &k.key);
                (
                    hex::encode(&bytes[..8]),
                    Zeroizing::new(hex::encode(&bytes[8..24])),
                )
            }
            None => (random_hex(8).to_string(), random_hex(16)),
        };
        let created = now.unix_timestamp();
        let record = JoinTokenRecord {
            token_id: token_id.clone(),
            secret_hash: secret_hash(&secret),
            node_id: node_id.clone(),
            uses,
            uses_left: uses,
            created_by: created_by.to_string(),
            created_at: created,
            expires_at: created.saturating_add(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX)),
            revoked_at: None,
            coordinator,
        };
        let cmd = Command::CreateJoinToken {
            token: record.clone(),
        };
        self.writer().write(&match once {
            Some(k) => k.wrap(0, cmd),
            None => cmd,
        })?;
        // A retry answers with what the first attempt stored (its times, its uses left).
        let record = match once {
            Some(_) => self.store().join_token(&token_id)?.unwrap_or(record),
            None => record,
        };
        tracing::info!(%token_id, by = %created_by, node_id = ?node_id, uses, coordinator, "join token created");
        Ok(JoinTokenCreated {
            token: JoinToken::format(&token_id, &secret, &pin).to_string(),
            info: record.to_api(created),
        })
    }

    /// Signs an operator's client certificate.
    /// The join token `req` presents, if its id and secret are right (the same answer for an
    /// unknown id and a wrong secret).
    pub(super) fn check_token(
        &self,
        req: &CertRequest,
        _now: i64,
    ) -> Result<JoinTokenRecord, IssueError> {
        let (Some(id), Some(secret)) = (&req.token_id, &req.token_secret) else {
            return Err(IssueError::TokenRequired);
        };
        if secret.len() != SECRET_HEX {
            return Err(IssueError::BadToken);
        }
        let Some(token) = self.store().join_token(id)? else {
            return Err(IssueError::BadToken);
        };
        if token.secret_hash != secret_hash(secret) {
            return Err(IssueError::BadToken);
        }
        Ok(token)
    }

    /// Whether the token may enrol `req`'s node now; its status is told only to someone
    /// who holds its secret.
    pub(super) fn check_token_status(
        &self,
        token: &JoinTokenRecord,
        req: &CertRequest,
        now: i64,
    ) -> Result<(), IssueError> {
        let id = &token.token_id;
        let status = token.status(now);
        if status != p2p_shared::api::JoinTokenStatus::Active {
            return Err(IssueError::TokenUnusable {
                id: id.clone(),
                status,
            });
        }
        if token.coordinator != req.coordinator {
            return Err(IssueError::WrongRole {
                id: id.clone(),
                coordinator_token: token.coordinator,
            });
        }
        match &token.node_id {
            Some(scoped) if scoped != &req.node_id => Err(IssueError::TokenScoped {
                id: id.clone(),
                node: scoped.clone(),
            }),
            Some(_) => Ok(()),
            None => {
                // Early, for a clear error before the call-back; the store checks again in
                // the step that uses the token.
                if let Some(cert) = self.store().latest_cert(CertKind::Node, &req.node_id)?
                    && cert.revoked_at.is_none()
                    && cert.not_after > now
                {
                    return Err(IssueError::AlreadyEnrolled(req.node_id.clone()));
                }
                Ok(())
            }
        }
    }
}
