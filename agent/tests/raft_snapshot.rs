//! A coordinator away while the others compacted their Raft log (snapshot every 10
//! entries, none kept behind it) catches up through a snapshot when it comes back: the
//! entries it missed no longer exist anywhere as log entries.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

mod common;

use std::path::Path;
use std::time::Duration;

use common::group::*;
use common::*;

/// The lowest and highest index in a coordinator's `raft.db`.
fn log_span(state: &Path) -> (i64, i64) {
    let conn = rusqlite::Connection::open_with_flags(
        state.join("raft.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    conn.query_row(
        "SELECT coalesce(min(idx), 0), coalesce(max(idx), 0) FROM raft_log",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_away_past_compaction_catches_up_through_a_snapshot() {
    let (net, dir, mut group, api) = group_with(3, |c| {
        c.raft.snapshot_every = 10;
        c.raft.logs_kept = 0;
    })
    .await;
    let away = group.pop().unwrap();
    let port = away.local_addr.port();
    away.shutdown().await;
    let away_state = dir.path().join("coord3");
    let (_, left_at) = log_span(&away_state);

    // 30 changes while it is away: the others snapshot and purge their logs past them.
    for _ in 0..30 {
        api.create_join_token(&one_use()).await.unwrap();
    }
    let expected = api.join_tokens().await.unwrap().tokens.len();
    let leader_state = dir.path().join("coord");
    let compacted = poll(Duration::from_secs(10), || async {
        log_span(&leader_state).0 > left_at + 1
    })
    .await;
    // The leader no longer has the entries after the one the away coordinator holds, so
    // the only way to catch up is the snapshot.
    assert!(compacted, "the leader kept {:?}", log_span(&leader_state));

    let back = joining_coordinator(&net, 3, "coord3", dir.path(), &group[0], None, port, |c| {
        c.raft.snapshot_every = 10;
        c.raft.logs_kept = 0;
    })
    .await;
    let api3 = client(&back, Some(api_token(&group[0]).await));
    let caught_up = poll(Duration::from_secs(20), || async {
        api3.join_tokens()
            .await
            .is_ok_and(|l| l.tokens.len() == expected)
    })
    .await;
    assert!(
        caught_up,
        "{:?}",
        api3.join_tokens().await.map(|l| l.tokens.len())
    );
    // And it takes part again: a write needs it no more than before, but reaches it.
    api.create_join_token(&one_use()).await.unwrap();
    assert!(
        poll(Duration::from_secs(10), || async {
            api3.join_tokens()
                .await
                .is_ok_and(|l| l.tokens.len() == expected + 1)
        })
        .await
    );
    back.shutdown().await;
    for c in group {
        c.shutdown().await;
    }
}
