//! How the node's SQLite files are created and opened: owner-only, WAL, durable commits.

use std::path::Path;

use rusqlite::Connection;

use super::StoreError;

/// Makes `path` a file only its owner reads and writes (creating it if needed), before
/// SQLite opens it: its journal and WAL files then get the same mode.
pub fn private_file(path: &Path) -> Result<(), std::io::Error> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

/// Opens (or creates, 0600) one of the node's SQLite files the way all of them are run:
/// WAL, `synchronous=FULL` (what was acknowledged survives power loss, not just a crash),
/// a small page cache (the data is small; SQLite's default 2 MiB would be most of the
/// idle RSS) and a busy timeout.
pub fn open_durable(path: &Path, cache_kib: i64) -> Result<Connection, StoreError> {
    private_file(path).map_err(|e| StoreError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "cache_size", -cache_kib)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}
