//! Command-line interface of `p2pd` (also the source of its man page and completions).

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "p2pd",
    version,
    about = "p2p-core cluster agent: membership, built-in CA, mutual TLS, operator API",
    long_about = "p2p-core cluster agent.\n\nWithout a subcommand, runs the node described by --config (default /etc/p2pd/p2pd.yaml if it exists). \
A coordinator creates its cluster (CA, admin user) on first start; `p2pd init` does the same ahead of time and prints the CA fingerprint.\n\n\
The vault password comes from --password-file, P2PD_PASSWORD, the systemd credential `p2pd-password`, a prompt on a terminal, or (discouraged) --password."
)]
pub struct Cli {
    #[command(flatten)]
    pub node: NodeArgs,
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

/// Flags shared by every way of running a node; they override the config file.
#[derive(Debug, Clone, Default, Args)]
pub struct NodeArgs {
    /// YAML configuration file.
    #[arg(
        help_heading = "Node options",
        long,
        short = 'c',
        global = true,
        env = "P2PD_CONFIG",
        value_name = "FILE"
    )]
    pub config: Option<PathBuf>,
    /// Vault password on the command line (visible to other users; prefer --password-file).
    #[arg(
        help_heading = "Node options",
        long,
        global = true,
        value_name = "PASSWORD",
        hide_env_values = true
    )]
    pub password: Option<String>,
    /// File holding the vault password.
    #[arg(
        help_heading = "Node options",
        long,
        global = true,
        env = "P2PD_PASSWORD_FILE",
        value_name = "FILE"
    )]
    pub password_file: Option<PathBuf>,
    /// Join the coordinator at HOST:PORT (repeatable); makes this node a worker.
    #[arg(
        help_heading = "Node options",
        long = "coordinator",
        global = true,
        value_name = "HOST:PORT"
    )]
    pub coordinators: Vec<String>,
    /// Join token for a worker's first start (from `p2pctl token create`).
    #[arg(
        help_heading = "Node options",
        long,
        global = true,
        env = "P2PD_JOIN_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub join_token: Option<String>,
    /// File holding the join token.
    #[arg(
        help_heading = "Node options",
        long,
        global = true,
        env = "P2PD_JOIN_TOKEN_FILE",
        value_name = "FILE"
    )]
    pub join_token_file: Option<PathBuf>,
    /// HTTPS port.
    #[arg(help_heading = "Node options", long, global = true, env = "P2PD_PORT")]
    pub port: Option<u16>,
    /// Node name.
    #[arg(
        help_heading = "Node options",
        long,
        global = true,
        env = "P2PD_NODE_ID",
        value_name = "NAME"
    )]
    pub node_id: Option<String>,
    /// State directory (vault, store).
    #[arg(
        help_heading = "Node options",
        long,
        global = true,
        env = "P2PD_STATE_DIR",
        value_name = "DIR"
    )]
    pub state_dir: Option<PathBuf>,
    /// Address to bind the HTTPS listener to.
    #[arg(help_heading = "Node options", long, global = true, value_name = "IP")]
    pub bind_address: Option<IpAddr>,
    /// Address to advertise to other nodes.
    #[arg(help_heading = "Node options", long, global = true, value_name = "IP")]
    pub advertise_address: Option<IpAddr>,
    /// Log level (error, warn, info, debug, trace); RUST_LOG overrides.
    #[arg(
        help_heading = "Node options",
        long,
        global = true,
        env = "P2PD_LOG_LEVEL",
        value_name = "LEVEL",
        value_parser = clap::builder::PossibleValuesParser::new(["error", "warn", "info", "debug", "trace"])
    )]
    pub log_level: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Create a new cluster on this coordinator: vault, CA, admin user. Prints the CA
    /// fingerprint operators pin with `p2pctl login --ca-fingerprint`.
    Init {
        /// File holding the admin password (otherwise one is generated and printed).
        #[arg(long, value_name = "FILE")]
        admin_password_file: Option<PathBuf>,
    },
    /// Start a throw-away local cluster on 127.0.0.1-5 and point p2pctl at it: coordinators
    /// c1-c3 and workers w1-w2. Of the node flags it takes only --log-level; it makes its own
    /// configuration, passwords and tokens. Stops on Ctrl-C, SIGTERM or SIGHUP.
    Dev(DevArgs),
    /// Inspect or re-key the vault.
    #[command(subcommand)]
    Vault(VaultCmd),
}

#[derive(Debug, Clone, Args)]
pub struct DevArgs {
    /// HTTPS port of the coordinator.
    // Own ids: the node flags --port and --state-dir are global, and share a field name.
    #[arg(id = "dev_port", long = "dev-port", default_value_t = crate::config::DEFAULT_PORT, value_name = "PORT")]
    pub port: u16,
    /// Keep state here instead of a temporary directory removed on exit.
    #[arg(id = "dev_state_dir", long = "dev-state-dir", value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// Every node of the dev cluster supervises the service manifests in this directory
    /// (e.g. a copy of config/services/ticker.yaml); none by default.
    #[arg(long = "services-dir", value_name = "DIR")]
    pub services_dir: Option<PathBuf>,
    /// p2pctl configuration file to write the `dev` context into (default: p2pctl's own,
    /// honouring P2PCTL_CONFIG).
    #[arg(long, value_name = "FILE")]
    pub p2pctl_config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum VaultCmd {
    /// List entry names and sizes (never contents).
    Ls,
    /// Re-encrypt the vault under a new password (stop p2pd first).
    Rekey {
        /// File holding the new password (otherwise P2PD_NEW_PASSWORD or a prompt).
        #[arg(long, value_name = "FILE")]
        new_password_file: Option<PathBuf>,
    },
}

/// The man page's sections beyond the options: (title, text), text in plain lines.
pub const MANUAL: &[(&str, &str)] = &[
    (
        "EXAMPLES",
        "p2pd dev\n\
         p2pd --password-file /etc/p2pd/password init\n\
         p2pd --config /etc/p2pd/p2pd.yaml --password-file /etc/p2pd/password\n\
         P2PD_JOIN_TOKEN=p2pjoin1... p2pd --coordinator HOST:8801 --password-file F",
    ),
    (
        "ENVIRONMENT",
        "P2PD_CONFIG, P2PD_PASSWORD_FILE, P2PD_JOIN_TOKEN, P2PD_JOIN_TOKEN_FILE, P2PD_PORT, \
         P2PD_NODE_ID, P2PD_STATE_DIR, P2PD_LOG_LEVEL: as the matching options.\n\
         P2PD_PASSWORD: the vault password (removed from the environment at start, so services \
         never see it). RUST_LOG: log filter, over --log-level.\n\
         STATE_DIRECTORY (systemd): the default state directory.",
    ),
    (
        "FILES",
        "/etc/p2pd/p2pd.yaml: the configuration, if --config is not given.\n\
         STATE_DIRECTORY/vault.p2p: secrets (CA key, node key, tokens' keys), encrypted.\n\
         STATE_DIRECTORY/store.db, raft.db: a coordinator's replicated control plane and its \
         Raft log. local.db: this node's view. logs.db: log records.",
    ),
    (
        "EXIT STATUS",
        "0 after a clean stop; 1 when it cannot start or fails (one line on stderr says why).",
    ),
];
