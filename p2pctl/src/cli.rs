//! Command-line grammar of `p2pctl`: `p2pctl <noun> <verb>`. Every global flag can also be
//! set through a `P2PCTL_*` variable.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCompleter;

#[derive(Debug, Parser)]
#[command(
    name = "p2pctl",
    version,
    about = "Operate a p2p-core cluster",
    after_help = "Exit codes: 0 ok, 1 error, 2 usage, 3 not signed in or forbidden, 4 not found, 5 server unreachable, 6 rate limited (after waiting out one Retry-After for reads)."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Output format.
    #[arg(help_heading = "Global options", short = 'o', long, global = true, env = "P2PCTL_OUTPUT", value_enum, default_value_t = Output::Table)]
    pub output: Output,
    /// Context to use instead of the current one.
    #[arg(
        help_heading = "Global options",
        long,
        global = true,
        env = "P2PCTL_CONTEXT",
        value_name = "NAME",
        add = ArgValueCompleter::new(crate::completion::context_names)
    )]
    pub context: Option<String>,
    /// Configuration file (default: ~/.config/p2pctl/config.toml).
    #[arg(
        help_heading = "Global options",
        long,
        global = true,
        env = "P2PCTL_CONFIG",
        value_name = "FILE"
    )]
    pub config: Option<PathBuf>,
    /// Send requests to this node (https://HOST:PORT) only, instead of the context's
    /// coordinators; the context's CA pin and credentials apply. Any coordinator answers
    /// everything; a worker answers `nodes ls`, its own services and logs, and only to an
    /// operator-certificate context (`cert issue`).
    #[arg(
        help_heading = "Global options",
        long,
        global = true,
        env = "P2PCTL_ENDPOINT",
        value_name = "URL"
    )]
    pub endpoint: Option<String>,
    /// Request timeout: seconds, or a duration (10s, 2m).
    #[arg(
        help_heading = "Global options",
        long,
        global = true,
        env = "P2PCTL_TIMEOUT",
        default_value = "10",
        value_name = "DURATION",
        value_parser = parse_timeout
    )]
    pub timeout: std::time::Duration,
    /// Reads are linearizable: the coordinator asked confirms with a quorum that it has
    /// every committed change before it answers (slower; fails with no_quorum where a
    /// plain read would answer from a replica that may be stale).
    #[arg(
        help_heading = "Global options",
        long,
        global = true,
        env = "P2PCTL_CONSISTENT"
    )]
    pub consistent: bool,
    /// Tables without their header row.
    #[arg(help_heading = "Global options", long, global = true)]
    pub no_headers: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Table,
    Wide,
    Json,
    Yaml,
    /// The first column (the names) only, one per line.
    Name,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sign in to a cluster and save the session as a context.
    Login(LoginArgs),
    /// Revoke the current session's token and forget it.
    Logout,
    /// Show who the current context is signed in as.
    Whoami,
    /// Manage saved contexts (server, pinned CA, credentials).
    #[command(subcommand)]
    Context(ContextCmd),
    /// List and inspect cluster nodes.
    #[command(subcommand, alias = "node")]
    Nodes(NodesCmd),
    /// Manage operator accounts (admin only).
    #[command(subcommand)]
    User(UserCmd),
    /// Join tokens that let new workers enrol (admin only).
    #[command(subcommand)]
    Token(TokenCmd),
    /// Node and operator certificates: list, renew, revoke, issue.
    #[command(subcommand, alias = "certs")]
    Cert(CertCmd),
    /// The ACME server for workloads (certbot, lego, cert-manager...): binding keys,
    /// accounts, the certificates they got. Revoke one with `p2pctl cert revoke SERIAL`.
    #[command(subcommand)]
    Acme(AcmeCmd),
    /// Supervised services anywhere in the cluster: list, inspect, start, stop, restart
    /// (operator role to change anything).
    #[command(subcommand, alias = "service")]
    Svc(SvcCmd),
    /// Log records of every node and service: query, or follow them as they are collected
    /// (any role). Ask a coordinator for the whole cluster; a worker answers for itself.
    Logs {
        /// Only this service (`p2pd` for the agents' own logs).
        #[arg(long, value_name = "NAME")]
        service: Option<String>,
        #[command(flatten)]
        filter: LogFilterArgs,
    },
    /// Cluster-wide operations: gossip key rotation (admin), gossip counters.
    #[command(subcommand)]
    Cluster(ClusterCmd),
    /// Every node's CPU, load, memory, disk and network, from its latest sample (any
    /// role). On a terminal the table follows the samples as the nodes push them (the
    /// live event stream) until Ctrl-C; otherwise, and
    /// with `-o json`, one snapshot is printed (`-o wide` adds cores, swap, p2pd's own CPU
    /// and memory, and the number of services).
    Top,
    /// Live events as they happen (any role): each node's metric samples, members'
    /// state changes, service state and health changes, log records, certificates
    /// issued, renewed and revoked, and the coordinators' leader. Without -f, prints the
    /// current state of what is asked for (latest samples, members, services, leader) and
    /// ends; with -f, keeps printing changes until Ctrl-C. `-o json` prints each message
    /// as one JSON line: {"type", "time", "data"}.
    Events(EventArgs),
    /// Print the client version, and the server's when signed in.
    Version,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell). For node names
    /// completed from the cluster as you type, use `COMPLETE=<shell> p2pctl` instead (see
    /// the README).
    Completion {
        #[arg(value_enum)]
        shell: clap_complete::aot::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClusterCmd {
    /// Replace the gossip encryption key on every node, without restarts or false failures:
    /// the new key is added, then made primary, then the old one removed, each step
    /// confirmed by every live member over mTLS. Exits non-zero if some member lagged (the
    /// old key then stays valid so it is not cut off; run it again once the member is
    /// healthy, or use --force).
    RotateGossipKey {
        /// Remove the old key even if some members did not confirm the new one (they are cut
        /// off from gossip until they fetch the new keyring from a coordinator).
        #[arg(long)]
        force: bool,
    },
    /// Membership and gossip transport counters of the node the request goes to (pick it
    /// with --endpoint): members by state, probes, refutations, local health, and
    /// datagrams dropped as oversized, malformed, wrongly keyed or replayed.
    GossipStats,
    /// The coordinators' Raft group, as the coordinator asked sees it: who leads, who votes,
    /// how far each has applied the log and how long since it was heard from. `remove NODE`
    /// takes a coordinator out of the group (admin).
    Coordinators {
        #[command(subcommand)]
        cmd: Option<CoordinatorsCmd>,
    },
    /// Overload counters of the node the request goes to (pick it with --endpoint):
    /// requests allowed and refused per rate-limit class, connections per pool (open,
    /// evicted to make room, refused), open follows, failed and throttled logins.
    LimitStats,
    /// Cache counters of the node the request goes to (pick it with --endpoint): entries,
    /// bytes against the bound, hits, misses, evictions, expirations and invalidations per
    /// in-memory cache; with a shared Redis, its hits, misses, errors and refused values.
    CacheStats,
}

#[derive(Debug, Subcommand)]
pub enum CoordinatorsCmd {
    /// List the coordinators (the default).
    Ls,
    /// Take a coordinator out of the Raft group: it stops voting and receiving the log.
    /// Stop its p2pd afterwards; to bring it back, wipe its state directory and join it
    /// again with a coordinator token. The last voting coordinator cannot be removed.
    Remove {
        /// Node name of the coordinator.
        node: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SvcCmd {
    /// Every service instance in the cluster: node, state, health, address, ports, tags
    /// (`-o wide` adds pid, uptime, restarts, desired state and last exit). Bad manifests on
    /// the node asked are reported on stderr.
    Ls {
        /// Only the services of this node.
        #[arg(long, value_name = "NAME")]
        #[arg(add = ArgValueCompleter::new(crate::completion::node_names))]
        node: Option<String>,
        /// Keep watching: print the list again whenever it changes (Ctrl-C ends).
        #[arg(short, long)]
        watch: bool,
    },
    /// Live detail of a service on every node that runs it: pid, uptime, restarts, last
    /// exit, CPU and memory. Exits 5 if a node did not answer.
    Status {
        /// Service name.
        #[arg(add = ArgValueCompleter::new(crate::completion::service_names))]
        name: String,
        /// Only on this node.
        #[arg(long, value_name = "NAME")]
        #[arg(add = ArgValueCompleter::new(crate::completion::node_names))]
        node: Option<String>,
    },
    /// Start a service (and keep it started across restarts of p2pd); waits until it runs
    /// and passes its health check.
    Start(SvcTarget),
    /// Stop a service (it stays stopped across restarts of p2pd); waits until it exited.
    Stop(SvcTarget),
    /// Restart a service; waits until the new process runs and passes its health check.
    Restart(SvcTarget),
    /// The output of a service (every node running it, or --node): `p2pctl logs --service`.
    Logs {
        /// Service name.
        #[arg(add = ArgValueCompleter::new(crate::completion::service_names))]
        name: String,
        #[command(flatten)]
        filter: LogFilterArgs,
    },
}

#[derive(Debug, Clone, Args)]
pub struct EventArgs {
    /// Keep printing events as they happen.
    #[arg(short = 'f', long)]
    pub follow: bool,
    /// Only these types (repeat, or separate with commas): metrics, nodes, services,
    /// logs, certs, coordinators. Default: all.
    #[arg(long = "type", value_name = "TYPE", value_delimiter = ',')]
    pub types: Vec<p2p_shared::events::EventType>,
    /// Only events about this node.
    #[arg(long, value_name = "NAME")]
    #[arg(add = ArgValueCompleter::new(crate::completion::node_names))]
    pub node: Option<String>,
    /// Only this service's state changes and log lines.
    #[arg(long, value_name = "NAME")]
    pub service: Option<String>,
    /// Log records at this level or above: trace, debug, info, warn, error.
    #[arg(long, value_name = "LEVEL")]
    pub level: Option<p2p_shared::logs::LogLevel>,
    /// Only log records whose message matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    pub grep: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct LogFilterArgs {
    /// Keep printing records as they are collected (after the last --tail ones).
    #[arg(short = 'f', long)]
    pub follow: bool,
    /// Only records of this node.
    #[arg(long, value_name = "NAME")]
    #[arg(add = ArgValueCompleter::new(crate::completion::node_names))]
    pub node: Option<String>,
    /// Minimum level: trace, debug, info, warn or error.
    #[arg(long, value_name = "LEVEL")]
    pub level: Option<p2p_shared::logs::LogLevel>,
    /// Only records since this long ago (10m, 2h, 7d) or this time (RFC 3339).
    #[arg(long, value_name = "AGE|TIME")]
    pub since: Option<String>,
    /// Only records until this long ago or this time.
    #[arg(long, value_name = "AGE|TIME")]
    pub until: Option<String>,
    /// Print the newest N records (default 100, or 10 with --follow; at most 10000).
    #[arg(long, value_name = "N")]
    pub tail: Option<u32>,
    /// Only records whose message matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    pub grep: Option<String>,
}

#[derive(Debug, Args)]
pub struct SvcTarget {
    /// Service name.
    #[arg(add = ArgValueCompleter::new(crate::completion::service_names))]
    pub name: String,
    /// The node that runs it (required when several nodes do).
    #[arg(long, value_name = "NAME", conflicts_with = "all")]
    #[arg(add = ArgValueCompleter::new(crate::completion::node_names))]
    pub node: Option<String>,
    /// Every node that runs it, one at a time: each must be back (running and healthy)
    /// before the next is touched; stops at the first failure. Progress bar on a terminal,
    /// per-node summary at the end.
    #[arg(long)]
    pub all: bool,
    /// How long to wait on each node for the service to reach the requested state.
    #[arg(long, default_value = "60s", value_parser = parse_duration, value_name = "DURATION")]
    pub wait: std::time::Duration,
    /// Return once the node has accepted the request, without waiting.
    #[arg(long)]
    pub no_wait: bool,
}

#[derive(Debug, Subcommand)]
pub enum TokenCmd {
    /// Create a join token and print it (shown only this once).
    Create {
        /// How long the token stays valid, e.g. 30m, 1h, 7d (at most 30d).
        #[arg(long, default_value = "1h", value_parser = parse_duration)]
        ttl: std::time::Duration,
        /// Only a node of this name may join with it.
        #[arg(long, value_name = "NAME")]
        node_id: Option<String>,
        /// How many nodes may join with it.
        #[arg(long, default_value_t = 1)]
        uses: u32,
        /// The token enrols a coordinator (started with coordinator_mode: true), which
        /// receives the CA key and joins the coordinators' Raft group.
        #[arg(long)]
        coordinator: bool,
    },
    /// List join tokens (never their secrets).
    Ls,
    /// Refuse a token from now on.
    Revoke {
        /// Token id, as listed by `p2pctl token ls`.
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum CertCmd {
    /// Every node's current certificate: serial, SANs, expiry, days left, status.
    Ls {
        /// Also superseded, expired and revoked certificates, and operator certificates.
        #[arg(long)]
        all: bool,
    },
    /// One node's current certificate.
    Show {
        /// Node name.
        #[arg(add = ArgValueCompleter::new(crate::completion::node_names))]
        node: String,
    },
    /// Renew node certificates. Without --node, every node whose certificate is due (under
    /// 30 days left; nodes renew by themselves on an address or name change), one after
    /// another (progress bar on a terminal, summary at the end); says so when none is due.
    Renew {
        /// Only this node (renewed whether due or not).
        #[arg(long, value_name = "NAME", conflicts_with = "force")]
        #[arg(add = ArgValueCompleter::new(crate::completion::node_names))]
        node: Option<String>,
        /// Every node, due or not.
        #[arg(long, alias = "all")]
        force: bool,
    },
    /// Revoke a certificate by serial, or every valid certificate of a node. Nodes refuse it
    /// within seconds and close its open connections.
    Revoke {
        /// Node name or certificate serial (hex).
        #[arg(add = ArgValueCompleter::new(crate::completion::node_names))]
        target: String,
    },
    /// Save the CA's certificate revocation list (signed by the CA, valid 24 h, no
    /// credentials needed: `GET /v1/pki/crl`) for TLS servers outside the cluster, e.g.
    /// nginx `ssl_crl` or HAProxy `crl-file`. Fetch it again at least daily.
    Crl {
        /// Where to write it (replaced atomically); `-` for standard output.
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
        /// DER instead of PEM.
        #[arg(long)]
        der: bool,
    },
    /// Issue an operator client certificate: the key is generated here and never sent.
    Issue {
        /// User name the certificate names.
        #[arg(long)]
        user: String,
        /// admin, operator or viewer.
        #[arg(long, default_value = "viewer")]
        role: String,
        /// Lifetime, e.g. 7d (default 30d).
        #[arg(long, value_parser = parse_duration)]
        ttl: Option<std::time::Duration>,
        /// Save a context under this name that signs in with the certificate (default:
        /// <user>-cert).
        #[arg(long = "context-name", value_name = "NAME")]
        context_name: Option<String>,
        /// Replace a context of that name (and its certificate and key files).
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AcmeCmd {
    /// External account binding keys: an ACME account can only be created with one.
    #[command(subcommand)]
    Eab(EabCmd),
    /// ACME accounts.
    #[command(subcommand)]
    Accounts(AcmeAccountsCmd),
    /// Workload certificates issued through ACME.
    #[command(subcommand)]
    Certs(AcmeCertsCmd),
}

#[derive(Debug, Subcommand)]
pub enum EabCmd {
    /// Make a binding key and print its id and HMAC key (shown only this once), for
    /// `certbot --eab-kid --eab-hmac-key` or `lego --eab --kid --hmac` (admin).
    Create {
        /// What the account may get certificates for, comma-separated: DNS names,
        /// `*.suffix` (any name under it), `*` (any DNS name), IP addresses and CIDRs
        /// such as 10.0.0.0/8.
        #[arg(long, value_delimiter = ',', required = true, value_name = "PATTERNS")]
        names: Vec<String>,
        /// How long the key can bind an account (at most 30d).
        #[arg(long, default_value = "24h", value_parser = parse_duration)]
        ttl: std::time::Duration,
        /// Longest validity of a certificate the account gets (1h to 398d).
        #[arg(long, default_value = "90d", value_parser = parse_duration)]
        max_validity: std::time::Duration,
    },
    /// List binding keys (never their HMAC keys).
    Ls,
}

#[derive(Debug, Subcommand)]
pub enum AcmeAccountsCmd {
    /// Every account, its status, binding key, allowed names and valid certificates.
    Ls,
    /// Refuse everything the account's key signs from now on (admin). Its certificates
    /// stay valid until revoked.
    Deactivate {
        /// Account id, as listed by `p2pctl acme accounts ls`.
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AcmeCertsCmd {
    /// Valid workload certificates (SUBJECT is the account id).
    Ls {
        /// Also expired and revoked ones.
        #[arg(long)]
        all: bool,
    },
}

/// A duration flag that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("invalid duration `{text}` ({source}): e.g. 30m, 1h, 7d")]
pub struct BadDuration {
    text: String,
    source: humantime::DurationError,
}

/// A bare number is seconds (as before durations were accepted).
fn parse_timeout(s: &str) -> Result<std::time::Duration, BadDuration> {
    match s.trim().parse::<u64>() {
        Ok(secs) => Ok(std::time::Duration::from_secs(secs)),
        Err(_) => parse_duration(s),
    }
}

fn parse_duration(s: &str) -> Result<std::time::Duration, BadDuration> {
    humantime::parse_duration(s).map_err(|source| BadDuration {
        text: s.to_string(),
        source,
    })
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// A coordinator, as https://HOST:PORT (default: the current context's, trying its other
    /// coordinators too).
    #[arg(long, env = "P2PCTL_SERVER", value_name = "URL")]
    pub server: Option<String>,
    /// SHA256 fingerprint of the cluster CA, as printed by `p2pd init`.
    #[arg(long, env = "P2PCTL_CA_FINGERPRINT", value_name = "SHA256:HEX")]
    pub ca_fingerprint: Option<String>,
    /// User name (default: the context's, else `admin`).
    #[arg(long, env = "P2PCTL_USER")]
    pub user: Option<String>,
    /// File holding the password (else P2PCTL_PASSWORD, else a prompt).
    #[arg(long, env = "P2PCTL_PASSWORD_FILE", value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Name to save the context under (default: the server's host_port).
    #[arg(long = "name", value_name = "CONTEXT")]
    pub context_name: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ContextCmd {
    /// List contexts; the current one is marked.
    Ls,
    /// Make a context current.
    Use {
        #[arg(add = ArgValueCompleter::new(crate::completion::context_names))]
        name: String,
    },
    /// Print the current context's name.
    Current,
    /// Give a context another name (it stays current if it was).
    Rename {
        #[arg(add = ArgValueCompleter::new(crate::completion::context_names))]
        old: String,
        new: String,
    },
    /// Delete a context, and the certificate and key files p2pctl wrote for it.
    Rm {
        #[arg(add = ArgValueCompleter::new(crate::completion::context_names))]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum NodesCmd {
    /// List every node.
    Ls {
        /// Keep watching: print the list again whenever it changes (Ctrl-C ends).
        #[arg(short, long)]
        watch: bool,
    },
    /// Show one node.
    Show {
        /// Node name.
        #[arg(add = ArgValueCompleter::new(crate::completion::node_names))]
        name: String,
    },
    /// Force a dead node out (admin): every member marks it left instead of dead and stops
    /// counting it. Refused for a node that is alive (stop it, and it leaves). If it comes
    /// back after all, it rejoins as usual.
    #[command(alias = "force-leave")]
    Rm {
        /// Node name.
        #[arg(add = ArgValueCompleter::new(crate::completion::node_names))]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCmd {
    /// Create a user.
    Add {
        name: String,
        /// admin, operator or viewer.
        #[arg(long, default_value = "viewer")]
        role: String,
        /// File holding the new user's password (else P2PCTL_NEW_PASSWORD, else a prompt).
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
    },
    /// List users.
    Ls,
    /// Delete a user.
    Rm { name: String },
    /// Set a user's password (admins: anyone's; others: their own, with the current one).
    /// Every session of the user ends.
    Passwd {
        name: String,
        /// File holding the new password (else P2PCTL_NEW_PASSWORD, else a prompt).
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        /// File holding your current password, when you change your own (else
        /// P2PCTL_PASSWORD, else a prompt; admins changing someone else's need none).
        #[arg(long, value_name = "FILE")]
        current_password_file: Option<PathBuf>,
    },
    /// End every session (token) of a user (admins: anyone's; others: their own).
    RevokeSessions { name: String },
}

/// The man page's sections beyond the options: (title, text), text in plain lines.
pub const MANUAL: &[(&str, &str)] = &[
    (
        "EXAMPLES",
        "p2pctl login --server https://HOST:8801 --ca-fingerprint SHA256:... --user admin\n\
         p2pctl nodes ls -o wide\n\
         p2pctl logs -f --node w1 --service foo\n\
         p2pctl svc restart foo --all\n\
         p2pctl cert renew\n\
         p2pctl token create --ttl 1h --uses 3\n\
         p2pctl -o json cluster coordinators",
    ),
    (
        "ENVIRONMENT",
        "P2PCTL_CONFIG (contexts file), P2PCTL_CONTEXT, P2PCTL_OUTPUT, P2PCTL_ENDPOINT, \
         P2PCTL_TIMEOUT, P2PCTL_CONSISTENT, P2PCTL_SERVER, P2PCTL_CA_FINGERPRINT, P2PCTL_USER, \
         P2PCTL_PASSWORD_FILE: as the matching options.\n\
         P2PCTL_PASSWORD: the password for login; P2PCTL_NEW_PASSWORD: for user add and passwd.\n\
         NO_COLOR: no colours in log lines.",
    ),
    (
        "FILES",
        "$XDG_CONFIG_HOME/p2pctl/config.toml (else ~/.config/p2pctl/config.toml): contexts \
         (server, CA fingerprint, user, token), mode 0600.\n\
         certs/NAME.crt and certs/NAME.key beside it: operator certificates from cert issue.",
    ),
    (
        "EXIT STATUS",
        "0 ok; 1 error; 2 usage (also a request the server refuses as malformed); 3 not signed \
         in or forbidden; 4 not found; 5 server unreachable; 6 rate limited.",
    ),
];
