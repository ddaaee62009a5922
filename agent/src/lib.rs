//! `p2pd`, the p2p-core cluster agent, as a library: the binary in `main.rs` only parses
//! arguments and calls into here, so tests can run many agents in one process.

pub mod agent;
pub mod api;
pub mod auth;
pub mod bootstrap;
pub mod ca;
pub mod cli;
pub mod config;
pub mod dev;
pub mod logs;
pub mod membership;
pub mod password;
pub mod pki;
pub mod renewal;
pub mod services;
pub mod store;
pub mod tls;
pub mod users;
pub mod vault;
pub mod yaml;
