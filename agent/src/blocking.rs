//! Running blocking work (the KDF, Argon2, SQLite with full fsync, file writes) on tokio's
//! blocking pool, so it never stalls the async workers that run gossip and the API.

/// A blocking task that did not finish: it panicked, or the runtime is shutting down.
#[derive(Debug, thiserror::Error)]
#[error("a background task did not finish: {0}")]
pub struct TaskFailed(#[from] tokio::task::JoinError);

/// Runs `f` on the blocking pool and returns its result.
pub async fn run<T, E>(f: impl FnOnce() -> Result<T, E> + Send + 'static) -> Result<T, E>
where
    T: Send + 'static,
    E: From<TaskFailed> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| E::from(TaskFailed(e)))?
}
