//! Which connections the listener keeps. Every live connection is in one pool: `Handshake`
//! (TLS not finished), `Public` (no node certificate: operators, browsers, strangers) or
//! `Node` (a verified node certificate of this cluster). Each pool has a cap, and the first
//! two a cap per source address too. When a pool or a source is full, the connection that
//! has been idle longest in it is closed to make room; one busy with a request never is.
//! So idle connections, however many, can neither lock clients out nor touch the node pool
//! that gossip push-pull, log shipping and renewals use.
//!
//! Pure bookkeeping: the caller passes the time in and closes what it is told to.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use tokio::sync::Notify;
use tokio::time::Instant;

/// TLS handshakes in progress at most, and from one source. Generous: a thousand nodes
/// reconnecting at once after a restart must not evict one another's handshakes.
pub const MAX_HANDSHAKES: usize = 1024;
pub const MAX_HANDSHAKES_PER_SOURCE: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pool {
    Handshake,
    Public,
    Node,
}

impl Pool {
    const ALL: [Pool; 3] = [Pool::Handshake, Pool::Public, Pool::Node];

    fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            Pool::Handshake => "handshake",
            Pool::Public => "public",
            Pool::Node => "node",
        }
    }
}

/// Caps per pool (`per_source` applies to `Handshake` and `Public`; nodes are identified).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolLimits {
    pub handshakes: usize,
    pub handshakes_per_source: usize,
    pub public: usize,
    pub public_per_source: usize,
    pub node: usize,
}

impl PoolLimits {
    fn cap(&self, pool: Pool) -> usize {
        match pool {
            Pool::Handshake => self.handshakes,
            Pool::Public => self.public,
            Pool::Node => self.node,
        }
    }

    fn per_source(&self, pool: Pool) -> Option<usize> {
        match pool {
            Pool::Handshake => Some(self.handshakes_per_source),
            Pool::Public => Some(self.public_per_source),
            Pool::Node => None,
        }
    }
}

/// The address a limit counts by: IPv4 as is, IPv6 by its /64 (one subscriber's network,
/// which its owner can fill with addresses at will).
pub fn source_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// What a connection's requests do, shared by its task, the request layer and the table.
#[derive(Debug)]
pub struct Activity {
    /// The table's clock: milliseconds count from here.
    epoch: Instant,
    in_flight: AtomicUsize,
    /// Milliseconds on the table's clock when it last became idle.
    idle_since: AtomicU64,
    served: AtomicU64,
    evicted: AtomicBool,
    /// Wakes the connection's task: its activity changed, or it was evicted.
    pub wake: Notify,
}

impl Activity {
    fn new(epoch: Instant, now_ms: u64) -> Activity {
        Activity {
            epoch,
            in_flight: AtomicUsize::new(0),
            idle_since: AtomicU64::new(now_ms),
            served: AtomicU64::new(0),
            evicted: AtomicBool::new(false),
            wake: Notify::new(),
        }
    }

    /// A request started.
    pub fn begin(&self) {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        self.served.fetch_add(1, Ordering::Relaxed);
    }

    /// A request (and its response body) finished.
    pub fn end(&self) {
        self.end_at(self.epoch.elapsed().as_millis() as u64);
    }

    /// A request finished at `now_ms` on the table's clock.
    pub fn end_at(&self, now_ms: u64) {
        if self.in_flight.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.idle_since.store(now_ms, Ordering::Release);
            self.wake.notify_one();
        }
    }

    pub fn busy(&self) -> bool {
        self.in_flight.load(Ordering::Acquire) > 0
    }

    pub fn served(&self) -> u64 {
        self.served.load(Ordering::Relaxed)
    }

    pub fn idle_since(&self) -> u64 {
        self.idle_since.load(Ordering::Acquire)
    }

    pub fn evicted(&self) -> bool {
        self.evicted.load(Ordering::Acquire)
    }

    fn evict(&self) {
        self.evicted.store(true, Ordering::Release);
        self.wake.notify_one();
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConnId(u64);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The pool is full of connections busy with requests.
    PoolFull(Pool),
    /// This source holds its share of the pool, every one busy.
    SourceFull(Pool),
    /// The connection was itself evicted meanwhile.
    Evicted,
}

struct Entry {
    pool: Pool,
    source: IpAddr,
    activity: Arc<Activity>,
}

/// Counters for operators, per pool.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStats {
    pub open: usize,
    pub admitted: u64,
    pub evicted: u64,
    pub refused: u64,
}

pub struct Table {
    epoch: Instant,
    limits: PoolLimits,
    entries: HashMap<ConnId, Entry>,
    per_source: HashMap<(Pool, IpAddr), usize>,
    stats: [PoolStats; 3],
    next: u64,
}

