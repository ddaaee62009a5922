//! Coordinators replicate the control plane with Raft (openraft): the log in `raft.db`
//! (`log_store.rs`), the store as the state machine (`state_machine.rs`), the types in
//! `types.rs`.

// openraft's API returns its own errors by value, and they are large (StorageIOError is
// 224 bytes); boxing them at our edge would only add copies.
#![allow(clippy::result_large_err)]

pub mod join;
pub mod log_store;
pub mod network;
pub mod replicator;
pub mod state_machine;
pub mod types;

#[cfg(test)]
mod storage_suite;
