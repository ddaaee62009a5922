//! What every authenticated request asks, answered from memory: is this JWT logged out,
//! and which session generation must a user's tokens carry. Loaded when the store opens and
//! updated by `Store::apply` after each commit, so it never differs from the tables.

use std::collections::HashMap;

use rusqlite::Connection;

use super::{Command, StoreError};

#[derive(Debug, Default)]
pub struct Sessions {
    /// Logged-out token ids and when each token would have expired anyway.
    revoked: HashMap<String, i64>,
    generations: HashMap<String, u64>,
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
            _ => {}
        }
    }

    pub fn is_revoked(&self, jti: &str) -> bool {
        self.revoked.contains_key(jti)
    }

    pub fn generation(&self, user: &str) -> u64 {
        self.generations.get(user).copied().unwrap_or(0)
    }
}
