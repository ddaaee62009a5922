//! `p2pctl top`: every node's latest resource sample as a table, kept current on a
//! terminal from the live event stream (Ctrl-C ends); one snapshot otherwise and with
//! `-o json`.

use std::collections::BTreeMap;

use p2p_shared::api::NodeState;
use p2p_shared::events::{EventBody, EventType, Subscription};
use p2p_shared::metrics::{NodeSample, NodeSamples};

use crate::cli::Output;
use crate::error::CtlError;
use crate::output::{Tabular, print, table, write_stdout};
use crate::session::Session;

/// Most often the table is redrawn (the nodes sample every 2 s by default).
const REFRESH: std::time::Duration = std::time::Duration::from_secs(2);

fn mib(bytes: u64) -> String {
    if bytes >= 10 * 1024 * 1024 * 1024 {
        format!("{:.0}G", bytes as f64 / (1024.0 * 1024.0 * 1024.0))
    } else {
        format!("{:.0}M", bytes as f64 / (1024.0 * 1024.0))
    }
}

fn rate(bytes_per_second: f64) -> String {
    match bytes_per_second {
        b if b >= 1024.0 * 1024.0 => format!("{:.1}M/s", b / (1024.0 * 1024.0)),
        b if b >= 1024.0 => format!("{:.1}K/s", b / 1024.0),
        b => format!("{b:.0}B/s"),
    }
}

impl Tabular for NodeSample {
    fn headers(wide: bool) -> Vec<&'static str> {
        let mut h = vec![
            "NAME",
            "CPU",
            "LOAD",
            "MEMORY",
            "DISK FREE",
            "NET IN",
            "NET OUT",
        ];
        if wide {
            h.extend(["CORES", "SWAP", "AGENT CPU", "AGENT RSS", "SERVICES"]);
        }
        h
    }
    fn row(&self, wide: bool) -> Vec<String> {
        let rx: f64 = self.network.iter().map(|i| i.rx_bytes_per_second).sum();
        let tx: f64 = self.network.iter().map(|i| i.tx_bytes_per_second).sum();
        let mut r = vec![
            self.node_id.clone(),
            format!("{:.0}%", self.cpu_percent),
            format!("{:.2} {:.2} {:.2}", self.load_1, self.load_5, self.load_15),
            format!(
                "{}/{}",
                mib(self.memory_used_bytes),
                mib(self.memory_total_bytes)
            ),
            mib(self.disk_free_bytes),
            rate(rx),
            rate(tx),
        ];
        if wide {
            r.extend([
                self.cpu_cores.to_string(),
                mib(self.swap_used_bytes),
                format!("{:.1}%", self.agent_cpu_percent),
                mib(self.agent_rss_bytes),
                self.services.len().to_string(),
            ]);
        }
        r
    }
}

pub async fn top(env: &Session) -> Result<(), CtlError> {
    let client = env.client()?;
    let format = env.format();
    let live = std::io::IsTerminal::is_terminal(&std::io::stdout())
        && matches!(format.output, Output::Table | Output::Wide);
    if !live {
        let NodeSamples { nodes } = client.node_samples().await?;
        return print(format, &nodes, |l| table(&nodes, l));
    }
    // Live: every sample pushed over the event stream, the table redrawn at most every
    // REFRESH (the nodes sample every 2 s by default).
    let sub = Subscription {
        types: [EventType::Metrics, EventType::Nodes].into(),
        ..Subscription::default()
    };
    let mut stream = client.events(&sub).await?;
    let mut nodes: BTreeMap<String, NodeSample> = BTreeMap::new();
    let mut synced = false;
    let mut dirty = false;
    let mut redraw = tokio::time::interval(REFRESH);
    loop {
        tokio::select! {
            next = stream.next() => match next {
                Some(Ok(e)) => match e.body {
                    EventBody::Metrics(m) => {
                        nodes.insert(m.node_id.clone(), m);
                        dirty = true;
                    }
                    // A node that left or died no longer samples: drop its row.
                    EventBody::Nodes(n) if matches!(n.state, NodeState::Dead | NodeState::Left) => {
                        dirty |= nodes.remove(&n.node_id).is_some();
                    }
                    EventBody::Synced { .. } => {
                        synced = true;
                        dirty = true;
                    }
                    _ => {}
                },
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(()),
            },
            _ = redraw.tick() => {
                if synced && dirty {
                    let rows: Vec<NodeSample> = nodes.values().cloned().collect();
                    // Clear the screen and go home, then the table.
                    write_stdout("\x1b[2J\x1b[H");
                    print(format, &rows, |l| table(&rows, l))?;
                    dirty = false;
                }
            }
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}
