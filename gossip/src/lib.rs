//! Sans-IO membership core: SWIM failure detection with Lifeguard's local-health awareness
//! and dynamic suspicion, piggybacked dissemination, versioned node metadata and digest-based
//! push-pull anti-entropy.
//!
//! Nothing here touches a socket or a clock. The caller feeds packets and the current time in
//! ([`Swim::handle_packet`], [`Swim::tick`]) and drains what to send ([`Swim::poll_output`])
//! and what changed ([`Swim::poll_event`]). Randomness comes from a caller-provided seed, so a
//! run is reproducible; [`sim`] drives thousands of cores on a virtual clock.

mod broadcast;
mod config;
mod dissemination;
mod exchange;
mod member;
mod probe;
pub mod sim;
mod suspicion;
mod swim;
mod sync;
mod wire;

pub use config::Config;
pub use exchange::{Exchange, PAGE_BYTES};
pub use member::{Member, MetaEntry, State};
pub use suspicion::suspicion_timeout;
pub use swim::{
    Event, ForceLeaveError, MAX_INCARNATION, MAX_INCARNATION_STEP, MAX_META_BYTES, MAX_META_KEYS,
    Output, Stats, Swim,
};
pub use sync::{DigestEntry, SyncRequest, SyncResponse};
pub use wire::{DecodeError, Msg, Packet, Update};

/// Milliseconds on the caller's clock. Only differences matter, except that probe rounds are
/// aligned on multiples of the probe interval (see [`Swim`]).
pub type Millis = u64;
