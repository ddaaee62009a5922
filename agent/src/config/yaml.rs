//! YAML parsing with errors an operator can act on: file, line, column, the parser's message
//! without its own location prefix, and a hint ("did you mean `port`?").

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

/// A parse error located in its file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}:{column}: {message}{}", path.display(), hint_suffix(.hint))]
pub struct Located {
    pub path: PathBuf,
    pub line: u64,
    pub column: u64,
    pub message: String,
    pub hint: Option<String>,
}

fn hint_suffix(hint: &Option<String>) -> String {
    hint.as_ref()
        .map(|h| format!("\n  hint: {h}"))
        .unwrap_or_default()
}

/// What a hint may point the reader to.
pub struct Schema<'a> {
    /// Every valid key, for "did you mean" suggestions.
    pub keys: &'a [&'a str],
    /// Where the keys are documented.
    pub documented_in: &'a str,
}

pub fn parse<T: DeserializeOwned>(
    text: &str,
    path: &Path,
    schema: &Schema<'_>,
) -> Result<T, Located> {
    serde_saphyr::from_str(text).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((1, 1));
        let message = first_line(&e.to_string());
        let hint = hint_for(&message, schema);
        Located {
            path: path.to_path_buf(),
            line,
            column,
            message,
            hint,
        }
    })
}

/// The parser's message without its own `error: line N column M:` prefix (we print the
/// location ourselves, with the file name).
fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or(s).trim();
    let line = line
        .strip_prefix("error:")
        .map(str::trim_start)
        .unwrap_or(line);
    match line.strip_prefix("line ").and_then(|r| r.split_once(": ")) {
        Some((loc, rest)) if loc.contains("column") => rest.to_string(),
        _ => line.to_string(),
    }
}

fn hint_for(message: &str, schema: &Schema<'_>) -> Option<String> {
    if let Some(rest) = message.split("unknown field `").nth(1) {
        let field = rest.split('`').next().unwrap_or_default();
        let best = schema
            .keys
            .iter()
            .map(|k| (strsim::jaro_winkler(field, k), *k))
            .max_by(|a, b| a.0.total_cmp(&b.0));
        return match best {
            Some((score, key)) if score > 0.8 => Some(format!("did you mean `{key}`?")),
            _ => Some(format!(
                "valid keys are documented in {}: {}",
                schema.documented_in,
                schema.keys.join(", ")
            )),
        };
    }
    if message.contains("u16") {
        return Some("ports are numbers between 1 and 65535".into());
    }
    if message.contains("IP address") || message.contains("invalid IP") {
        return Some("write an IP address such as 192.0.2.10 or ::1".into());
    }
    if message.contains("unknown variant") {
        return Some("the value must be one of the variants listed".into());
    }
    if message.contains("missing field") {
        return Some(format!(
            "this key is required; see {}",
            schema.documented_in
        ));
    }
    None
}
