//! Deterministic in-process simulator: N cores on one virtual clock, with seeded packet
//! loss, latency, partitions, paused and crashed nodes. Push-pull exchanges run through the
//! same encode/decode path as on the wire. Used by the tests and the benchmark example.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::member::State;
use crate::swim::{Event, Output, Swim};
use crate::sync::{SyncRequest, SyncResponse};
use crate::{Config, Millis};

#[derive(Debug, Clone)]
pub struct SimConfig {
    pub nodes: usize,
    pub seed: u64,
    /// Probability that any one datagram is lost.
    pub loss: f64,
    /// One-way latency range in ms (uniform).
    pub latency: (Millis, Millis),
    pub swim: Config,
}

impl SimConfig {
    pub fn new(nodes: usize, seed: u64) -> Self {
        SimConfig {
            nodes,
            seed,
            loss: 0.0,
            latency: (1, 3),
            swim: Config::lan(),
        }
    }
}

enum Ev {
    Deliver {
        to: usize,
        from: SocketAddr,
        payload: Vec<u8>,
    },
    Tick {
        node: usize,
    },
}

struct Queued {
    at: Millis,
    id: u64,
    ev: Ev,
}

impl PartialEq for Queued {
    fn eq(&self, o: &Self) -> bool {
        (self.at, self.id) == (o.at, o.id)
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Queued {
    fn cmp(&self, o: &Self) -> Ordering {
        // Min-heap on (time, insertion order).
        (o.at, o.id).cmp(&(self.at, self.id))
    }
}

struct Node {
    swim: Swim,
    addr: SocketAddr,
    crashed: bool,
    paused: bool,
    buffered: Vec<(SocketAddr, Vec<u8>)>,
    scheduled: Millis,
    group: u32,
}

/// A record of one node changing state in one observer's view.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub at: Millis,
    pub observer: usize,
    pub node: String,
    pub state: State,
    pub incarnation: u64,
}

pub struct Sim {
    now: Millis,
    nodes: Vec<Node>,
    by_addr: HashMap<SocketAddr, usize>,
    by_name: HashMap<String, usize>,
    queue: BinaryHeap<Queued>,
    next_id: u64,
    rng: SmallRng,
    loss: f64,
    latency: (Millis, Millis),
    /// Every state change seen by any node, when `record` is set (memory grows with churn).
    pub observations: Vec<Observation>,
    pub record: bool,
    false_deaths: std::collections::HashSet<(String, u64)>,
    death_watch: Option<(String, Millis)>,
    death_seen: HashMap<usize, Millis>,
    /// (time, observer) each time an observer learned a changed metadata value it watches.
    meta_watch: Option<(String, String, String)>,
    pub meta_seen: Vec<(Millis, usize)>,
    pub udp_bytes: Vec<u64>,
    pub udp_packets: Vec<u64>,
    pub sync_bytes: Vec<u64>,
    /// Pairs of nodes that cannot reach each other (both ways), whatever their group.
    cut: std::collections::HashSet<(usize, usize)>,
}

pub fn node_name(i: usize) -> String {
    format!("node-{i:04}")
}

fn node_addr(i: usize) -> SocketAddr {
    // Documentation range; nothing is ever sent anywhere, the simulator only uses it as a key.
    SocketAddr::new(
        IpAddr::V4(Ipv4Addr::new(198, 51, 100, (i % 250) as u8 + 1)),
        20_000 + (i / 250) as u16,
    )
}

impl Sim {
    /// N nodes that already know each other (a converged cluster), started at t = 0.
    pub fn converged(cfg: SimConfig) -> Sim {
        let mut sim = Sim::empty(&cfg);
        let n = cfg.nodes;
        for i in 0..n {
            let mut seed_rng =
                SmallRng::seed_from_u64(cfg.seed ^ (i as u64).wrapping_mul(0x9E37_79B9));
            let swim = Swim::new(
                cfg.swim.clone(),
                &node_name(i),
                vec![node_addr(i)],
                1,
                seed_rng.r#gen(),
                0,
            );
            sim.push_node(swim, i);
        }
        let alive: Vec<crate::Update> = (0..n)
            .map(|i| crate::Update::Alive {
                node: node_name(i),
                incarnation: 1,
                addrs: vec![node_addr(i)],
            })
            .collect();
        for node in &mut sim.nodes {
            for u in &alive {
                node.swim.apply_update(0, u.clone());
            }
            node.swim.forget_news();
            while node.swim.poll_event().is_some() {}
        }
        for i in 0..n {
            sim.schedule(i);
        }
        sim
    }