impl Table {
    pub fn new(limits: PoolLimits) -> Table {
        Table {
            epoch: Instant::now(),
            limits,
            entries: HashMap::new(),
            per_source: HashMap::new(),
            stats: [PoolStats::default(); 3],
            next: 0,
        }
    }

    /// Where the table's milliseconds count from.
    pub fn epoch(&self) -> Instant {
        self.epoch
    }

    pub fn now_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn stats(&self, pool: Pool) -> PoolStats {
        self.stats[pool.index()]
    }

    pub fn all_stats(&self) -> Vec<(Pool, PoolStats)> {
        Pool::ALL.iter().map(|&p| (p, self.stats(p))).collect()
    }

    /// A new connection from `source`, into the handshake pool.
    pub fn admit(
        &mut self,
        source: IpAddr,
        now_ms: u64,
    ) -> Result<(ConnId, Arc<Activity>), Refusal> {
        let source = source_key(source);
        self.make_room(Pool::Handshake, source)?;
        self.next += 1;
        let id = ConnId(self.next);
        let activity = Arc::new(Activity::new(self.epoch, now_ms));
        self.entries.insert(
            id,
            Entry {
                pool: Pool::Handshake,
                source,
                activity: activity.clone(),
            },
        );
        self.count(Pool::Handshake, source, 1);
        self.stats[Pool::Handshake.index()].admitted += 1;
        Ok((id, activity))
    }

    /// The handshake finished: the connection moves to `pool`. On refusal it stays where it
    /// was; the caller closes it and then calls [`Table::remove`].
    pub fn promote(&mut self, id: ConnId, pool: Pool) -> Result<(), Refusal> {
        let Some(source) = self.entries.get(&id).map(|e| e.source) else {
            return Err(Refusal::Evicted);
        };
        self.make_room(pool, source)?;
        let Some(entry) = self.entries.get_mut(&id) else {
            return Err(Refusal::Evicted);
        };
        let old = std::mem::replace(&mut entry.pool, pool);
        self.count(old, source, -1);
        self.count(pool, source, 1);
        self.stats[pool.index()].admitted += 1;
        Ok(())
    }

    pub fn remove(&mut self, id: ConnId) {
        if let Some(e) = self.entries.remove(&id) {
            self.count(e.pool, e.source, -1);
        }
    }

    fn count(&mut self, pool: Pool, source: IpAddr, delta: isize) {
        let stats = &mut self.stats[pool.index()];
        stats.open = stats.open.saturating_add_signed(delta);
        if self.limits.per_source(pool).is_none() {
            return;
        }
        let n = self.per_source.entry((pool, source)).or_insert(0);
        *n = n.saturating_add_signed(delta);
        if *n == 0 {
            self.per_source.remove(&(pool, source));
        }
    }

    /// Ensures one more connection from `source` fits in `pool`, evicting the longest idle
    /// one (of the source when the source is full, else of the pool) if needed.
    fn make_room(&mut self, pool: Pool, source: IpAddr) -> Result<(), Refusal> {
        if let Some(cap) = self.limits.per_source(pool) {
            let held = self.per_source.get(&(pool, source)).copied().unwrap_or(0);
            if held >= cap && !self.evict_idlest(pool, Some(source)) {
                self.stats[pool.index()].refused += 1;
                return Err(Refusal::SourceFull(pool));
            }
        }
        if self.stats[pool.index()].open >= self.limits.cap(pool) && !self.evict_idlest(pool, None)
        {
            self.stats[pool.index()].refused += 1;
            return Err(Refusal::PoolFull(pool));
        }
        Ok(())
    }

