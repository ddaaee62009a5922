//! `p2pd`, the p2p-core cluster agent, as a library: the binary in `main.rs` only parses
//! arguments and calls into here, so tests can run many agents in one process.
//!
//! Modules by layer (ARCHITECTURE.md, "Layers"; `tests/tidy.rs` enforces it): foundations
//! (`clock`, `config`, `limits`, `secrets`, `store`), subsystems (`pki`, `operators`, `membership`,
//! `logs`, `services`), the shared `context`, the `api`, and the composition root `node`.

pub mod acme;
pub mod api;
pub mod blocking;
pub mod cache;
pub mod cli;
pub mod clock;
pub mod config;
pub mod context;
pub mod events;
pub mod lazy_broadcast;
pub mod limits;
pub mod logs;
pub mod membership;
pub mod metrics;
pub mod node;
pub mod operators;
pub mod pki;
pub mod procfs;
pub mod raft;
pub mod retry;
pub mod secrets;
pub mod services;
pub mod store;

/// This build's version, as nodes report it to each other and to operators.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
