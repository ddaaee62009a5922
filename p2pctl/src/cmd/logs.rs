//! `p2pctl logs` and `p2pctl svc logs`: query the cluster's log records, or follow them as
//! they are collected. Lines on a terminal (level in colour unless NO_COLOR), JSON for
//! scripts: an array, or one object per line with `-f`.

use std::io::{IsTerminal, Write};

use p2p_shared::logs::{LogQuery, LogRecord};
use time::OffsetDateTime;

use crate::cli::{LogFilterArgs, Output};
use crate::error::{CtlError, Exit};
use crate::output::{print, rfc3339};
use crate::session::Session;

/// Records shown before following, unless --tail says otherwise.
const FOLLOW_TAIL: u32 = 10;

pub async fn logs_cmd(
    env: &Session,
    f: LogFilterArgs,
    service: Option<String>,
) -> Result<(), CtlError> {
    let now = OffsetDateTime::now_utc();
    let query = LogQuery {
        node: f.node,
        service,
        level: f.level,
        since: f.since.as_deref().map(|s| when(s, now)).transpose()?,
        until: f.until.as_deref().map(|s| when(s, now)).transpose()?,
        grep: f.grep,
        limit: Some(f.tail.unwrap_or(if f.follow { FOLLOW_TAIL } else { 100 })),
        follow: f.follow,
        ..LogQuery::default()
    };
    if let (Some(since), Some(until)) = (query.since, query.until)
        && since > until
    {
        return Err(CtlError::usage(format!(
            "--since ({}) is after --until ({}): nothing could match",
            rfc3339(since),
            rfc3339(until)
        )));
    }
    let client = env.client()?;
    let out = env.global.output;
    let colour = std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    if !f.follow {
        let list = client.logs(&query).await?;
        if list.truncated {
            eprintln!(
                "p2pctl: the node stopped searching before it found every match (it scans at most 500 000 records and answers at most 8 MiB); narrow with --since, --node or --service"
            );
        }
        let records = list.records;
        return print(env.format(), &records, |l| {
            records
                .iter()
                .map(|r| {
                    if l.names {
                        format!("{}#{}", r.node_id, r.seq)
                    } else {
                        text(r, l.wide, colour)
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
    }
    // A stream that breaks resumes on another coordinator (or this one once it is back):
    // say so on stderr, so the output itself stays the records alone.
    let resumed = |r: &p2p_shared::logs_client::Resumed| {
        eprintln!(
            "p2pctl: the stream from {} broke ({}); following from {} without gap or repeat",
            r.lost, r.reason, r.now
        );
    };
    client
        .follow_logs_resuming(
            &query,
            |r| {
                let line = match out {
                    Output::Json | Output::Yaml => serde_json::to_string(&r).unwrap_or_default(),
                    Output::Table => text(&r, false, colour),
                    Output::Wide => text(&r, true, colour),
                    Output::Name => format!("{}#{}", r.node_id, r.seq),
                };
                let mut stdout = std::io::stdout().lock();
                // A closed pipe (`| head`) ends the follow quietly.
                writeln!(stdout, "{line}")
                    .and_then(|()| stdout.flush())
                    .is_ok()
            },
            resumed,
        )
        .await?;
    Ok(())
}

/// `10m` (that long ago) or an RFC 3339 time.
fn when(s: &str, now: OffsetDateTime) -> Result<OffsetDateTime, CtlError> {
    if let Ok(d) = humantime::parse_duration(s) {
        return Ok(time::Duration::try_from(d)
            .ok()
            .and_then(|d| now.checked_sub(d))
            .unwrap_or(OffsetDateTime::UNIX_EPOCH));
    }
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).map_err(|_| {
        CtlError::new(
            Exit::Usage,
            format!("`{s}` is neither a duration (10m, 2h, 7d) nor an RFC 3339 time"),
        )
    })
}

/// `TIME NODE SOURCE[STREAM] LEVEL MESSAGE`; wide adds the sequence number.
pub(crate) fn text(r: &LogRecord, wide: bool, colour: bool) -> String {
    let level = format!("{:<5}", r.level.as_str().to_ascii_uppercase());
    let level = if colour {
        let code = match r.level {
            p2p_shared::logs::LogLevel::Error => "31",
            p2p_shared::logs::LogLevel::Warn => "33",
            p2p_shared::logs::LogLevel::Info => "32",
            _ => "2",
        };
        format!("\x1b[{code}m{level}\x1b[0m")
    } else {
        level
    };
    let seq = if wide {
        format!(" #{}", r.seq)
    } else {
        String::new()
    };
    let at = r
        .timestamp
        .format(time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
        ))
        .unwrap_or_else(|_| rfc3339(r.timestamp));
    format!(
        "{at} {}{seq} {}[{}] {level} {}",
        printable(&r.node_id),
        printable(&r.source),
        printable(&r.stream),
        printable(&r.message)
    )
}

/// Text as it may reach a terminal: control characters (escape sequences that could move
/// the cursor, recolour, or rewrite the title) are shown escaped, tabs kept.
fn printable(s: &str) -> String {
    if !s.chars().any(|c| c.is_control() && c != '\t') {
        return s.to_string();
    }
    s.chars()
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() && c != '\t' {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let r = LogRecord {
            node_id: "w1".into(),
            seq: 1,
            timestamp: OffsetDateTime::UNIX_EPOCH,
            source: "svc".into(),
            stream: "stdout".into(),
            level: p2p_shared::logs::LogLevel::Info,
            message: "ok\u{1b}[2J\u{1b}]0;owned\u{7}\rfake line\tend".into(),
        };
        let line = text(&r, false, false);
        assert!(
            !line.chars().any(|c| c.is_control() && c != '\t'),
            "{line:?}"
        );
        assert!(line.contains("\\u{1b}[2J"), "{line}");
        assert!(line.ends_with("fake line\tend"), "{line}");
    }

    #[test]
    fn since_takes_ages_and_times() {
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        assert_eq!(
            when("10m", now).ok(),
            Some(now - time::Duration::minutes(10))
        );
        assert_eq!(when("2027-01-15T08:00:00Z", now).ok(), Some(now));
        assert!(when("yesterday-ish", now).is_err());
    }
}
