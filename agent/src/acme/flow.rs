//! ACME's decisions applied to the replicated store: creating and changing accounts,
//! orders, challenge results, finalization and revocation. Blocking (a write waits for the
//! log); the routes run it on the blocking pool.

use std::time::Duration;

use p2p_shared::api::CertKind;

use super::jws::PublicJwk;
use super::model::{Account, AccountStatus, Authz, Identifier, Order, Status};
use super::problem::{Kind, Problem};
use super::{MAX_IDENTIFIERS, ORDER_LIFETIME, csr, eab_secret, jws};
use crate::pki::ca::{ClusterCa, WorkloadCertRequest};
use crate::store::{CertRecord, Command, Rejection, Store, StoreError, Writer};

pub struct Flow<'a> {
    pub store: &'a Store,
    pub writer: &'a dyn Writer,
    pub ca: &'a ClusterCa,
}

/// A store failure as the client sees it.
pub fn store_problem(e: StoreError) -> Problem {
    match e {
        StoreError::NoQuorum(why) => Problem {
            retry_after: Some(1),
            ..Problem::new(Kind::ServerInternal, format!("try again: {why}"))
        },
        StoreError::Rejected(r) => Problem::unauthorized(r.to_string()),
        other => Problem::internal(other),
    }
}

fn random_id() -> String {
    crate::secrets::random_hex(16).to_string()
}

/// What a `newAccount` request came to.
pub enum AccountOutcome {
    Created(Account),
    Existing(Account),
}

