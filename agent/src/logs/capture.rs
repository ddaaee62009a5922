//! Where records come from: the agent's own tracing events (a `tracing` layer that the
//! binary installs and the agent connects once its pipeline is up) and service output lines
//! (whose level is read from common formats).

use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};

use p2p_shared::logs::{AGENT_SOURCE, LogLevel};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

use super::Logs;

/// Targets never captured: the pipeline's own complaints (they would feed back into it)
/// and service lines echoed to the agent's log before the pipeline existed.
const SKIPPED_TARGETS: [&str; 2] = ["p2pd::logs", "p2pd::service"];

/// Connects the process's tracing layer to one agent's pipeline, once it is running.
#[derive(Clone, Default, Debug)]
pub struct CaptureSlot(Arc<OnceLock<Logs>>);

impl CaptureSlot {
    /// The layer to install in the tracing subscriber.
    pub fn layer(&self) -> CaptureLayer {
        CaptureLayer(self.clone())
    }

    /// From now on, agent events become records of `logs`. A second call is ignored (one
    /// process, one agent's log; `p2pd dev` does not connect its agents).
    pub fn connect(&self, logs: Logs) {
        let _ = self.0.set(logs);
    }
}

pub struct CaptureLayer(CaptureSlot);

impl<S: Subscriber> Layer<S> for CaptureLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let Some(logs) = self.0.0.get() else {
            return;
        };
        let target = event.metadata().target();
        if SKIPPED_TARGETS.iter().any(|t| target.starts_with(t)) {
            return;
        }
        let mut text = Text::default();
        event.record(&mut text);
        let level = match *event.metadata().level() {
            Level::TRACE => LogLevel::Trace,
            Level::DEBUG => LogLevel::Debug,
            Level::INFO => LogLevel::Info,
            Level::WARN => LogLevel::Warn,
            Level::ERROR => LogLevel::Error,
        };
        logs.line(AGENT_SOURCE, "log", level, &text.finish());
    }
}

/// An event as one line: the message, then `key=value` for each other field.
#[derive(Default)]
struct Text {
    message: String,
    fields: String,
}

impl Text {
    fn finish(self) -> String {
        if self.fields.is_empty() {
            self.message
        } else {
            format!("{}{}", self.message, self.fields)
        }
    }
}

impl Visit for Text {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }
}

/// The level a service line states, in the formats programs commonly use: JSON
/// (`"level":"warn"`), logfmt (`level=warn`), a leading word (`ERROR ...`, `[warn]`,
/// `INFO:root:...`), an upper-case word among the first few, or a syslog prefix (`<3>`).
pub fn parse_level(line: &str) -> Option<LogLevel> {
    let line = line.trim_start();
    if line.starts_with('{')
        && let Ok(serde_json::Value::Object(o)) = serde_json::from_str(line)
    {
        return ["level", "severity", "lvl"]
            .iter()
            .find_map(|k| o.get(*k)?.as_str().and_then(word_level));
    }
    if let Some(rest) = line.strip_prefix('<')
        && let Some((n, _)) = rest.split_once('>')
        && let Ok(n) = n.parse::<u8>()
    {
        return Some(match n {
            0..=3 => LogLevel::Error,
            4 => LogLevel::Warn,
            5 | 6 => LogLevel::Info,
            _ => LogLevel::Debug,
        });
    }
    for pair in line.split_whitespace().take(8) {
        if let Some((k, v)) = pair.split_once('=')
            && matches!(k, "level" | "lvl" | "severity")
        {
            return word_level(v.trim_matches('"'));
        }
    }
    let words = line
        .split(|c: char| c.is_whitespace() || "[]():<>|,".contains(c))
        .filter(|w| !w.is_empty())
        .take(5);
    for (i, w) in words.enumerate() {
        let upper = w.chars().all(|c| c.is_ascii_uppercase());
        if (i == 0 || upper)
            && let Some(l) = word_level(w)
        {
            return Some(l);
        }
    }
    None
}

fn word_level(w: &str) -> Option<LogLevel> {
    match w.to_ascii_lowercase().as_str() {
        "trace" | "trc" => Some(LogLevel::Trace),
        "debug" | "dbg" => Some(LogLevel::Debug),
        "info" | "inf" | "notice" => Some(LogLevel::Info),
        "warn" | "warning" | "wrn" => Some(LogLevel::Warn),
        "error" | "err" | "fatal" | "critical" | "crit" | "panic" | "alert" | "emerg" => {
            Some(LogLevel::Error)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LogLevel::*;

    #[test]
    fn levels_from_common_formats() {
        for (line, want) in [
            (r#"{"level":"warn","msg":"x"}"#, Some(Warn)),
            (r#"{"severity":"ERROR"}"#, Some(Error)),
            ("level=debug msg=hello", Some(Debug)),
            ("ts=1 lvl=\"info\" msg=x", Some(Info)),
            ("ERROR something broke", Some(Error)),
            ("[warn] disk almost full", Some(Warn)),
            ("INFO:root:started", Some(Info)),
            ("2026-11-24 12:00:00 WARNING low memory", Some(Warn)),
            ("2026-11-24T12:00:00Z  INFO p2pd: ready", Some(Info)),
            ("<3>kernel says no", Some(Error)),
            ("error: cannot open file", Some(Error)),
            ("the word error in lower case later", None),
            ("hello world", None),
            ("{not json", None),
        ] {
            assert_eq!(parse_level(line), want, "{line}");
        }
    }
}
