//! Everything that crosses the wire between `p2pd` nodes and `p2pctl`: request and response
//! types, the node identity format, and the one typed HTTPS client both sides use.
//!
//! Invariant: only types from this crate are serialised onto the network, so a change to the
//! API contract is always a change here.

pub mod acme;
pub mod api;
pub mod client;
mod client_error;
mod cluster_client;
pub mod contexts;
pub mod events;
mod events_client;
pub mod fsutil;
pub mod identity;
pub mod jointoken;
pub mod logs;
pub mod logs_client;
pub mod metrics;
mod metrics_client;
mod pki_client;
pub mod services;
mod services_client;
pub mod stats;
pub mod tls;

pub use api::Role;
pub use client::{ApiClient, ClientError, ClientOptions, RateLimitNotice, ServerTrust};
pub use events_client::EventStream;
pub use identity::NodeIdentity;
