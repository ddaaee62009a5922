//! `p2pd` binary: argument parsing, logging, signals and systemd glue around the library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use clap::Parser;
use p2p_shared::jointoken::JoinToken;
use p2pd::cli::{Cli, Cmd, DevArgs, NodeArgs, VaultCmd};
use p2pd::config::{Config, ConfigError, DEFAULT_CONFIG_PATH, LogFormat, NodeName};
use p2pd::logs::capture::CaptureSlot;
use p2pd::node::bootstrap::{self, initialize};
use p2pd::node::{AgentOptions, start};
use p2pd::secrets::password::{EnvSecrets, PasswordSources, read_secret_file, take_env_secrets};
use p2pd::secrets::vault::{KdfParams, Vault};
use zeroize::Zeroizing;

/// Every connection is a file descriptor, and the usual soft limit (1024) is below what
/// the connection pools admit: take the hard limit, which needs no privilege.
fn raise_open_file_limit() {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    if let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE)
        && soft < hard
    {
        let _ = setrlimit(Resource::RLIMIT_NOFILE, hard, hard);
    }
}

/// glibc raises its mmap threshold to the largest block freed so far (an Argon2 buffer:
/// tens of MiB) and its trim threshold to twice that; from then on such buffers come from
/// the arenas and stay resident after they are freed (tens of MiB after one login). Fixed
/// thresholds keep big buffers mmapped, so freeing returns them; two arenas are plenty for
/// an agent's few threads and stop per-thread arenas from each keeping their own free space.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)] // the one FFI call of the binary: glibc has no safe binding for this
fn tune_allocator() {
    const THRESHOLD: libc::c_int = 256 * 1024;
    // SAFETY: mallopt only sets allocator parameters; called before any other thread runs.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, THRESHOLD);
        libc::mallopt(libc::M_TRIM_THRESHOLD, THRESHOLD);
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}

