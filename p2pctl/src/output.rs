//! Rendering: tables for people (boxed on a terminal, plain columns in a pipe), JSON and YAML
//! for scripts. Data goes to stdout only.

use std::io::IsTerminal;

use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;

use crate::cli::Output;
use crate::error::{CtlError, Exit};

/// Something that can be shown as a table.
pub trait Tabular {
    fn headers(wide: bool) -> Vec<&'static str>;
    fn row(&self, wide: bool) -> Vec<String>;
}

pub fn table<T: Tabular>(items: &[T], wide: bool) -> String {
    let mut t = Table::new();
    if std::io::stdout().is_terminal() {
        t.load_preset(presets::UTF8_HORIZONTAL_ONLY)
            .set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        t.load_preset(presets::NOTHING);
    }
    t.set_header(T::headers(wide));
    for item in items {
        t.add_row(item.row(wide));
    }
    // Without borders comfy-table still pads every cell by one space; drop the padding at
    // the line edges so plain output starts in column 0 like other tools'.
    let plain = !std::io::stdout().is_terminal();
    t.lines()
        .map(|l| {
            let l = if plain {
                l.strip_prefix(' ').unwrap_or(&l)
            } else {
                &l
            };
            l.trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Prints `value` in the chosen format; `as_table` renders the table form.
pub fn print<V: Serialize>(
    format: Output,
    value: &V,
    as_table: impl FnOnce(bool) -> String,
) -> Result<(), CtlError> {
    let text = match format {
        Output::Table => as_table(false),
        Output::Wide => as_table(true),
        Output::Json => serde_json::to_string_pretty(value)
            .map_err(|e| CtlError::new(Exit::Error, e.to_string()))?,
        Output::Yaml => {
            serde_saphyr::to_string(value).map_err(|e| CtlError::new(Exit::Error, e.to_string()))?
        }
    };
    write_stdout(&format!("{}\n", text.trim_end()));
    Ok(())
}

/// For commands whose result a person reads as a sentence: JSON or YAML of `value` on
/// stdout for scripts, otherwise `sentence` on stderr (it reports an action; stdout stays
/// free for data).
pub fn report<V: Serialize>(
    format: Output,
    value: &V,
    sentence: impl FnOnce() -> String,
) -> Result<(), CtlError> {
    match format {
        Output::Json | Output::Yaml => print(format, value, |_| String::new()),
        Output::Table | Output::Wide => {
            eprintln!("{}", sentence());
            Ok(())
        }
    }
}

/// Writes to stdout; a reader that went away (`p2pctl ... | head`) is not an error.
pub fn write_stdout(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Short human age like `3m12s`, `5h`, `12d`.
pub fn age(since: time::OffsetDateTime, now: time::OffsetDateTime) -> String {
    let secs = (now - since).whole_seconds().max(0);
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m{}s", s / 60, s % 60),
        s if s < 86400 => format!("{}h{}m", s / 3600, (s % 3600) / 60),
        s => format!("{}d", s / 86400),
    }
}

pub fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

/// A progress bar on stderr when a person watches (a terminal, table output); `None`
/// otherwise, so scripts and pipes get no control characters.
pub fn progress_bar(
    env: &crate::session::Session,
    len: usize,
    label: &str,
) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() || matches!(env.global.output, Output::Json | Output::Yaml)
    {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
        "{{spinner}} {label} [{{bar:30}}] {{pos}}/{{len}} {{msg}}"
    )) {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}
