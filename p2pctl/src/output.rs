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
    /// What `-o name` prints: the first column unless the type says otherwise.
    fn name(&self) -> String {
        self.row(false).into_iter().next().unwrap_or_default()
    }
}

/// How the chosen output shows a table: `wide` adds columns, `headers` is off with
/// --no-headers, `names` (-o name) keeps only the first column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub wide: bool,
    pub headers: bool,
    pub names: bool,
}

impl Layout {
    /// The same, with every column (for a single item shown in detail).
    pub fn detailed(self) -> Self {
        Self { wide: true, ..self }
    }
}

/// The output format and whether tables print their header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Format {
    pub output: Output,
    pub headers: bool,
}

impl From<Output> for Format {
    fn from(output: Output) -> Self {
        Format {
            output,
            headers: true,
        }
    }
}

/// Narrowest a column is truncated to.
const MIN_COLUMN: usize = 6;

/// A table of `items` for a person. Columns never wrap: on a terminal of known width, the
/// widest cells of `table` output are cut with an ellipsis until the rows fit; `wide`
/// output is never cut, and a terminal of unknown width (0 columns) counts as unlimited.
pub fn table<T: Tabular>(items: &[T], layout: Layout) -> String {
    if layout.names {
        return items
            .iter()
            .map(Tabular::name)
            .collect::<Vec<_>>()
            .join("\n");
    }
    let rows: Vec<Vec<String>> = items.iter().map(|i| i.row(layout.wide)).collect();
    let header: Vec<String> = T::headers(layout.wide)
        .into_iter()
        .map(str::to_string)
        .collect();
    let terminal = std::io::stdout().is_terminal();
    let mut t = Table::new();
    let width = t.width().filter(|w| terminal && *w > 0).map(usize::from);
    if terminal {
        t.load_preset(presets::UTF8_HORIZONTAL_ONLY);
    } else {
        t.load_preset(presets::NOTHING);
    }
    t.set_content_arrangement(ContentArrangement::Disabled);
    let mut all = Vec::with_capacity(rows.len() + 1);
    if layout.headers {
        all.push(header);
    }
    all.extend(rows);
    if let Some(w) = width.filter(|_| !layout.wide) {
        fit(&mut all, w);
    }
    let mut lines = all.into_iter();
    if layout.headers
        && let Some(h) = lines.next()
    {
        t.set_header(h);
    }
    for r in lines {
        t.add_row(r);
    }
    // Without borders comfy-table still pads every cell by one space; drop the padding at
    // the line edges so plain output starts in column 0 like other tools'.
    t.lines()
        .map(|l| {
            let l = if terminal {
                &l
            } else {
                l.strip_prefix(' ').unwrap_or(&l)
            };
            l.trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Cuts the widest column's cells (with `…`) until every row fits `width` characters,
/// counting one space of padding on each side of a cell.
fn fit(rows: &mut [Vec<String>], width: usize) {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let total = |w: &[usize]| w.iter().map(|c| c + 2).sum::<usize>();
    while total(&widths) > width {
        let Some((widest, w)) = widths
            .iter()
            .copied()
            .enumerate()
            .max_by_key(|(_, w)| *w)
            .filter(|(_, w)| *w > MIN_COLUMN)
        else {
            break;
        };
        widths[widest] = w - 1;
    }
    for row in rows.iter_mut() {
        for (cell, max) in row.iter_mut().zip(&widths) {
            if cell.chars().count() > *max {
                let mut cut: String = cell.chars().take(max.saturating_sub(1)).collect();
                cut.push('…');
                *cell = cut;
            }
        }
    }
}

/// Prints `value` in the chosen format; `as_table` renders the table form.
pub fn print<V: Serialize>(
    format: impl Into<Format>,
    value: &V,
    as_table: impl FnOnce(Layout) -> String,
) -> Result<(), CtlError> {
    let format = format.into();
    let layout = |wide, names| Layout {
        wide,
        headers: format.headers,
        names,
    };
    let text = match format.output {
        Output::Table => as_table(layout(false, false)),
        Output::Wide => as_table(layout(true, false)),
        Output::Name => as_table(layout(false, true)),
        Output::Json => serde_json::to_string_pretty(value)
            .map_err(|e| CtlError::new(Exit::Error, e.to_string()))?,
        Output::Yaml => {
            serde_saphyr::to_string(value).map_err(|e| CtlError::new(Exit::Error, e.to_string()))?
        }
    };
    if !text.trim().is_empty() {
        write_stdout(&format!("{}\n", text.trim_end()));
    }
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
        Output::Table | Output::Wide | Output::Name => {
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

/// How often `--watch` asks again (until the event stream drives it).
const WATCH_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// `--watch`: fetches, prints, then asks again every [`WATCH_EVERY`] and prints anew when
/// `key` of the answer changed (tables with a blank line between, JSON one answer per
/// line), until interrupted or a fetch fails.
pub async fn watch<T, K, F, Fut>(
    env: &crate::session::Session,
    fetch: F,
    key: impl Fn(&T) -> K,
    as_table: impl Fn(&T, Layout) -> String,
) -> Result<(), CtlError>
where
    T: Serialize,
    K: PartialEq,
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, CtlError>>,
{
    let format = env.format();
    let mut last: Option<K> = None;
    loop {
        let value = fetch().await?;
        let k = key(&value);
        if last.as_ref() != Some(&k) {
            match format.output {
                Output::Json | Output::Yaml => {
                    let line = serde_json::to_string(&value)
                        .map_err(|e| CtlError::new(Exit::Error, e.to_string()))?;
                    write_stdout(&format!("{line}\n"));
                }
                _ => {
                    if last.is_some() {
                        write_stdout("\n");
                    }
                    print(format, &value, |l| as_table(&value, l))?;
                }
            }
            last = Some(k);
        }
        tokio::select! {
            () = tokio::time::sleep(WATCH_EVERY) => {}
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_widest_column_is_cut_until_rows_fit_and_nothing_wraps() {
        let mut rows = vec![
            vec!["NAME".to_string(), "MESSAGE".to_string()],
            vec!["w1".to_string(), "a".repeat(100)],
        ];
        fit(&mut rows, 40);
        let widths: Vec<usize> = rows[1].iter().map(|c| c.chars().count()).collect();
        assert!(
            widths.iter().map(|w| w + 2).sum::<usize>() <= 40,
            "{widths:?}"
        );
        assert!(rows[1][1].ends_with('…'));
        assert_eq!(rows[1][0], "w1", "the narrow column is left whole");
        // Narrower than every column's minimum: cut down to the minimum, no further.
        let mut tiny = vec![vec!["running".to_string(), "healthy".to_string()]];
        fit(&mut tiny, 4);
        assert_eq!(tiny[0][0].chars().count(), MIN_COLUMN);
    }
}
