//! `p2pctl svc`: list, inspect and control supervised services anywhere in the cluster.
//! Control waits until the service reaches the requested state; `--all` rolls through
//! every node that runs it, one at a time, and stops at the first node that fails.

use std::time::{Duration, Instant};

use p2p_shared::ApiClient;
use p2p_shared::services::{
    ServiceAction, ServiceDetail, ServiceHealth, ServiceInstance, ServiceState,
};
use serde::Serialize;
use time::OffsetDateTime;

use crate::cli::{SvcCmd, SvcTarget};
use crate::error::{CtlError, Exit};
use crate::output::{Tabular, age, print, progress_bar, table};
use crate::session::Session;

/// How often a waiting command asks again.
const POLL: Duration = Duration::from_millis(250);

pub async fn svc_cmd(env: &Session, cmd: SvcCmd) -> Result<(), CtlError> {
    let client = env.client()?;
    match cmd {
        SvcCmd::Ls { node, watch: true } => {
            crate::output::watch(
                env,
                || async { Ok(client.services(node.as_deref()).await?) },
                |list| {
                    list.services
                        .iter()
                        .map(|i| (i.node_id.clone(), i.name.clone(), i.state, i.health))
                        .collect::<Vec<_>>()
                },
                |list, l| table(&list.services, l),
            )
            .await
        }
        SvcCmd::Ls { node, watch: false } => {
            let list = client.services(node.as_deref()).await?;
            for p in &list.manifest_errors {
                eprintln!("warning: bad manifest on {}: {}", p.node_id, p.error);
            }
            print(env.format(), &list, |l| table(&list.services, l))
        }
        SvcCmd::Status { name, node } => {
            let st = client.service_status(&name, node.as_deref()).await?;
            print(env.format(), &st, |l| table(&st.instances, l))?;
            for u in &st.unreachable {
                eprintln!("warning: {} did not answer: {}", u.node_id, u.error);
            }
            if st.unreachable.is_empty() {
                Ok(())
            } else {
                Err(CtlError::new(
                    Exit::Unreachable,
                    format!("{} node(s) did not answer", st.unreachable.len()),
                ))
            }
        }
        SvcCmd::Start(t) => control(env, &client, ServiceAction::Start, t).await,
        SvcCmd::Stop(t) => control(env, &client, ServiceAction::Stop, t).await,
        SvcCmd::Restart(t) => control(env, &client, ServiceAction::Restart, t).await,
        SvcCmd::Logs { name, filter } => crate::cmd::logs::logs_cmd(env, filter, Some(name)).await,
    }
}

async fn control(
    env: &Session,
    client: &ApiClient,
    action: ServiceAction,
    t: SvcTarget,
) -> Result<(), CtlError> {
    if t.all {
        return rolling(env, client, action, &t).await;
    }
    let before = match action {
        ServiceAction::Restart => current(client, &t.name, t.node.as_deref()).await?,
        _ => None,
    };
    let accepted = client
        .service_action(&t.name, action, t.node.as_deref())
        .await?;
    let node = accepted.instance.node_id.clone();
    let detail = if t.no_wait {
        accepted
    } else {
        let floor = before.map_or(0, |b| b.instance.generation);
        wait_for(client, &t.name, &node, action, floor, t.wait).await?
    };
    print(env.format(), &detail, |l| {
        table(std::slice::from_ref(&detail), l)
    })
}

/// The service's detail on `node` (or on the one node running it).
async fn current(
    client: &ApiClient,
    name: &str,
    node: Option<&str>,
) -> Result<Option<ServiceDetail>, CtlError> {
    let st = client.service_status(name, node).await?;
    Ok(match st.instances.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    })
}

/// True once `d` shows `action` done. A restart is done when a newer generation than
/// `floor` runs (and passed its health check, if it has one).
fn reached(d: &ServiceDetail, action: ServiceAction, floor: u64) -> bool {
    let i = &d.instance;
    let up = i.state == ServiceState::Running
        && matches!(i.health, ServiceHealth::Healthy | ServiceHealth::None);
    match action {
        ServiceAction::Stop => i.state == ServiceState::Stopped,
        ServiceAction::Start => up,
        ServiceAction::Restart => up && i.generation > floor,
    }
}

