//! Lifeguard's dynamic suspicion timeout: start at `max`, shrink logarithmically toward
//! `min` as independent members confirm the suspicion.

use std::collections::HashSet;

use crate::Millis;

/// Timeout after `confirmations` independent confirmations out of `expected`.
pub fn suspicion_timeout(min: Millis, max: Millis, confirmations: u32, expected: u32) -> Millis {
    if expected == 0 || max <= min {
        return min;
    }
    let frac = ((confirmations as f64) + 1.0).ln() / ((expected as f64) + 1.0).ln();
    let t = max as f64 - (max - min) as f64 * frac;
    (t.max(min as f64)).round() as Millis
}

#[derive(Debug, Clone)]
pub(crate) struct Suspicion {
    pub incarnation: u64,
    pub start: Millis,
    pub min: Millis,
    pub max: Millis,
    pub expected: u32,
    /// Members that independently suspected the node (the first suspector included).
    pub suspectors: HashSet<String>,
    /// A member that only heard of the suspicion probes the node once before convicting.
    pub last_chance: bool,
}

impl Suspicion {
    pub fn new(
        incarnation: u64,
        from: String,
        start: Millis,
        min: Millis,
        max: Millis,
        expected: u32,
    ) -> Self {
        let mut suspectors = HashSet::new();
        suspectors.insert(from);
        Suspicion {
            incarnation,
            start,
            min,
            max,
            expected,
            suspectors,
            last_chance: false,
        }
    }

    /// Records a confirmation; true when it came from a member not yet counted.
    pub fn confirm(&mut self, from: &str) -> bool {
        if self.suspectors.len() as u32 > self.expected {
            return false;
        }
        self.suspectors.insert(from.to_string())
    }

    pub fn deadline(&self) -> Millis {
        let confirmations = (self.suspectors.len() as u32).saturating_sub(1);
        self.start + suspicion_timeout(self.min, self.max, confirmations, self.expected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeout_shrinks_from_max_to_min_with_confirmations() {
        assert_eq!(suspicion_timeout(2000, 12000, 0, 3), 12000);
        let one = suspicion_timeout(2000, 12000, 1, 3);
        let two = suspicion_timeout(2000, 12000, 2, 3);
        assert!(12000 > one && one > two && two > 2000, "{one} {two}");
        assert_eq!(suspicion_timeout(2000, 12000, 3, 3), 2000);
        assert_eq!(suspicion_timeout(2000, 12000, 9, 3), 2000);
    }

    #[test]
    fn only_distinct_confirmations_count() {
        let mut s = Suspicion::new(1, "a".into(), 100, 1000, 6000, 2);
        let first = s.deadline();
        assert!(!s.confirm("a"));
        assert_eq!(s.deadline(), first);
        assert!(s.confirm("b"));
        assert!(s.deadline() < first);
        assert!(s.confirm("c"));
        assert_eq!(s.deadline(), 1100);
    }
}
