//! ACME's replicated state: binding keys, accounts and orders, each kept whole as JSON
//! (see `acme::model`), with the columns lookups need. An order carries a version, and a
//! change made from an older version is refused, so two coordinators deciding the same
//! order at once cannot overwrite each other.

use rusqlite::{Connection, OptionalExtension, params};

use super::acme_records::{Account, EabKey, Order};
use super::{Command, Rejection, Store, StoreError, from_json, to_json};

/// Orders are forgotten this long after they were created (RFC 8555 keeps no history).
pub const ORDER_RETENTION_SECS: i64 = 7 * 86400;

pub fn apply(tx: &Connection, cmd: &Command) -> Result<(), StoreError> {
    match cmd {
        Command::CreateEabKey { key } => {
            tx.execute(
                "INSERT INTO acme_eab (key_id, record) VALUES (?1, ?2)",
                params![key.key_id, to_json(key)?],
            )?;
        }
        Command::CreateAcmeAccount { account, now } => {
            let mut key = load_eab(tx, &account.key_id)?.ok_or_else(|| Rejection::UnknownEab {
                key_id: account.key_id.clone(),
            })?;
            if key.account_id.is_some() || *now >= key.expires_at {
                return Err(Rejection::EabNotUsable {
                    key_id: account.key_id.clone(),
                }
                .into());
            }
            if let Some(id) = account_by_thumbprint(tx, &account.thumbprint)? {
                return Err(Rejection::AccountKeyInUse { account_id: id }.into());
            }
            key.account_id = Some(account.id.clone());
            tx.execute(
                "UPDATE acme_eab SET record = ?2 WHERE key_id = ?1",
                params![key.key_id, to_json(&key)?],
            )?;
            tx.execute(
                "INSERT INTO acme_accounts (id, thumbprint, record) VALUES (?1, ?2, ?3)",
                params![account.id, account.thumbprint, to_json(account)?],
            )?;
        }
        Command::UpdateAcmeAccount { account } => {
            if let Some(other) = account_by_thumbprint(tx, &account.thumbprint)?
                && other != account.id
            {
                return Err(Rejection::AccountKeyInUse { account_id: other }.into());
            }
            let changed = tx.execute(
                "UPDATE acme_accounts SET thumbprint = ?2, record = ?3 WHERE id = ?1",
                params![account.id, account.thumbprint, to_json(account)?],
            )?;
            if changed == 0 {
                return Err(Rejection::UnknownAccount {
                    account_id: account.id.clone(),
                }
                .into());
            }
        }
        Command::PutAcmeOrder { order, cert } => {
            put_order(tx, order)?;
            if let Some(cert) = cert {
                super::pki::apply(tx, &Command::RecordCert { cert: cert.clone() })?;
            }
        }
        Command::PruneAcmeOrders { before } => {
            tx.execute(
                "DELETE FROM acme_orders WHERE created_at < ?1",
                params![before],
            )?;
        }
        _ => return Err(StoreError::Corrupt("not an ACME command".into())),
    }
    Ok(())
}

fn put_order(tx: &Connection, order: &Order) -> Result<(), StoreError> {
    let stored: Option<String> = tx
        .query_row(
            "SELECT record FROM acme_orders WHERE id = ?1",
            params![order.id],
            |r| r.get(0),
        )
        .optional()?;
    let stored_version = match stored {
        Some(json) => Some(from_json::<Order>(&json)?.version),
        None => None,
    };
    if stored_version.map_or(order.version != 1, |v| v + 1 != order.version) {
        return Err(Rejection::StaleOrder {
            order_id: order.id.clone(),
        }
        .into());
    }
    tx.execute(
        "INSERT INTO acme_orders (id, account_id, created_at, record) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(id) DO UPDATE SET record = excluded.record",
        params![
            order.id,
            order.account_id,
            order.created_at,
            to_json(order)?
        ],
    )?;
    Ok(())
}

fn load_eab(tx: &Connection, key_id: &str) -> Result<Option<EabKey>, StoreError> {
    let json: Option<String> = tx
        .query_row(
            "SELECT record FROM acme_eab WHERE key_id = ?1",
            params![key_id],
            |r| r.get(0),
        )
        .optional()?;
    json.map(|j| from_json(&j)).transpose()
}

fn account_by_thumbprint(tx: &Connection, thumbprint: &str) -> Result<Option<String>, StoreError> {
    Ok(tx
        .query_row(
            "SELECT id FROM acme_accounts WHERE thumbprint = ?1",
            params![thumbprint],
            |r| r.get(0),
        )
        .optional()?)
}

fn one<T: serde::de::DeserializeOwned>(
    c: &Connection,
    sql: &str,
    key: &str,
) -> Result<Option<T>, StoreError> {
    let json: Option<String> = c.query_row(sql, params![key], |r| r.get(0)).optional()?;
    json.map(|j| from_json(&j)).transpose()
}

fn all<T: serde::de::DeserializeOwned>(c: &Connection, sql: &str) -> Result<Vec<T>, StoreError> {
    let mut stmt = c.prepare(sql)?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.map(|r| from_json(&r?)).collect()
}

impl Store {
    pub fn acme_eab_key(&self, key_id: &str) -> Result<Option<EabKey>, StoreError> {
        self.read(|c| load_eab(c, key_id))
    }

    pub fn acme_eab_keys(&self) -> Result<Vec<EabKey>, StoreError> {
        self.read(|c| all(c, "SELECT record FROM acme_eab ORDER BY rowid"))
    }

    pub fn acme_account(&self, id: &str) -> Result<Option<Account>, StoreError> {
        self.read(|c| one(c, "SELECT record FROM acme_accounts WHERE id = ?1", id))
    }

    pub fn acme_account_by_thumbprint(&self, tp: &str) -> Result<Option<Account>, StoreError> {
        self.read(|c| {
            one(
                c,
                "SELECT record FROM acme_accounts WHERE thumbprint = ?1",
                tp,
            )
        })
    }

    pub fn acme_accounts(&self) -> Result<Vec<Account>, StoreError> {
        self.read(|c| all(c, "SELECT record FROM acme_accounts ORDER BY rowid"))
    }

    pub fn acme_order(&self, id: &str) -> Result<Option<Order>, StoreError> {
        self.read(|c| one(c, "SELECT record FROM acme_orders WHERE id = ?1", id))
    }

    /// An account's orders, oldest first (at most `limit`).
    pub fn acme_orders_of(&self, account_id: &str, limit: usize) -> Result<Vec<Order>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT record FROM acme_orders WHERE account_id = ?1 ORDER BY rowid LIMIT ?2",
            )?;
            let rows =
                stmt.query_map(params![account_id, limit as i64], |r| r.get::<_, String>(0))?;
            rows.map(|r| from_json(&r?)).collect()
        })
    }
}
