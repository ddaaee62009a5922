//! What every authenticated request asks, answered from memory: is this JWT logged out,
//! which session generation must a user's tokens carry, and which key signed a token (by its
//! `kid`). Loaded when the store opens and
//! updated by `Store::apply` after each commit, so it never differs from the tables.

use std::collections::HashMap;

use rusqlite::Connection;

use super::{Command, StoreError};

#[derive(Debug, Default)]
pub struct Sessions {
    /// Logged-out token ids and when each token would have expired anyway.
    revoked: HashMap<String, i64>,
    generations: HashMap<String, u64>,
    /// Coordinators' token keys by kid (raw Ed25519 public keys).
    jwt_keys: HashMap<String, Vec<u8>>,
}

impl Sessions {
    pub fn load(conn: &Connection) -> Result<Sessions, StoreError> {
        let mut s = Sessions::default();
        let mut stmt = conn.prepare("SELECT jti, expires_at FROM revoked_tokens")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (jti, exp) = row?;
            s.revoked.insert(jti, exp);
        }
        let mut stmt = conn.prepare("SELECT user, generation FROM user_sessions")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (user, g) = row?;
            s.generations.insert(user, g.max(0) as u64);
        }
        let mut stmt = conn.prepare("SELECT kid, public_key FROM jwt_keys")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (kid, key) = row?;
            if let Ok(raw) = hex::decode(&key) {
                s.jwt_keys.insert(kid, raw);
            }
        }
        Ok(s)
    }

    /// Mirrors a committed command.
    pub fn applied(&mut self, cmd: &Command) {
        match cmd {
            Command::RevokeToken { jti, expires_at } => {
                let e = self.revoked.entry(jti.clone()).or_insert(*expires_at);
                *e = (*e).max(*expires_at);
            }
            Command::PruneRevokedTokens { now } => self.revoked.retain(|_, exp| *exp >= *now),
            Command::RevokeUserSessions { user }
            | Command::SetUserPassword { name: user, .. }
            | Command::RemoveUser { name: user } => {
                *self.generations.entry(user.clone()).or_insert(0) += 1;
            }
            Command::AddJwtKey {
                kid, public_key, ..
            } => {
                if let Ok(raw) = hex::decode(public_key) {
                    self.jwt_keys.entry(kid.clone()).or_insert(raw);
                }
            }
            _ => {}
        }
    }

    pub fn jwt_key(&self, kid: &str) -> Option<Vec<u8>> {
        self.jwt_keys.get(kid).cloned()
    }

    pub fn is_revoked(&self, jti: &str) -> bool {
        self.revoked.contains_key(jti)
    }

    pub fn generation(&self, user: &str) -> u64 {
        self.generations.get(user).copied().unwrap_or(0)
    }
}
