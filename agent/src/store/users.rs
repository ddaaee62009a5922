//! Operator accounts in the store, so that every coordinator that replicates the store
//! knows them. Only Argon2id hashes are kept (hashing happens before a command is made, so
//! applying one is cheap and deterministic). Writes come only through
//! [`super::Store::apply`]; the account rules (names, password strength) live in
//! `operators/users.rs`, the conditions that need the current state (exists, last admin)
//! here, so every replica reaches the same verdict.

use p2p_shared::Role;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{Command, Rejection, Store, StoreError, from_json, to_json};

#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct UserRecord {
    pub name: String,
    pub role: Role,
    /// PHC string (`$argon2id$...`).
    pub password_hash: String,
    pub created_at: i64,
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("name", &self.name)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

fn get(conn: &Connection, name: &str) -> Result<Option<UserRecord>, StoreError> {
    let json: Option<String> = conn
        .query_row(
            "SELECT record FROM users WHERE name = ?1",
            params![name],
            |r| r.get(0),
        )
        .optional()?;
    json.map(|j| from_json(&j)).transpose()
}

fn end_sessions(tx: &Connection, user: &str) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO user_sessions (user, generation) VALUES (?1, 1)
         ON CONFLICT(user) DO UPDATE SET generation = generation + 1",
        params![user],
    )?;
    Ok(())
}

pub(super) fn apply(tx: &Connection, cmd: &Command) -> Result<(), StoreError> {
    match cmd {
        Command::AddUser { user } => {
            if get(tx, &user.name)?.is_some() {
                return Err(Rejection::UserExists {
                    name: user.name.clone(),
                }
                .into());
            }
            tx.execute(
                "INSERT INTO users (name, record) VALUES (?1, ?2)",
                params![user.name, to_json(user)?],
            )?;
        }
        Command::SetUserPassword {
            name,
            password_hash,
        } => {
            let mut user =
                get(tx, name)?.ok_or_else(|| Rejection::UnknownUser { name: name.clone() })?;
            user.password_hash = password_hash.clone();
            tx.execute(
                "UPDATE users SET record = ?2 WHERE name = ?1",
                params![name, to_json(&user)?],
            )?;
            end_sessions(tx, name)?;
        }
        Command::RemoveUser { name } => {
            let user =
                get(tx, name)?.ok_or_else(|| Rejection::UnknownUser { name: name.clone() })?;
            if user.role == Role::Admin {
                let admins = all(tx)?.iter().filter(|u| u.role == Role::Admin).count();
                if admins <= 1 {
                    return Err(Rejection::LastAdmin.into());
                }
            }
            tx.execute("DELETE FROM users WHERE name = ?1", params![name])?;
            end_sessions(tx, name)?;
        }
        _ => {}
    }
    Ok(())
}

fn all(conn: &Connection) -> Result<Vec<UserRecord>, StoreError> {
    let mut stmt = conn.prepare("SELECT record FROM users ORDER BY name")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.map(|r| from_json(&r?)).collect()
}

impl Store {
    /// Every account, by name (kept in memory until a user command is applied).
    pub fn users(&self) -> Result<std::sync::Arc<Vec<UserRecord>>, StoreError> {
        self.reads.users(|| {
            let mut users = self.read(all)?;
            users.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(users)
        })
    }

    pub fn user(&self, name: &str) -> Result<Option<UserRecord>, StoreError> {
        let users = self.users()?;
        Ok(users
            .binary_search_by(|u| u.name.as_str().cmp(name))
            .ok()
            .map(|i| users[i].clone()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report
    use super::*;

    fn user(name: &str, role: Role) -> UserRecord {
        UserRecord {
            name: name.into(),
            role,
            password_hash: "$argon2id$x".into(),
            created_at: 1,
        }
    }

    #[test]
    fn accounts_are_unique_the_last_admin_stays_and_changes_end_sessions() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("store.db")).unwrap();
        s.apply(&Command::AddUser {
            user: user("root", Role::Admin),
        })
        .unwrap();
        let again = s.apply(&Command::AddUser {
            user: user("root", Role::Viewer),
        });
        assert!(matches!(
            again,
            Err(StoreError::Rejected(Rejection::UserExists { .. }))
        ));
        assert!(matches!(
            s.apply(&Command::RemoveUser {
                name: "root".into()
            }),
            Err(StoreError::Rejected(Rejection::LastAdmin))
        ));
        s.apply(&Command::AddUser {
            user: user("ann", Role::Operator),
        })
        .unwrap();
        s.apply(&Command::SetUserPassword {
            name: "ann".into(),
            password_hash: "$argon2id$new".into(),
        })
        .unwrap();
        assert_eq!(
            s.user("ann").unwrap().unwrap().password_hash,
            "$argon2id$new"
        );
        assert_eq!(s.session_generation("ann").unwrap(), 1);
        s.apply(&Command::RemoveUser { name: "ann".into() })
            .unwrap();
        assert_eq!(s.session_generation("ann").unwrap(), 2);
        assert!(matches!(
            s.apply(&Command::SetUserPassword {
                name: "ann".into(),
                password_hash: "h".into()
            }),
            Err(StoreError::Rejected(Rejection::UnknownUser { .. }))
        ));
        let names: Vec<String> = s.users().unwrap().iter().map(|u| u.name.clone()).collect();
        assert_eq!(names, ["root"]);
    }
}