    /// N fresh nodes; every node but the first joins through node 0 at a random time in the
    /// first `spread` ms, the way a real cluster comes up.
    pub fn joining(cfg: SimConfig, spread: Millis) -> Sim {
        let mut sim = Sim::empty(&cfg);
        for i in 0..cfg.nodes {
            let swim = Swim::new(
                cfg.swim.clone(),
                &node_name(i),
                vec![node_addr(i)],
                1,
                cfg.seed.wrapping_add(i as u64),
                0,
            );
            sim.push_node(swim, i);
        }
        sim.schedule(0);
        let mut starts: Vec<(Millis, usize)> = (1..cfg.nodes)
            .map(|i| (sim.rng.gen_range(0..spread.max(1)), i))
            .collect();
        starts.sort();
        for (at, i) in starts {
            sim.run_until(at);
            sim.sync_pair(i, 0, true);
            sim.schedule(i);
        }
        sim
    }

    fn empty(cfg: &SimConfig) -> Sim {
        Sim {
            now: 0,
            nodes: Vec::with_capacity(cfg.nodes),
            by_addr: HashMap::new(),
            by_name: HashMap::new(),
            queue: BinaryHeap::new(),
            next_id: 0,
            rng: SmallRng::seed_from_u64(cfg.seed),
            loss: cfg.loss,
            latency: cfg.latency,
            observations: Vec::new(),
            record: cfg.nodes <= 100,
            false_deaths: Default::default(),
            death_watch: None,
            death_seen: HashMap::new(),
            meta_watch: None,
            meta_seen: Vec::new(),
            udp_bytes: vec![0; cfg.nodes],
            udp_packets: vec![0; cfg.nodes],
            sync_bytes: vec![0; cfg.nodes],
            cut: Default::default(),
        }
    }

    fn push_node(&mut self, swim: Swim, i: usize) {
        let addr = node_addr(i);
        self.by_addr.insert(addr, i);
        self.by_name.insert(swim.name().to_string(), i);
        self.nodes.push(Node {
            swim,
            addr,
            crashed: false,
            paused: false,
            buffered: Vec::new(),
            scheduled: Millis::MAX,
            group: 0,
        });
    }

