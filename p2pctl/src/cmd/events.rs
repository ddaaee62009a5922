//! `p2pctl events`: the live-event stream (`GET /v1/events`). Without `-f` it prints the
//! current state of what is asked for (each node's latest sample, the members, the
//! services, the leader) and ends; with `-f` it then keeps printing changes, reconnecting
//! to another coordinator if the stream breaks. `-o json` prints each message as one JSON
//! line (NDJSON), exactly as the server sent it.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use p2p_shared::ClientError;
use p2p_shared::events::{Event, EventBody, Subscription};

use crate::cli::{EventArgs, Output};
use crate::error::CtlError;
use crate::session::Session;

/// Pause before reconnecting a broken follow.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

fn hms(e: &Event) -> String {
    e.time
        .format(time::macros::format_description!(
            "[hour]:[minute]:[second].[subsecond digits:3]"
        ))
        .unwrap_or_default()
}

fn mib(b: u64) -> String {
    format!("{:.0}M", b as f64 / (1024.0 * 1024.0))
}

/// One readable line per event.
pub fn line(e: &Event, colour: bool) -> String {
    let what = match &e.body {
        EventBody::Metrics(m) => format!(
            "{} cpu {:.0}% load {:.2} memory {}/{} agent {:.1}% {}",
            m.node_id,
            m.cpu_percent,
            m.load_1,
            mib(m.memory_used_bytes),
            mib(m.memory_total_bytes),
            m.agent_cpu_percent,
            mib(m.agent_rss_bytes)
        ),
        EventBody::Nodes(n) => match n.previous {
            Some(p) => format!("{} {} -> {} ({})", n.node_id, p, n.state, n.role),
            None => format!("{} {} ({})", n.node_id, n.state, n.role),
        },
        EventBody::Services(s) => format!(
            "{}/{} {} ({}) generation {} restarts {}{}",
            s.node_id,
            s.name,
            s.state,
            s.health,
            s.generation,
            s.restarts,
            s.last_exit
                .as_ref()
                .map(|x| format!(", last exit: {x}"))
                .unwrap_or_default()
        ),
        EventBody::Logs(r) => return super::logs::text(r, false, colour),
        EventBody::Certs(c) => format!(
            "{:?} {:?} {} serial {}",
            c.change, c.kind, c.subject, c.serial
        )
        .to_lowercase(),
        EventBody::Coordinators(c) => format!(
            "leader {} term {}",
            c.leader.as_deref().unwrap_or("(none)"),
            c.term
        ),
        EventBody::Synced { .. } | EventBody::Lagged { .. } => String::new(),
    };
    format!("{} {:<12} {what}", hms(e), e.body.type_name())
}

/// Prints one message; false once stdout is closed (`| head`).
fn emit(e: &Event, json: bool, colour: bool) -> bool {
    let text = if json {
        serde_json::to_string(e).unwrap_or_default()
    } else {
        line(e, colour)
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").and_then(|()| out.flush()).is_ok()
}

pub async fn events(env: &Session, a: EventArgs) -> Result<(), CtlError> {
    let client = env.client()?;
    let json = matches!(env.global.output, Output::Json | Output::Yaml);
    let colour = std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let sub = Subscription {
        types: a.types.iter().copied().collect(),
        node: a.node,
        service: a.service,
        level: a.level,
        grep: a.grep,
    };
    let mut stream = client.events(&sub).await?;
    loop {
        let next = tokio::select! {
            n = stream.next() => n,
            _ = tokio::signal::ctrl_c() => return Ok(()),
        };
        match next {
            Some(Ok(e)) => match &e.body {
                EventBody::Synced { .. } if !a.follow => return Ok(()),
                EventBody::Synced { .. } => {}
                EventBody::Lagged { dropped } if !json => {
                    eprintln!("p2pctl: missed {dropped} events: this terminal read them too slowly")
                }
                _ => {
                    if !emit(&e, json, colour) {
                        return Ok(());
                    }
                }
            },
            Some(Err(e @ ClientError::Closed { code: 1008, .. })) => return Err(e.into()),
            other if !a.follow => {
                return match other {
                    Some(Err(e)) => Err(e.into()),
                    _ => Err(CtlError::from(ClientError::Unreachable {
                        server: stream.server().to_string(),
                        reason: "the stream ended before the current state was sent".into(),
                    })),
                };
            }
            other => {
                let why = match other {
                    Some(Err(e)) => e.to_string(),
                    _ => "closed".into(),
                };
                eprintln!(
                    "p2pctl: the event stream from {} broke ({why}); reconnecting",
                    stream.server()
                );
                stream = reconnect(&client, &sub).await?;
            }
        }
    }
}

/// Opens the stream again (on whichever server answers first), waiting between tries for
/// as long as the servers are unreachable; an authentication failure ends it.
async fn reconnect(
    client: &p2p_shared::ApiClient,
    sub: &Subscription,
) -> Result<p2p_shared::EventStream, CtlError> {
    loop {
        tokio::time::sleep(RECONNECT_AFTER).await;
        match client.events(sub).await {
            Ok(s) => return Ok(s),
            Err(e @ (ClientError::Unreachable { .. } | ClientError::RateLimited { .. })) => {
                eprintln!("p2pctl: cannot reopen the event stream ({e}); trying again");
            }
            Err(e) if e.status().is_some_and(|s| s >= 500) => {
                eprintln!("p2pctl: cannot reopen the event stream ({e}); trying again");
            }
            Err(e) => return Err(e.into()),
        }
    }
}
