//! `p2pctl`, the operator CLI, as a library (`main.rs` only calls [`run`]): parse, load the
//! session, dispatch to the command's file in `cmd/`, print the error and pick the exit code.

pub mod cli;
pub mod cmd;
pub mod completion;
pub mod error;
pub mod output;
pub mod session;

use clap::Parser;

use cli::{Cli, Command};
use error::{CtlError, Exit};
use session::Session;

/// Parses arguments, runs the command, prints errors; returns the process exit code.
pub fn run() -> i32 {
    completion::complete_from_env();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Usage as i32
            } else {
                0
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("p2pctl: error: cannot start runtime: {e}");
            return Exit::Error as i32;
        }
    };
    match runtime.block_on(dispatch(cli)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("p2pctl: error: {e}");
            e.exit as i32
        }
    }
}

async fn dispatch(cli: Cli) -> Result<(), CtlError> {
    let mut env = Session::load(cli.global)?;
    // Commands that rewrite the contexts file save it themselves.
    let remember = !matches!(
        cli.command,
        Command::Login(_) | Command::Logout | Command::Context(_)
    );
    let result = run_command(&mut env, cli.command).await;
    if remember {
        env.remember_servers();
    }
    result
}

async fn run_command(env: &mut Session, command: Command) -> Result<(), CtlError> {
    let env = &mut *env;
    match command {
        Command::Login(args) => cmd::auth::login(env, args).await,
        Command::Logout => cmd::auth::logout(env).await,
        Command::Whoami => cmd::auth::whoami(env).await,
        Command::Context(c) => cmd::context::context_cmd(env, c),
        Command::Nodes(c) => cmd::nodes::nodes_cmd(env, c).await,
        Command::User(c) => cmd::users::user_cmd(env, c).await,
        Command::Token(c) => cmd::tokens::token_cmd(env, c).await,
        Command::Cert(c) => cmd::certs::cert_cmd(env, c).await,
        Command::Acme(c) => cmd::acme::acme_cmd(env, c).await,
        Command::Svc(c) => cmd::svc::svc_cmd(env, c).await,
        Command::Logs { service, filter } => cmd::logs::logs_cmd(env, filter, service).await,
        Command::Cluster(c) => cmd::cluster::cluster_cmd(env, c).await,
        Command::Top => cmd::top::top(env).await,
        Command::Events(args) => cmd::events::events(env, args).await,
        Command::Version => cmd::version::version(env).await,
        Command::Completion { shell } => {
            output::write_stdout(&completion::script(shell));
            Ok(())
        }
    }
}
