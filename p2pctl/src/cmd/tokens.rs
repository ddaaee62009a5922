//! `p2pctl token create|ls|revoke`: join tokens for new nodes.

use p2p_shared::api::{CreateJoinTokenRequest, JoinTokenInfo};
use p2p_shared::identity::is_valid_name;

use crate::cli::{Output, TokenCmd};
use crate::error::CtlError;
use crate::output::{Tabular, print, report, rfc3339, table};
use crate::session::Session;

impl Tabular for JoinTokenInfo {
    fn headers(_wide: bool) -> Vec<&'static str> {
        vec!["ID", "NODE", "USES LEFT", "STATUS", "EXPIRES", "CREATED BY"]
    }
    fn row(&self, _wide: bool) -> Vec<String> {
        vec![
            self.token_id.clone(),
            self.node_id.clone().unwrap_or_else(|| "any".into()),
            format!("{}/{}", self.uses_left, self.uses),
            self.status.to_string(),
            rfc3339(self.expires_at),
            self.created_by.clone(),
        ]
    }
}

pub async fn token_cmd(env: &Session, cmd: TokenCmd) -> Result<(), CtlError> {
    let client = env.client()?;
    let out = env.global.output;
    match cmd {
        TokenCmd::Create {
            ttl,
            node_id,
            uses,
            coordinator,
        } => {
            if let Some(n) = &node_id
                && !is_valid_name(n)
            {
                return Err(CtlError::usage(format!("invalid node name `{n}`")));
            }
            let created = client
                .create_join_token(&CreateJoinTokenRequest {
                    ttl_seconds: ttl.as_secs().max(1),
                    node_id,
                    uses,
                    coordinator,
                })
                .await?;
            match out {
                Output::Json | Output::Yaml => print(env.format(), &created, |_| String::new()),
                _ => {
                    println!("{}", created.token);
                    let start = if created.info.coordinator {
                        "a coordinator (coordinator_mode: true)"
                    } else {
                        "a worker"
                    };
                    eprintln!(
                        "Join token {} ({} use{}, expires {}). Start {start} with:\n  P2PD_JOIN_TOKEN=<token> p2pd --coordinator HOST:PORT\nThe token is shown only now.",
                        created.info.token_id,
                        created.info.uses,
                        if created.info.uses == 1 { "" } else { "s" },
                        rfc3339(created.info.expires_at)
                    );
                    Ok(())
                }
            }
        }
        TokenCmd::Ls => {
            let tokens = client.join_tokens().await?.tokens;
            print(env.format(), &tokens, |l| table(&tokens, l))
        }
        TokenCmd::Revoke { id } => {
            let info = client.revoke_join_token(&id).await?;
            report(out, &info, || format!("Join token {id} revoked"))
        }
    }
}
