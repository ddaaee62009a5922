//! A linearizability check for recorded client operations on a set of names (operator
//! accounts): is there one order of the operations, each taking effect at a moment
//! between its invocation and its answer, in which every answer is what a single copy of
//! the set would have given? Refused operations (`no_quorum`) are taken as never
//! applied, so a refused write that shows up later fails the check. Exhaustive search
//! with memoisation: for the few dozen operations of a test.

use std::collections::{BTreeSet, HashSet};
use std::time::Instant;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Add(String),
    Remove(String),
    List,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The change was made.
    Done,
    /// Refused for the state (already exists, no such name): nothing changed.
    Rejected,
    /// Refused before it could be committed (no quorum): nothing changed.
    Refused,
    Listed(BTreeSet<String>),
}

#[derive(Debug, Clone)]
pub struct Event {
    pub client: String,
    pub op: Op,
    pub outcome: Outcome,
    pub invoked: Instant,
    pub answered: Instant,
}

/// Ok when the history is linearizable from `initial`; Err describes the history.
pub fn check(history: &[Event], initial: &BTreeSet<String>) -> Result<(), String> {
    let events: Vec<&Event> = history
        .iter()
        .filter(|e| e.outcome != Outcome::Refused)
        .collect();
    if events.len() > 63 {
        return Err(format!("{} operations: too many to search", events.len()));
    }
    let all: u64 = if events.is_empty() {
        0
    } else {
        u64::MAX >> (64 - events.len())
    };
    let mut seen = HashSet::new();
    if search(&events, all, initial.clone(), &mut seen) {
        Ok(())
    } else {
        Err(format!(
            "no linearization of these {} operations:\n{}",
            events.len(),
            describe(history)
        ))
    }
}

/// Whether the operations in `left` (a bit set) can follow in some order from `state`.
fn search(
    events: &[&Event],
    left: u64,
    state: BTreeSet<String>,
    seen: &mut HashSet<(u64, BTreeSet<String>)>,
) -> bool {
    if left == 0 {
        return true;
    }
    if !seen.insert((left, state.clone())) {
        return false;
    }
    // An operation may come next only if none still left was answered before it began.
    let earliest_answer = (0..events.len())
        .filter(|i| left & (1 << i) != 0)
        .map(|i| events[i].answered)
        .min();
    for i in (0..events.len()).filter(|i| left & (1 << i) != 0) {
        let e = events[i];
        if earliest_answer.is_some_and(|t| t < e.invoked) {
            continue;
        }
        if let Some(next) = step(&state, e)
            && search(events, left & !(1 << i), next, seen)
        {
            return true;
        }
    }
    false
}

/// The state after `e` if its recorded outcome is what the set answers, else None.
fn step(state: &BTreeSet<String>, e: &Event) -> Option<BTreeSet<String>> {
    match (&e.op, &e.outcome) {
        (Op::Add(n), Outcome::Done) if !state.contains(n) => {
            let mut s = state.clone();
            s.insert(n.clone());
            Some(s)
        }
        (Op::Add(n), Outcome::Rejected) if state.contains(n) => Some(state.clone()),
        (Op::Remove(n), Outcome::Done) if state.contains(n) => {
            let mut s = state.clone();
            s.remove(n);
            Some(s)
        }
        (Op::Remove(n), Outcome::Rejected) if !state.contains(n) => Some(state.clone()),
        (Op::List, Outcome::Listed(l)) if l == state => Some(state.clone()),
        _ => None,
    }
}

/// The history as a table, times from the first invocation.
pub fn describe(history: &[Event]) -> String {
    let Some(t0) = history.iter().map(|e| e.invoked).min() else {
        return String::new();
    };
    history
        .iter()
        .map(|e| {
            format!(
                "  {:>6} ms .. {:>6} ms  {:<8} {:?} -> {:?}",
                e.invoked.duration_since(t0).as_millis(),
                e.answered.duration_since(t0).as_millis(),
                e.client,
                e.op,
                e.outcome
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(t0: Instant, from: u64, to: u64, op: Op, outcome: Outcome) -> Event {
        Event {
            client: "c".into(),
            op,
            outcome,
            invoked: t0 + Duration::from_millis(from),
            answered: t0 + Duration::from_millis(to),
        }
    }

    fn set(names: &[&str]) -> Outcome {
        Outcome::Listed(names.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn overlapping_operations_may_take_effect_in_either_order() {
        let t0 = Instant::now();
        let h = vec![
            at(t0, 0, 10, Op::Add("a".into()), Outcome::Done),
            // Overlaps the add: may see it or not.
            at(t0, 5, 8, Op::List, set(&[])),
            at(t0, 6, 12, Op::List, set(&["a"])),
            at(t0, 20, 30, Op::Add("a".into()), Outcome::Rejected),
            at(t0, 20, 25, Op::Add("b".into()), Outcome::Refused),
            at(t0, 40, 50, Op::List, set(&["a"])),
        ];
        assert_eq!(check(&h, &BTreeSet::new()), Ok(()));
    }

    #[test]
    fn a_stale_read_or_a_refused_write_that_appears_is_caught() {
        let t0 = Instant::now();
        let stale = vec![
            at(t0, 0, 10, Op::Add("a".into()), Outcome::Done),
            at(t0, 20, 30, Op::List, set(&[])),
        ];
        assert!(check(&stale, &BTreeSet::new()).is_err());
        let resurrected = vec![
            at(t0, 0, 10, Op::Add("b".into()), Outcome::Refused),
            at(t0, 20, 30, Op::List, set(&["b"])),
        ];
        assert!(check(&resurrected, &BTreeSet::new()).is_err());
        // Two reads that disagree about the order of two writes.
        let split = vec![
            at(t0, 0, 100, Op::Add("a".into()), Outcome::Done),
            at(t0, 0, 100, Op::Add("b".into()), Outcome::Done),
            at(t0, 10, 20, Op::List, set(&["a"])),
            at(t0, 10, 20, Op::List, set(&["b"])),
        ];
        assert!(check(&split, &BTreeSet::new()).is_err());
    }
}