/// Runtime worker threads: a worker node's load is a few timers and connections, so two
/// suffice whatever the core count; a coordinator serves the cluster and gets every core.
fn worker_threads(config: Option<&Config>) -> usize {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    match config {
        Some(c) if !c.coordinator_mode => cores.min(2),
        _ => cores,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Before any thread exists: secrets leave the environment, so services never see them,
    // and nothing p2pd creates (vault, databases, lock files) is readable by anyone else.
    let secrets = take_env_secrets();
    nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o077));
    raise_open_file_limit();
    tune_allocator();
    // The node's configuration decides the runtime's size; if it does not load, `run_node`
    // loads it again to report why.
    let node_config = match cli.command {
        None => load_config(&cli.node).ok(),
        Some(_) => None,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(worker_threads(node_config.as_ref()))
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("p2pd: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli, node_config, &secrets)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line an operator can act on; the chain gives the cause.
            eprintln!("p2pd: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// File, then flags on top.
fn load_config(args: &NodeArgs) -> Result<Config> {
    let mut config = match &args.config {
        Some(p) => Config::load(p)?,
        None if Path::new(DEFAULT_CONFIG_PATH).exists() => {
            Config::load(Path::new(DEFAULT_CONFIG_PATH))?
        }
        None => Config::default(),
    };
    if !args.coordinators.is_empty() {
        config.coordinator_addresses = args.coordinators.clone();
        config.coordinator_mode = false;
    }
    if let Some(p) = args.port {
        config.http.port = p;
    }
    if let Some(n) = &args.node_id {
        config.node_id = Some(NodeName::parse(n).map_err(|e| ConfigError::Value {
            origin: "--node-id".into(),
            message: e.to_string(),
        })?);
    }
    if let Some(d) = &args.state_dir {
        config.state_directory = d.clone();
    }
    if let Some(a) = args.bind_address {
        config.http.bind_address = a;
    }
    if let Some(a) = args.advertise_address {
        config.http.advertise_address = Some(a);
    }
    let origin = match &args.config {
        Some(p) => format!("{} with the command line", p.display()),
        None => "the command line".to_string(),
    };
    config.validate(&origin)?;
    Ok(config)
}

/// Logs to stderr (journald under systemd) and returns the slot through which the agent's
/// events also become records of its log pipeline once it runs.
fn init_tracing(config: &Config, override_level: Option<&str>) -> CaptureSlot {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let level = override_level.unwrap_or(config.log_level.as_str());
    // openraft narrates every vote and membership step, even at warn, and logs an error
    // for each retry to a coordinator that is down. Below debug p2pd speaks for it: leader
    // changes, a peer lost and found again (once each), writes that fail.
    let directives = match level {
        "debug" | "trace" => level.to_string(),
        _ => format!("{level},openraft=off"),
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(directives));
    // Colour only for a person at a terminal; journald and log files get plain text.
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let capture = CaptureSlot::default();
    let fmt = tracing_subscriber::fmt::layer()
        .with_ansi(colour)
        .with_writer(std::io::stderr);
    let registry = tracing_subscriber::registry()
        .with(filter)
        .with(capture.layer());
    let _ = match config.log_format {
        LogFormat::Json => registry.with(fmt.json()).try_init(),
        LogFormat::Text => registry.with(fmt).try_init(),
    };
    capture
}

fn password_sources(args: &NodeArgs, secrets: &EnvSecrets) -> PasswordSources {
    PasswordSources {
        argv: args.password.clone(),
        file: args.password_file.clone(),
        env: secrets.password.clone(),
    }
}

async fn run(cli: Cli, node_config: Option<Config>, secrets: &EnvSecrets) -> Result<()> {
    match cli.command {
        None => run_node(&cli.node, node_config, secrets).await,
        Some(Cmd::Init {
            admin_password_file,
        }) => run_init(&cli.node, secrets, admin_password_file.as_deref()).await,
        Some(Cmd::Dev(dev)) => run_dev(&cli.node, dev).await,
        Some(Cmd::Vault(VaultCmd::Ls)) => vault_ls(&cli.node, secrets),
        Some(Cmd::Vault(VaultCmd::Rekey { new_password_file })) => {
            vault_rekey(&cli.node, secrets, new_password_file)
        }
    }
}

async fn run_node(args: &NodeArgs, loaded: Option<Config>, secrets: &EnvSecrets) -> Result<()> {
    let config = match loaded {
        Some(c) => c,
        None => load_config(args)?,
    };
    let log_capture = init_tracing(&config, args.log_level.as_deref());
    let join_token = join_token(args, &config)?;
    let password = password_sources(args, secrets).resolve("Vault password", false)?;
    let agent = start(AgentOptions {
        config,
        password,
        kdf: KdfParams::DEFAULT,
        admin_password: None,
        join_token,
        log_capture,
    })
    .await?;
    notify_systemd_ready();
    wait_for_signal().await?;
    tracing::info!("shutting down");
    agent.shutdown().await;
    let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Stopping]);
    Ok(())
}

/// The join token from --join-token / P2PD_JOIN_TOKEN, --join-token-file, or the config's
/// `join_token_file` / `join_token`, first found wins.
fn join_token(args: &NodeArgs, config: &Config) -> Result<Option<JoinToken>> {
    let text = if let Some(t) = &args.join_token {
        Some(Zeroizing::new(t.clone()))
    } else if let Some(f) = args
        .join_token_file
        .as_ref()
        .or(config.join_token_file.as_ref())
    {
        Some(read_secret_file(f).with_context(|| format!("join token file {}", f.display()))?)
    } else {
        config.join_token.clone().map(Zeroizing::new)
    };
    text.map(|t| JoinToken::parse(&t).map_err(anyhow::Error::from))
        .transpose()
}

/// READY=1 once the listener is up, and watchdog pings at half the interval systemd asks for.
fn notify_systemd_ready() {
    if let Err(e) = sd_notify::notify(false, &[sd_notify::NotifyState::Ready]) {
        tracing::warn!(error = %e, "cannot notify systemd");
    }
    let mut usec = 0u64;
    if sd_notify::watchdog_enabled(false, &mut usec) && usec > 0 {
        let period = Duration::from_micros(usec / 2);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(period);
            loop {
                tick.tick().await;
                let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Watchdog]);
            }
        });
    }
}

async fn wait_for_signal() -> Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?;
    tokio::select! {
        _ = term.recv() => {}
        r = tokio::signal::ctrl_c() => r.context("cannot listen for SIGINT")?,
    }
    Ok(())
}

async fn run_init(
    args: &NodeArgs,
    secrets: &EnvSecrets,
    admin_password_file: Option<&Path>,
) -> Result<()> {
    let config = load_config(args)?;
    init_tracing(&config, args.log_level.as_deref());
    if !config.coordinator_mode {
        bail!("`p2pd init` creates a cluster and is for coordinators; workers join with a token");
    }
    let vault_path = bootstrap::vault_path(&config.state_directory);
    if vault_path.exists() {
        bail!(
            "{} already holds a vault; this node is initialised",
            vault_path.display()
        );
    }
    let admin = admin_password_file.map(read_secret_file).transpose()?;
    let password = password_sources(args, secrets).resolve("New vault password", true)?;
    std::fs::create_dir_all(&config.state_directory).with_context(|| {
        format!(
            "cannot create state directory {}",
            config.state_directory.display()
        )
    })?;
    let outcome = tokio::task::spawn_blocking(move || {
        // Shown before the vault is written: a crash cannot lose it.
        let keep = |pw: &str| {
            println!("Admin user: admin, password: {pw}");
            Ok(())
        };
        initialize(&vault_path, &password, admin, KdfParams::DEFAULT, keep)
    })
    .await??;
    println!("Initialised cluster {}", outcome.cluster_id);
    println!("CA fingerprint: {}", outcome.fingerprint);
    if outcome.generated_admin_password.is_none() {
        println!("Admin user: admin (password from the given file)");
    }
    println!(
        "Sign in with: p2pctl login --server https://HOST:{} --ca-fingerprint {} --user admin",
        config.http.port, outcome.fingerprint
    );
    Ok(())
}

