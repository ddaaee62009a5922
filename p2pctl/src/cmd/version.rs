//! `p2pctl version`: this client's version and, when reachable, the server's.

use serde::Serialize;

use crate::cli::Output;
use crate::error::CtlError;
use crate::output::print;
use crate::session::Session;

#[derive(Serialize)]
struct Versions {
    client: String,
    server: Option<String>,
    server_node: Option<String>,
}

pub async fn version(env: &Session) -> Result<(), CtlError> {
    let mut v = Versions {
        client: env!("CARGO_PKG_VERSION").to_string(),
        server: None,
        server_node: None,
    };
    if let Ok(client) = env.client()
        && let Ok(h) = client.health().await
    {
        v.server = Some(h.version);
        v.server_node = Some(h.node_id);
    }
    match env.global.output {
        Output::Json | Output::Yaml => print(env.format(), &v, |_| String::new()),
        _ => {
            println!("p2pctl {}", v.client);
            if let (Some(s), Some(n)) = (&v.server, &v.server_node) {
                println!("server {s} (node {n})");
            }
            Ok(())
        }
    }
}
