//! `p2pctl nodes ls|show`: the membership view of the node asked.

use p2p_shared::api::NodeInfo;
use time::OffsetDateTime;

use crate::cli::NodesCmd;
use crate::error::CtlError;
use crate::output::{Tabular, age, print, rfc3339, table};
use crate::session::Session;

pub async fn nodes_cmd(env: &Session, cmd: NodesCmd) -> Result<(), CtlError> {
    match cmd {
        NodesCmd::Ls { watch: false } => {
            let nodes = env.client()?.nodes().await?.nodes;
            print(env.format(), &nodes, |l| table(&nodes, l))
        }
        NodesCmd::Ls { watch: true } => {
            let client = env.client()?;
            // Ages tick every second: compare what changes, not what is printed.
            crate::output::watch(
                env,
                || async { Ok(client.nodes().await?.nodes) },
                |nodes| {
                    nodes
                        .iter()
                        .map(|n| (n.node_id.clone(), n.state, n.api_address.clone()))
                        .collect::<Vec<_>>()
                },
                |nodes, l| table(nodes, l),
            )
            .await
        }
        NodesCmd::Rm { name } => {
            let node = env.client()?.force_leave(&name).await?;
            crate::output::report(env.global.output, &node, || {
                format!(
                    "{name} is now {} in the membership; every member lets it go",
                    node.state
                )
            })
        }
        NodesCmd::Show { name } => {
            let node = env.client()?.node(&name).await?;
            print(env.format(), &node, |l| {
                table(std::slice::from_ref(&node), l.detailed())
            })
        }
    }
}

impl Tabular for NodeInfo {
    fn headers(wide: bool) -> Vec<&'static str> {
        let mut h = vec!["NAME", "ROLE", "STATE", "ADDRESS", "VERSION", "AGE"];
        if wide {
            h.extend(["ADDRESSES", "CERT SERIAL", "CERT EXPIRES"]);
        }
        h
    }
    fn row(&self, wide: bool) -> Vec<String> {
        let mut r = vec![
            self.node_id.clone(),
            self.role.to_string(),
            self.state.to_string(),
            self.api_address.clone(),
            self.version.clone(),
            age(self.last_state_change, OffsetDateTime::now_utc()),
        ];
        if wide {
            r.push(self.addresses.join(","));
            r.push(self.cert_serial.clone().unwrap_or_default());
            r.push(self.cert_not_after.map(rfc3339).unwrap_or_default());
        }
        r
    }
}