    /// Marks the connection idle longest in `pool` (from `source`, if given) evicted and
    /// takes it out of the counts at once, so room is made now, not when its task ends.
    fn evict_idlest(&mut self, pool: Pool, source: Option<IpAddr>) -> bool {
        let victim = self
            .entries
            .iter()
            .filter(|(_, e)| e.pool == pool && source.is_none_or(|s| e.source == s))
            .filter(|(_, e)| !e.activity.busy() && !e.activity.evicted())
            .min_by_key(|(_, e)| e.activity.idle_since())
            .map(|(id, _)| *id);
        let Some(id) = victim else {
            return false;
        };
        if let Some(e) = self.entries.remove(&id) {
            e.activity.evict();
            self.count(e.pool, e.source, -1);
            self.stats[pool.index()].evicted += 1;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> PoolLimits {
        PoolLimits {
            handshakes: 4,
            handshakes_per_source: 2,
            public: 3,
            public_per_source: 2,
            node: 2,
        }
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn open(t: &mut Table, src: &str, pool: Pool, now: u64) -> (ConnId, Arc<Activity>) {
        let (id, a) = t.admit(ip(src), now).unwrap();
        t.promote(id, pool).unwrap();
        (id, a)
    }

    #[test]
    fn a_full_pool_evicts_the_longest_idle_connection() {
        let mut t = Table::new(limits());
        let (_, a) = open(&mut t, "192.0.2.1", Pool::Public, 10);
        let (_, b) = open(&mut t, "192.0.2.2", Pool::Public, 5);
        let (_, c) = open(&mut t, "192.0.2.3", Pool::Public, 20);
        let (_, _d) = open(&mut t, "192.0.2.4", Pool::Public, 30);
        assert!(b.evicted(), "the connection idle since 5 goes first");
        assert!(!a.evicted() && !c.evicted());
        assert_eq!(t.stats(Pool::Public).open, 3);
        assert_eq!(t.stats(Pool::Public).evicted, 1);
    }

    #[test]
    fn busy_connections_are_never_evicted() {
        let mut t = Table::new(limits());
        let mut held = Vec::new();
        for i in 1..=3 {
            let (_, a) = open(&mut t, &format!("192.0.2.{i}"), Pool::Public, i);
            a.begin();
            held.push(a);
        }
        let (id, _) = t.admit(ip("192.0.2.9"), 50).unwrap();
        assert_eq!(
            t.promote(id, Pool::Public),
            Err(Refusal::PoolFull(Pool::Public))
        );
        assert!(held.iter().all(|a| !a.evicted()));
        // Once one finishes, it is the one that makes room.
        held[1].end_at(60);
        assert_eq!(t.promote(id, Pool::Public), Ok(()));
        assert!(held[1].evicted());
    }

    #[test]
    fn a_full_source_makes_room_among_its_own_connections_only() {
        let mut t = Table::new(limits());
        let (_, other) = open(&mut t, "192.0.2.1", Pool::Public, 1);
        let (_, mine_old) = open(&mut t, "192.0.2.7", Pool::Public, 5);
        let (_, mine_busy) = open(&mut t, "192.0.2.7", Pool::Public, 6);
        mine_busy.begin();
        open(&mut t, "192.0.2.7", Pool::Public, 9);
        assert!(mine_old.evicted(), "the source's own idle connection goes");
        assert!(!other.evicted(), "another source's older idle one stays");
        assert_eq!(t.stats(Pool::Public).open, 3);
        // Every connection of the source busy: refused, and nobody else is touched.
        for e in t.entries.values().filter(|e| e.source == ip("192.0.2.7")) {
            if !e.activity.busy() {
                e.activity.begin();
            }
        }
        let (id, _) = t.admit(ip("192.0.2.7"), 10).unwrap();
        assert_eq!(
            t.promote(id, Pool::Public),
            Err(Refusal::SourceFull(Pool::Public))
        );
        assert!(!other.evicted());
    }

    #[test]
    fn nodes_have_their_own_pool() {
        let mut t = Table::new(limits());
        for i in 1..=3 {
            let (_, a) = open(&mut t, &format!("192.0.2.{i}"), Pool::Public, i);
            a.begin();
        }
        // The public pool is full of busy strangers; a node still gets in.
        let (_, n) = open(&mut t, "198.51.100.1", Pool::Node, 10);
        assert_eq!(t.stats(Pool::Node).open, 1);
        assert!(!n.evicted());
        // ...and strangers never take node slots.
        let (id, _) = t.admit(ip("192.0.2.50"), 11).unwrap();
        assert!(t.promote(id, Pool::Public).is_err());
        assert_eq!(t.stats(Pool::Node).open, 1);
    }

    #[test]
    fn removal_frees_the_slot_and_the_source_count() {
        let mut t = Table::new(limits());
        let (a, _) = open(&mut t, "192.0.2.1", Pool::Public, 1);
        let (b, _) = open(&mut t, "192.0.2.1", Pool::Public, 2);
        t.remove(a);
        t.remove(b);
        assert!(t.is_empty());
        assert!(
            t.per_source.is_empty(),
            "no per-source entry outlives its connections"
        );
        assert_eq!(t.stats(Pool::Public).open, 0);
        // An evicted connection was already uncounted; removing it later changes nothing.
        let (c, ca) = open(&mut t, "192.0.2.1", Pool::Public, 3);
        open(&mut t, "192.0.2.2", Pool::Public, 4);
        open(&mut t, "192.0.2.3", Pool::Public, 5);
        open(&mut t, "192.0.2.4", Pool::Public, 6);
        assert!(ca.evicted());
        t.remove(c);
        assert_eq!(t.stats(Pool::Public).open, 3);
    }

    #[test]
    fn ipv6_sources_count_by_their_64() {
        assert_eq!(
            source_key(ip("2001:db8:1:2:aaaa::1")),
            source_key(ip("2001:db8:1:2:bbbb::2"))
        );
        assert_ne!(
            source_key(ip("2001:db8:1:2::1")),
            source_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(source_key(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
    }
}