impl Flow<'_> {
    fn write(&self, cmd: Command) -> Result<(), StoreError> {
        self.writer.write(&cmd)
    }

    pub fn account(&self, id: &str) -> Result<Account, Problem> {
        self.store
            .acme_account(id)
            .map_err(store_problem)?
            .ok_or_else(|| Problem::new(Kind::AccountDoesNotExist, format!("no account {id}")))
    }

    /// `newAccount` (RFC 8555 7.3): an existing account of this key is answered as is;
    /// otherwise a valid external account binding is required.
    pub fn new_account(
        &self,
        key: PublicJwk,
        payload: &serde_json::Value,
        url: &str,
        now: i64,
    ) -> Result<AccountOutcome, Problem> {
        let thumbprint = key.thumbprint();
        if let Some(existing) = self
            .store
            .acme_account_by_thumbprint(&thumbprint)
            .map_err(store_problem)?
        {
            if existing.status != AccountStatus::Valid {
                return Err(Problem::unauthorized("this account is deactivated"));
            }
            return Ok(AccountOutcome::Existing(existing));
        }
        if payload.get("onlyReturnExisting").and_then(|v| v.as_bool()) == Some(true) {
            return Err(Problem::new(
                Kind::AccountDoesNotExist,
                "no account has this key",
            ));
        }
        let Some(binding) = payload.get("externalAccountBinding") else {
            return Err(Problem::new(
                Kind::ExternalAccountRequired,
                "this server requires an external account binding: ask an admin for `p2pctl acme eab create`",
            ));
        };
        let (eab_jws, eab_header, key_id) = jws::binding_kid(binding)?;
        let eab = self
            .store
            .acme_eab_key(&key_id)
            .map_err(store_problem)?
            .ok_or_else(|| Problem::unauthorized(format!("unknown binding key id {key_id}")))?;
        jws::verify_binding(
            &eab_jws,
            &eab_header,
            &*eab_secret(self.ca, &key_id),
            url,
            &key,
        )
        .map_err(|e| Problem::unauthorized(format!("the external account binding: {e}")))?;
        if eab.account_id.is_some() || now >= eab.expires_at {
            return Err(Problem::unauthorized(format!(
                "binding key {key_id} has expired or is already bound"
            )));
        }
        let account = Account {
            id: random_id(),
            key: serde_json::to_value(&key).map_err(Problem::internal)?,
            thumbprint,
            status: AccountStatus::Valid,
            key_id,
            names: eab.names.clone(),
            max_validity_secs: eab.max_validity_secs,
            contact: contacts(payload)?,
            created_at: now,
        };
        match self.write(Command::CreateAcmeAccount {
            account: account.clone(),
            now,
        }) {
            Ok(()) => Ok(AccountOutcome::Created(account)),
            // Created by a retry of this request a moment ago.
            Err(StoreError::Rejected(Rejection::AccountKeyInUse { account_id })) => {
                Ok(AccountOutcome::Existing(self.account(&account_id)?))
            }
            Err(e) => Err(store_problem(e)),
        }
    }

    pub fn update_account(&self, account: Account) -> Result<Account, Problem> {
        self.write(Command::UpdateAcmeAccount {
            account: account.clone(),
        })
        .map_err(store_problem)?;
        Ok(account)
    }

    /// `newOrder`: every identifier must be allowed by the account's patterns.
    pub fn new_order(
        &self,
        account: &Account,
        payload: &serde_json::Value,
        now: i64,
    ) -> Result<Order, Problem> {
        let requested = payload
            .get("identifiers")
            .and_then(|v| v.as_array())
            .filter(|a| !a.is_empty())
            .ok_or_else(|| Problem::malformed("an order needs a non-empty `identifiers` list"))?;
        if requested.len() > MAX_IDENTIFIERS {
            return Err(Problem::new(
                Kind::RejectedIdentifier,
                format!("at most {MAX_IDENTIFIERS} identifiers per order"),
            ));
        }
        let patterns = super::model::Patterns::parse(&account.names).map_err(Problem::internal)?;
        let mut identifiers: Vec<Identifier> = Vec::new();
        for raw in requested {
            let kind = raw.get("type").and_then(|t| t.as_str()).unwrap_or("");
            if kind != "dns" && kind != "ip" {
                return Err(Problem::new(
                    Kind::UnsupportedIdentifier,
                    format!("identifier type `{kind}` is not supported (dns, ip)"),
                ));
            }
            let id: Identifier = serde_json::from_value(raw.clone())
                .map_err(|e| Problem::malformed(format!("bad identifier: {e}")))?;
            let id = id
                .normalised()
                .map_err(|e| Problem::new(Kind::RejectedIdentifier, e))?;
            if !patterns.allows(&id) {
                return Err(Problem::new(
                    Kind::RejectedIdentifier,
                    format!(
                        "`{}` is outside what this account may get ({})",
                        id.value,
                        account.names.join(", ")
                    ),
                ));
            }
            if !identifiers.contains(&id) {
                identifiers.push(id);
            }
        }
        if payload.get("notBefore").is_some_and(|v| !v.is_null()) {
            return Err(Problem::malformed(
                "notBefore is not supported: certificates start when issued",
            ));
        }
        let max = account.max_validity_secs;
        let validity_secs = match payload.get("notAfter").and_then(|v| v.as_str()) {
            None => max,
            Some(text) => {
                let at = time::OffsetDateTime::parse(
                    text,
                    &time::format_description::well_known::Rfc3339,
                )
                .map_err(|_| Problem::malformed("notAfter is not an RFC 3339 time"))?;
                let secs = at.unix_timestamp() - now;
                if secs <= 0 || secs as u64 > max {
                    return Err(Problem::malformed(format!(
                        "notAfter must be in the next {} days",
                        max / 86400
                    )));
                }
                secs as u64
            }
        };
        let authorizations = identifiers
            .iter()
            .map(|id| Authz {
                identifier: id.clone(),
                status: Status::Pending,
                token: random_token(),
                challenge: Status::Pending,
                validated_at: None,
                error: None,
            })
            .collect();
        let order = Order {
            id: random_id(),
            account_id: account.id.clone(),
            version: 1,
            identifiers,
            authorizations,
            created_at: now,
            expires_at: now + ORDER_LIFETIME.as_secs() as i64,
            validity_secs,
            cert_serial: None,
            error: None,
        };
        self.put(order.clone(), None)?;
        // About one order in 64 (its random id decides) also forgets the orders past their
        // retention, so a busy coordinator keeps a bounded table between restarts.
        if order.id.starts_with('0') && order.id.as_bytes().get(1).is_some_and(|b| *b < b'4') {
            let before = now - crate::store::ORDER_RETENTION_SECS;
            if let Err(e) = self.write(Command::PruneAcmeOrders { before }) {
                tracing::warn!(error = %e, "cannot prune old ACME orders");
            }
        }
        Ok(order)
    }

    pub fn order_of(&self, account: &Account, id: &str) -> Result<Order, Problem> {
        match self.store.acme_order(id).map_err(store_problem)? {
            Some(order) if order.account_id == account.id => Ok(order),
            Some(_) => Err(Problem::unauthorized(
                "this order belongs to another account",
            )),
            None => Err(Problem::not_found("order")),
        }
    }

    fn put(&self, order: Order, cert: Option<CertRecord>) -> Result<(), Problem> {
        self.write(Command::PutAcmeOrder { order, cert })
            .map_err(store_problem)
    }

    /// Records a challenge's result; if the order moved meanwhile, answers it as it is.
    pub fn record_challenge(
        &self,
        order: &Order,
        n: usize,
        result: Result<(), Problem>,
        now: i64,
    ) -> Result<Order, Problem> {
        let next = order
            .with_challenge_result(n, now, result.map_err(|p| p.recorded()))
            .ok_or_else(|| Problem::not_found("challenge"))?;
        match self.write(Command::PutAcmeOrder {
            order: next.clone(),
            cert: None,
        }) {
            Ok(()) => Ok(next),
            Err(StoreError::Rejected(Rejection::StaleOrder { .. })) => self
                .store
                .acme_order(&order.id)
                .map_err(store_problem)?
                .ok_or_else(|| Problem::not_found("order")),
            Err(e) => Err(store_problem(e)),
        }
    }

    /// `finalize`: a ready order and a CSR naming exactly its identifiers.
    pub fn finalize(
        &self,
        order: &Order,
        csr_der: &[u8],
        crl_url: Option<String>,
        now: time::OffsetDateTime,
    ) -> Result<Order, Problem> {
        let status = order.status(now.unix_timestamp());
        if status != Status::Ready {
            return Err(Problem::new(
                Kind::OrderNotReady,
                format!("the order is {status:?}, not ready").to_lowercase(),
            ));
        }
        let checked =
            csr::check(csr_der, &order.identifiers).map_err(|e| Problem::new(Kind::BadCsr, e))?;
        let (mut dns_names, mut ips) = (Vec::new(), Vec::new());
        for id in &order.identifiers {
            match id.kind {
                super::model::IdentifierKind::Dns => dns_names.push(id.value.clone()),
                super::model::IdentifierKind::Ip => {
                    ips.push(id.value.parse().map_err(Problem::internal)?)
                }
            }
        }
        let req = WorkloadCertRequest {
            account_id: order.account_id.clone(),
            dns_names,
            ips,
            validity: Duration::from_secs(order.validity_secs),
            crl_url,
        };
        let issued = self
            .ca
            .issue_workload_cert(&req, &checked.public_key, now)
            .map_err(Problem::internal)?;
        let mut record =
            crate::pki::issuer::record_of(&issued.cert_der, CertKind::Workload, &order.account_id)
                .map_err(Problem::internal)?;
        record.pem = Some(issued.cert_pem.clone());
        let mut next = order.clone();
        next.version += 1;
        next.cert_serial = Some(issued.serial_hex.clone());
        self.put(next.clone(), Some(record))?;
        tracing::info!(account = %order.account_id, serial = %issued.serial_hex,
            names = ?order.identifiers.iter().map(|i| &i.value).collect::<Vec<_>>(),
            "issued a workload certificate through ACME");
        Ok(next)
    }
}

