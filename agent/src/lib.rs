//! `p2pd`, the p2p-core cluster agent, as a library: the binary in `main.rs` only parses
//! arguments and calls into here, so tests can run many agents in one process.

pub mod auth;
pub mod ca;
pub mod config;
pub mod password;
pub mod renewal;
pub mod store;
pub mod users;
pub mod vault;
