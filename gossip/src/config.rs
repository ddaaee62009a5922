//! Protocol timings and limits of the membership core.

use crate::Millis;

/// Protocol timings and limits. [`Config::lan`] is the tuned default; every figure in
/// BENCHMARKS.md was measured with it.
#[derive(Debug, Clone)]
pub struct Config {
    /// One probe per node per interval (scaled up by the local-health multiplier).
    pub probe_interval: Millis,
    /// Time to wait for a direct ack before asking helpers to probe indirectly.
    pub probe_timeout: Millis,
    /// Helpers asked for an indirect probe (SWIM's k).
    pub indirect_checks: usize,
    /// Minimum suspicion = max(suspicion_floor, this x log10 N x probe_interval).
    pub suspicion_min_mult: f64,
    pub suspicion_floor: Millis,
    /// Maximum suspicion = this x minimum; used while nobody confirms the suspicion.
    pub suspicion_max_mult: f64,
    /// Independent confirmations that shrink the suspicion timeout down to the minimum.
    pub suspicion_confirmations: u32,
    /// Expected number of members that probe a freshly suspected node at once, to confirm or
    /// clear the suspicion quickly.
    pub confirm_probes: f64,
    /// Piggyback-only gossip rounds (sent only when something is queued).
    pub gossip_interval: Millis,
    pub gossip_fanout: usize,
    /// Each update is retransmitted retransmit_mult x ceil(log10(N + 1)) times.
    pub retransmit_mult: u32,
    /// Lifeguard's local-health multiplier saturates at this value.
    pub awareness_max: u32,
    /// Members beyond this many are not added (a bound on memory against a flood of made-up
    /// members from a peer).
    pub max_members: usize,
    /// Largest plaintext packet the core builds (the transport adds its own overhead).
    pub max_packet: usize,
    /// Push-pull anti-entropy interval bounds (`gossip_interval_min` / `_max`).
    pub sync_interval_min: Millis,
    pub sync_interval_max: Millis,
    /// Dead members are still sent gossip for this long so they can learn and refute.
    pub gossip_to_dead: Millis,
    /// Dead members are forgotten after this long (until then push-pull keeps trying them,
    /// which is what heals partitions).
    pub dead_reap_after: Millis,
    /// Members that left gracefully are forgotten after this long.
    pub left_reap_after: Millis,
    /// A gap between two ticks longer than this means this process was stalled (paused,
    /// starved): pending probes and suspicion deadlines are not trusted.
    pub stall_threshold: Millis,
}

impl Config {
    pub fn lan() -> Config {
        Config {
            probe_interval: 1000,
            probe_timeout: 400,
            indirect_checks: 3,
            suspicion_min_mult: 0.8,
            suspicion_floor: 1000,
            suspicion_max_mult: 6.0,
            suspicion_confirmations: 2,
            confirm_probes: 3.0,
            gossip_interval: 200,
            gossip_fanout: 3,
            retransmit_mult: 4,
            awareness_max: 8,
            max_members: 65_536,
            max_packet: 1350,
            sync_interval_min: 5_000,
            sync_interval_max: 30_000,
            gossip_to_dead: 30_000,
            dead_reap_after: 24 * 3600 * 1000,
            left_reap_after: 3600 * 1000,
            stall_threshold: 2_500,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config::lan()
    }
}