impl Flow<'_> {
    /// `revokeCert`: a workload certificate this CA issued, asked by the account that
    /// ordered it or signed with the certificate's own key.
    pub fn revoke(
        &self,
        account: Option<&Account>,
        key: Option<&PublicJwk>,
        cert_der: &[u8],
        reason: Option<i64>,
        now: i64,
    ) -> Result<(), Problem> {
        use x509_parser::prelude::FromDer;
        if let Some(r) = reason
            && !((0..=10).contains(&r) && r != 7)
        {
            return Err(Problem::new(
                Kind::BadRevocationReason,
                format!("{r} is not an RFC 5280 reason code"),
            ));
        }
        let (_, cert) = x509_parser::certificate::X509Certificate::from_der(cert_der)
            .map_err(|_| Problem::malformed("`certificate` is not a DER certificate"))?;
        let serial = hex::encode(cert.raw_serial());
        let record = self
            .store
            .cert(&serial)
            .map_err(store_problem)?
            .filter(|r| {
                r.pem
                    .as_deref()
                    .and_then(crate::pki::ca::pem_to_der)
                    .is_some_and(|d| d.as_ref() == cert_der)
            })
            .ok_or_else(|| Problem::unauthorized("this CA did not issue that certificate"))?;
        if record.kind != CertKind::Workload {
            return Err(Problem::unauthorized(
                "only workload certificates are revoked through ACME",
            ));
        }
        let by_account = account.is_some_and(|a| a.id == record.subject);
        let by_key = key.is_some_and(|k| k.matches_spki(cert.public_key()));
        if !by_account && !by_key {
            return Err(Problem::unauthorized(
                "neither the ordering account nor the certificate's key signed this request",
            ));
        }
        if record.revoked_at.is_some() {
            return Err(Problem::new(Kind::AlreadyRevoked, "already revoked"));
        }
        self.write(Command::RevokeCert {
            serial: serial.clone(),
            now,
        })
        .map_err(store_problem)?;
        tracing::info!(%serial, account = %record.subject, "revoked a workload certificate through ACME");
        Ok(())
    }
}

/// 32 random bytes, base64url: an `http-01` token.
fn random_token() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

/// An account's `contact`: at most four `mailto:` URLs.
pub fn contacts(payload: &serde_json::Value) -> Result<Vec<String>, Problem> {
    let Some(list) = payload.get("contact") else {
        return Ok(Vec::new());
    };
    let list = list
        .as_array()
        .ok_or_else(|| Problem::malformed("contact must be a list"))?;
    if list.len() > 4 {
        return Err(Problem::malformed("at most 4 contacts"));
    }
    list.iter()
        .map(|c| {
            c.as_str()
                .filter(|s| s.starts_with("mailto:") && s.len() <= 256 && !s.contains(','))
                .map(str::to_string)
                .ok_or_else(|| Problem::malformed("a contact must be one mailto: address"))
        })
        .collect()
}