async fn wait_for(
    client: &ApiClient,
    name: &str,
    node: &str,
    action: ServiceAction,
    floor: u64,
    limit: Duration,
) -> Result<ServiceDetail, CtlError> {
    let deadline = Instant::now() + limit;
    loop {
        let st = client.service_status(name, Some(node)).await?;
        if let Some(d) = st.instances.into_iter().next() {
            if reached(&d, action, floor) {
                return Ok(d);
            }
            if d.instance.state == ServiceState::Failed && action != ServiceAction::Stop {
                return Err(CtlError::new(
                    Exit::Error,
                    format!(
                        "{name} on {node} failed ({})",
                        d.instance
                            .last_exit
                            .as_deref()
                            .unwrap_or("no exit recorded")
                    ),
                ));
            }
            if Instant::now() >= deadline {
                return Err(CtlError::new(
                    Exit::Error,
                    format!(
                        "{name} on {node} is {} ({}) after {}; it did not {} in time",
                        d.instance.state,
                        d.instance.health,
                        humantime::format_duration(limit),
                        action.as_str()
                    ),
                ));
            }
        } else if Instant::now() >= deadline {
            return Err(CtlError::new(
                Exit::Unreachable,
                format!("{node} did not report {name} in time"),
            ));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// One node's result in a rolling operation.
#[derive(Debug, Serialize)]
struct Outcome {
    node_id: String,
    /// `ok`, `failed` or `skipped` (not attempted after an earlier failure).
    result: String,
    state: Option<ServiceState>,
    health: Option<ServiceHealth>,
    generation: Option<u64>,
    seconds: f64,
    error: Option<String>,
}

impl Tabular for Outcome {
    fn headers(_wide: bool) -> Vec<&'static str> {
        vec!["NODE", "RESULT", "STATE", "HEALTH", "TOOK", "ERROR"]
    }
    fn row(&self, _wide: bool) -> Vec<String> {
        vec![
            self.node_id.clone(),
            self.result.clone(),
            self.state.map(|s| s.to_string()).unwrap_or_default(),
            self.health.map(|h| h.to_string()).unwrap_or_default(),
            format!("{:.1}s", self.seconds),
            self.error.clone().unwrap_or_default(),
        ]
    }
}

async fn rolling(
    env: &Session,
    client: &ApiClient,
    action: ServiceAction,
    t: &SvcTarget,
) -> Result<(), CtlError> {
    let mut nodes: Vec<ServiceInstance> = client
        .services(None)
        .await?
        .services
        .into_iter()
        .filter(|i| i.name == t.name)
        .collect();
    if nodes.is_empty() {
        return Err(CtlError::new(
            Exit::NotFound,
            format!("no node runs a service named `{}`", t.name),
        ));
    }
    nodes.sort_by(|a, b| a.node_id.cmp(&b.node_id));
    let label = format!("{} {}", progress_verb(action), t.name);
    let bar = progress_bar(env, nodes.len(), &label);
    let mut outcomes = Vec::with_capacity(nodes.len());
    let mut halted = false;
    for inst in &nodes {
        if halted {
            outcomes.push(Outcome {
                node_id: inst.node_id.clone(),
                result: "skipped".into(),
                state: Some(inst.state),
                health: Some(inst.health),
                generation: Some(inst.generation),
                seconds: 0.0,
                error: None,
            });
            continue;
        }
        if let Some(b) = &bar {
            b.set_message(inst.node_id.clone());
        }
        let started = Instant::now();
        let done = async {
            // The listing comes from gossip and may lag; the node itself knows the
            // generation a restart has to beat.
            let floor = current(client, &t.name, Some(&inst.node_id))
                .await?
                .map_or(inst.generation, |d| d.instance.generation);
            client
                .service_action(&t.name, action, Some(&inst.node_id))
                .await?;
            if t.no_wait {
                return current(client, &t.name, Some(&inst.node_id))
                    .await?
                    .ok_or_else(|| CtlError::new(Exit::NotFound, "the service disappeared"));
            }
            wait_for(client, &t.name, &inst.node_id, action, floor, t.wait).await
        }
        .await;
        let seconds = started.elapsed().as_secs_f64();
        outcomes.push(match done {
            Ok(d) => Outcome {
                node_id: inst.node_id.clone(),
                result: "ok".into(),
                state: Some(d.instance.state),
                health: Some(d.instance.health),
                generation: Some(d.instance.generation),
                seconds,
                error: None,
            },
            Err(e) => {
                halted = true;
                Outcome {
                    node_id: inst.node_id.clone(),
                    result: "failed".into(),
                    state: None,
                    health: None,
                    generation: None,
                    seconds,
                    error: Some(e.message),
                }
            }
        });
        if let Some(b) = &bar {
            b.inc(1);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    print(env.format(), &outcomes, |l| table(&outcomes, l))?;
    let ok = outcomes.iter().filter(|o| o.result == "ok").count();
    eprintln!("{}: {ok} of {} node(s) done", label, outcomes.len());
    if ok == outcomes.len() {
        Ok(())
    } else {
        Err(CtlError::new(
            Exit::Error,
            "stopped at the first node that failed; the nodes after it were left as they were",
        ))
    }
}

fn progress_verb(action: ServiceAction) -> &'static str {
    match action {
        ServiceAction::Start => "starting",
        ServiceAction::Stop => "stopping",
        ServiceAction::Restart => "restarting",
    }
}

fn uptime(i: &ServiceInstance, now: OffsetDateTime) -> String {
    match (i.state, i.started_at) {
        (ServiceState::Starting | ServiceState::Running | ServiceState::Stopping, Some(t)) => {
            age(t, now)
        }
        _ => String::new(),
    }
}

fn ports(i: &ServiceInstance) -> String {
    i.ports
        .iter()
        .map(|(n, p)| format!("{n}:{p}"))
        .collect::<Vec<_>>()
        .join(",")
}

impl Tabular for ServiceInstance {
    fn headers(wide: bool) -> Vec<&'static str> {
        let mut h = vec![
            "NAME", "NODE", "STATE", "HEALTH", "ADDRESS", "PORTS", "TAGS",
        ];
        if wide {
            h.extend(["PID", "UPTIME", "RESTARTS", "DESIRED", "LAST EXIT"]);
        }
        h
    }
    fn row(&self, wide: bool) -> Vec<String> {
        let mut r = vec![
            self.name.clone(),
            self.node_id.clone(),
            self.state.to_string(),
            self.health.to_string(),
            self.addresses.first().cloned().unwrap_or_default(),
            ports(self),
            self.tags.join(","),
        ];
        if wide {
            r.extend([
                self.pid.map(|p| p.to_string()).unwrap_or_default(),
                uptime(self, OffsetDateTime::now_utc()),
                self.restarts.to_string(),
                self.desired.as_str().to_string(),
                self.last_exit.clone().unwrap_or_default(),
            ]);
        }
        r
    }
}

impl Tabular for ServiceDetail {
    fn headers(wide: bool) -> Vec<&'static str> {
        let mut h = vec![
            "NAME",
            "NODE",
            "STATE",
            "HEALTH",
            "PID",
            "UPTIME",
            "RESTARTS",
            "CPU",
            "RSS",
            "LAST EXIT",
        ];
        if wide {
            h.extend(["DESIRED", "NEXT START", "COMMAND", "MANIFEST"]);
        }
        h
    }
    fn row(&self, wide: bool) -> Vec<String> {
        let i = &self.instance;
        let now = OffsetDateTime::now_utc();
        let mut r = vec![
            i.name.clone(),
            i.node_id.clone(),
            i.state.to_string(),
            i.health.to_string(),
            i.pid.map(|p| p.to_string()).unwrap_or_default(),
            uptime(i, now),
            i.restarts.to_string(),
            self.cpu_percent
                .map(|c| format!("{c:.1}%"))
                .unwrap_or_default(),
            self.rss_bytes
                .map(|b| format!("{:.1} MiB", b as f64 / 1048576.0))
                .unwrap_or_default(),
            i.last_exit.clone().unwrap_or_default(),
        ];
        if wide {
            r.extend([
                i.desired.as_str().to_string(),
                self.next_start_at
                    .map(|t| format!("in {}", age(now, t)))
                    .unwrap_or_default(),
                self.command.join(" "),
                self.manifest.clone(),
            ]);
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn detail(state: ServiceState, health: ServiceHealth, generation: u64) -> ServiceDetail {
        ServiceDetail {
            instance: ServiceInstance {
                node_id: "n1".into(),
                name: "web".into(),
                state,
                health,
                desired: p2p_shared::services::DesiredState::Running,
                addresses: vec![],
                ports: BTreeMap::new(),
                tags: vec![],
                pid: None,
                started_at: None,
                restarts: 0,
                generation,
                last_exit: None,
            },
            uptime_seconds: None,
            cpu_percent: None,
            rss_bytes: None,
            consecutive_failures: 0,
            next_start_at: None,
            command: vec![],
            manifest: String::new(),
        }
    }

    #[test]
    fn waiting_conditions() {
        use ServiceAction as A;
        use ServiceHealth as H;
        use ServiceState as S;
        assert!(reached(&detail(S::Running, H::None, 1), A::Start, 0));
        assert!(!reached(&detail(S::Starting, H::Unknown, 1), A::Start, 0));
        assert!(!reached(&detail(S::Running, H::Unhealthy, 1), A::Start, 0));
        assert!(reached(&detail(S::Stopped, H::Unknown, 1), A::Stop, 0));
        assert!(!reached(&detail(S::Stopping, H::Unknown, 1), A::Stop, 0));
        assert!(!reached(&detail(S::Running, H::Healthy, 3), A::Restart, 3));
        assert!(reached(&detail(S::Running, H::Healthy, 4), A::Restart, 3));
    }
}
