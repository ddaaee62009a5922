//! One agent of `p2pd dev` on a tokio runtime of its own, every thread of which uses the
//! agent's own tracing subscriber: its events become records of its own log pipeline (as a
//! real node's do, so `p2pctl logs --node c2` shows them) and reach the terminal once,
//! prefixed with its name.

use std::io::Write;

use tracing_subscriber::Layer as _;
use tracing_subscriber::layer::SubscriberExt as _;

use crate::logs::capture::CaptureSlot;

/// Records kept of the agents' own events: what a node's default `log_level` keeps.
const CAPTURED: &str = "info,openraft=off";

/// Writes each formatted event to stderr behind the agent's name.
#[derive(Clone)]
struct Prefixed(std::sync::Arc<str>);

impl Write for Prefixed {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut err = std::io::stderr().lock();
        err.write_all(self.0.as_bytes())?;
        err.write_all(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

/// A runtime for agent `node` whose events are captured (connect the slot by passing it in
/// the agent's options) and shown on the terminal at `terminal` level and above.
pub fn runtime(
    node: &str,
    terminal: &str,
) -> std::io::Result<(tokio::runtime::Runtime, CaptureSlot)> {
    let capture = CaptureSlot::default();
    let shown = match terminal {
        "debug" | "trace" => terminal.to_string(),
        _ => format!("{terminal},openraft=off"),
    };
    let prefix = Prefixed(format!("{node:<3} | ").into());
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let subscriber = tracing_subscriber::registry()
        .with(
            capture
                .layer()
                .with_filter(tracing_subscriber::EnvFilter::new(CAPTURED)),
        )
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(colour)
                .with_writer(move || prefix.clone())
                .with_filter(tracing_subscriber::EnvFilter::new(shown)),
        );
    let dispatch = tracing::Dispatch::new(subscriber);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name(format!("p2pd-dev-{node}"))
        .enable_all()
        .on_thread_start(move || {
            // The runtime's threads (workers and the blocking pool) live as long as it does:
            // each keeps the agent's subscriber as its default for good.
            std::mem::forget(tracing::dispatcher::set_default(&dispatch));
        })
        .build()?;
    Ok((runtime, capture))
}

/// The agents' runtimes. Dropped (even on an error half-way through the start, inside async
/// code) they stop in the background, which a plain runtime may not do there.
#[derive(Default)]
pub struct Runtimes(pub Vec<tokio::runtime::Runtime>);

impl Drop for Runtimes {
    fn drop(&mut self) {
        for runtime in std::mem::take(&mut self.0) {
            runtime.shutdown_background();
        }
    }
}