/// The node flags `p2pd dev` has no use for (it makes every node's configuration).
fn refuse_node_flags_in_dev(args: &NodeArgs) -> Result<()> {
    let set: Vec<&str> = [
        ("--config (or P2PD_CONFIG)", args.config.is_some()),
        ("--password", args.password.is_some()),
        ("--password-file", args.password_file.is_some()),
        ("--coordinator", !args.coordinators.is_empty()),
        (
            "--join-token (or P2PD_JOIN_TOKEN)",
            args.join_token.is_some(),
        ),
        ("--join-token-file", args.join_token_file.is_some()),
        ("--port (or P2PD_PORT)", args.port.is_some()),
        ("--node-id (or P2PD_NODE_ID)", args.node_id.is_some()),
        ("--state-dir (or P2PD_STATE_DIR)", args.state_dir.is_some()),
        ("--bind-address", args.bind_address.is_some()),
        ("--advertise-address", args.advertise_address.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, given)| given.then_some(name))
    .collect();
    if !set.is_empty() {
        bail!(
            "p2pd dev makes its own configuration and does not use {}; its options are --dev-port, --dev-state-dir, --services-dir, --p2pctl-config and --log-level",
            set.join(", ")
        );
    }
    Ok(())
}

async fn run_dev(args: &NodeArgs, dev: DevArgs) -> Result<()> {
    refuse_node_flags_in_dev(args)?;
    let config = Config::default();
    init_tracing(&config, args.log_level.as_deref().or(Some("warn")));
    let ctl_config = match dev.p2pctl_config {
        Some(p) => p,
        None => p2p_shared::contexts::default_config_path()?,
    };
    // Listening before the cluster starts: a signal during start-up stops it once it is up
    // (rather than killing the process with its state half written). Closing the terminal
    // (SIGHUP) stops it as cleanly as Ctrl-C.
    use tokio::signal::unix::{SignalKind, signal};
    let mut stop = Vec::new();
    for kind in [
        SignalKind::interrupt(),
        SignalKind::terminate(),
        SignalKind::hangup(),
    ] {
        stop.push(signal(kind).context("cannot listen for signals")?);
    }
    let cluster = p2pd::node::dev::start_dev(
        dev.port,
        dev.state_dir,
        ctl_config,
        dev.services_dir,
        args.log_level.as_deref().unwrap_or("warn"),
    )
    .await?;
    print!("{}", cluster.summary());
    notify_systemd_ready();
    futures_util::future::select_all(stop.iter_mut().map(|s| Box::pin(s.recv()))).await;
    eprintln!("p2pd dev: stopping");
    cluster.shutdown().await;
    Ok(())
}

fn vault_file(args: &NodeArgs) -> Result<PathBuf> {
    let config = load_config(args)?;
    init_tracing(&config, args.log_level.as_deref());
    Ok(bootstrap::vault_path(&config.state_directory))
}

fn vault_ls(args: &NodeArgs, secrets: &EnvSecrets) -> Result<()> {
    let path = vault_file(args)?;
    let password = password_sources(args, secrets).resolve("Vault password", false)?;
    let vault = Vault::open_read_only(&path, &password)?;
    println!("{:<24} {:>8}", "ENTRY", "BYTES");
    for (name, size) in vault.list() {
        println!("{name:<24} {size:>8}");
    }
    Ok(())
}

fn vault_rekey(
    args: &NodeArgs,
    secrets: &EnvSecrets,
    new_password_file: Option<PathBuf>,
) -> Result<()> {
    let path = vault_file(args)?;
    let password = password_sources(args, secrets).resolve("Current vault password", false)?;
    let mut vault = Vault::open(&path, &password)?;
    let new_password = match (new_password_file, &secrets.new_password) {
        (Some(f), _) => read_secret_file(&f)?,
        (None, Some(p)) => p.clone(),
        _ => p2pd::secrets::password::prompt_on_tty("New vault password", true)?,
    };
    vault.rekey(&new_password)?;
    println!(
        "Vault {} re-encrypted under the new password",
        path.display()
    );
    Ok(())
}
