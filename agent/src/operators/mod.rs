//! Operators: accounts with Argon2id password hashes, and the JWTs they sign in with.

pub mod jwt;
pub mod users;
pub mod verified;

pub use jwt::{Claims, TokenError, TokenKeys};
pub use users::{UserError, UserRecord, Users};