    pub fn now(&self) -> Millis {
        self.now
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn swim(&self, i: usize) -> &Swim {
        &self.nodes[i].swim
    }

    pub fn swim_mut(&mut self, i: usize) -> &mut Swim {
        &mut self.nodes[i].swim
    }

    pub fn is_up(&self, i: usize) -> bool {
        !self.nodes[i].crashed
    }

    pub fn crash(&mut self, i: usize) {
        self.nodes[i].crashed = true;
    }

    pub fn pause(&mut self, i: usize) {
        self.nodes[i].paused = true;
    }

    /// Resumes a paused node: it reads what queued up in its socket buffer, then its timers
    /// fire late, as after SIGCONT.
    pub fn resume(&mut self, i: usize) {
        self.nodes[i].paused = false;
        let buffered = std::mem::take(&mut self.nodes[i].buffered);
        for (from, payload) in buffered {
            self.nodes[i].swim.handle_packet(self.now, from, &payload);
        }
        self.nodes[i].scheduled = Millis::MAX;
        self.after_step(i);
    }

    /// Splits the cluster: nodes in different groups cannot exchange anything.
    pub fn partition(&mut self, group_of: impl Fn(usize) -> u32) {
        for (i, n) in self.nodes.iter_mut().enumerate() {
            n.group = group_of(i);
        }
    }

    pub fn heal(&mut self) {
        self.partition(|_| 0);
    }

    /// Watch for `node`'s metadata `key` reaching `value` on every other node.
    pub fn watch_meta(&mut self, node: usize, key: &str, value: &str) {
        self.meta_watch = Some((node_name(node), key.to_string(), value.to_string()));
        self.meta_seen.clear();
    }

    fn reachable(&self, a: usize, b: usize) -> bool {
        let (x, y) = (&self.nodes[a], &self.nodes[b]);
        !x.crashed && !y.crashed && x.group == y.group && !self.cut.contains(&(a.min(b), a.max(b)))
    }

    /// Cuts the link between `a` and `b` only (a firewall rule between two hosts): each
    /// still reaches every other node.
    pub fn cut_link(&mut self, a: usize, b: usize) {
        self.cut.insert((a.min(b), a.max(b)));
    }

    /// When the last node other than `node` learned the watched metadata value, if all did.
    pub fn all_saw_meta(&self, node: usize) -> Option<Millis> {
        let mut latest = 0;
        for o in (0..self.nodes.len()).filter(|&o| o != node && !self.nodes[o].crashed) {
            latest = latest.max(self.meta_seen.iter().find(|(_, i)| *i == o)?.0);
        }
        Some(latest)
    }

    fn push(&mut self, at: Millis, ev: Ev) {
        self.next_id += 1;
        self.queue.push(Queued {
            at,
            id: self.next_id,
            ev,
        });
    }

    fn schedule(&mut self, i: usize) {
        let node = &mut self.nodes[i];
        if node.crashed || node.paused {
            return;
        }
        let at = node.swim.next_wakeup().max(self.now);
        if at < node.scheduled {
            node.scheduled = at;
            self.push(at, Ev::Tick { node: i });
        }
    }

    /// Runs every event up to and including time `until`.
    pub fn run_until(&mut self, until: Millis) {
        while let Some(top) = self.queue.peek() {
            if top.at > until {
                break;
            }
            let Some(q) = self.queue.pop() else { break };
            self.now = q.at;
            match q.ev {
                Ev::Tick { node } => {
                    let n = &mut self.nodes[node];
                    if n.scheduled != q.at || n.crashed || n.paused {
                        continue;
                    }
                    n.scheduled = Millis::MAX;
                    n.swim.tick(self.now);
                    self.after_step(node);
                }
                Ev::Deliver { to, from, payload } => {
                    let n = &mut self.nodes[to];
                    if n.crashed {
                        continue;
                    }
                    if n.paused {
                        n.buffered.push((from, payload));
                        continue;
                    }
                    n.swim.handle_packet(self.now, from, &payload);
                    self.after_step(to);
                }
            }
        }
        self.now = self.now.max(until);
    }

    fn after_step(&mut self, i: usize) {
        while let Some(out) = self.nodes[i].swim.poll_output() {
            match out {
                Output::Send { to, payload } => {
                    self.udp_bytes[i] += payload.len() as u64;
                    self.udp_packets[i] += 1;
                    let Some(&j) = self.by_addr.get(&to) else {
                        continue;
                    };
                    if !self.reachable(i, j) || self.rng.gen_bool(self.loss.clamp(0.0, 1.0)) {
                        continue;
                    }
                    let delay = self
                        .rng
                        .gen_range(self.latency.0..=self.latency.1.max(self.latency.0));
                    let from = self.nodes[i].addr;
                    self.push(
                        self.now + delay,
                        Ev::Deliver {
                            to: j,
                            from,
                            payload,
                        },
                    );
                }
                Output::Sync { node, .. } => {
                    if let Some(&j) = self.by_name.get(&node) {
                        self.sync_pair(i, j, false);
                    }
                }
            }
        }
        self.collect_events(i);
        self.schedule(i);
    }

    fn collect_events(&mut self, i: usize) {
        while let Some(ev) = self.nodes[i].swim.poll_event() {
            match ev {
                Event::StateChanged {
                    node,
                    state,
                    incarnation,
                } => {
                    if state == State::Dead
                        && let Some(&j) = self.by_name.get(&node)
                        && !self.nodes[j].crashed
                    {
                        self.false_deaths.insert((node.clone(), incarnation));
                    }
                    if matches!(state, State::Dead | State::Left)
                        && let Some((w, since)) = &self.death_watch
                        && *w == node
                        && self.now >= *since
                    {
                        self.death_seen.entry(i).or_insert(self.now);
                    }
                    if self.record {
                        self.observations.push(Observation {
                            at: self.now,
                            observer: i,
                            node,
                            state,
                            incarnation,
                        });
                    }
                }
                Event::MetaChanged { node } => {
                    if let Some((w, key, value)) = &self.meta_watch
                        && *w == node
                        && self.nodes[i]
                            .swim
                            .member(&node)
                            .and_then(|m| m.meta_value(key))
                            == Some(value.as_str())
                    {
                        self.meta_seen.push((self.now, i));
                    }
                }
                Event::Removed { .. } => {}
            }
        }
    }

    /// One push-pull exchange from `a` to `b`, through the encoded messages.
    fn sync_pair(&mut self, a: usize, b: usize, join: bool) {
        if !self.reachable(a, b) || self.nodes[b].paused {
            return;
        }
        let now = self.now;
        let mut ex = self.nodes[a].swim.start_exchange(join);
        while let Some(req) = ex.next_request() {
            let bytes = req.encode();
            self.sync_bytes[a] += bytes.len() as u64;
            let Ok(decoded) = SyncRequest::decode(&bytes) else {
                return;
            };
            let resp = self.nodes[b].swim.handle_sync(now, decoded).encode();
            self.sync_bytes[b] += resp.len() as u64;
            let Ok(resp) = SyncResponse::decode(&resp) else {
                return;
            };
            self.nodes[a].swim.continue_exchange(now, &mut ex, resp);
        }
        for i in [a, b] {
            self.collect_events(i);
            self.nodes[i].scheduled = Millis::MAX;
            self.schedule(i);
        }
        // Outputs produced by applying the exchange (refutations) go out on the next tick.
    }

    /// Index of a node by name.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// How `observer` currently sees node `i`.
    pub fn view(&self, observer: usize, i: usize) -> Option<State> {
        self.nodes[observer]
            .swim
            .member(&node_name(i))
            .map(|m| m.state)
    }

    /// True when every live node sees exactly the live nodes as alive and the others as
    /// not alive.
    pub fn converged_view(&self) -> bool {
        let up: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| !self.nodes[i].crashed)
            .collect();
        up.iter().all(|&o| {
            (0..self.nodes.len()).all(|i| {
                let seen = self.view(o, i);
                if self.nodes[i].crashed {
                    !matches!(seen, Some(State::Alive) | Some(State::Suspect))
                } else {
                    seen == Some(State::Alive)
                }
            })
        })
    }

    /// Crashes node `i` and starts timing how long until every other up node sees it dead.
    pub fn crash_watched(&mut self, i: usize) {
        self.crash(i);
        self.death_watch = Some((node_name(i), self.now));
        self.death_seen.clear();
    }

    /// When the last up node learned of the watched crash, if every one has.
    pub fn all_saw_dead(&self) -> Option<Millis> {
        let (name, _) = self.death_watch.as_ref()?;
        let victim = self.index(name)?;
        let mut latest = 0;
        for o in 0..self.nodes.len() {
            if o == victim || self.nodes[o].crashed {
                continue;
            }
            latest = latest.max(*self.death_seen.get(&o)?);
        }
        Some(latest)
    }

    /// Distinct (node, incarnation) deaths declared about nodes that were up at the time.
    pub fn false_deaths(&self) -> usize {
        self.false_deaths.len()
    }
}
