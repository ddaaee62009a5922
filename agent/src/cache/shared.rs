//! The optional shared cache (L2) in Redis, used by the coordinators of one cluster:
//! answers of fan-outs (kept once for all coordinators), cluster-wide rate-limit buckets,
//! and invalidations between coordinators over pub/sub.
//!
//! Redis is never needed for a correct answer: every call has a short timeout, a breaker
//! skips Redis after a few failures, and whatever goes wrong (down, slow, garbage, another
//! cluster's values) the caller falls back to its own memory and the source of truth. An
//! outage is logged once when it starts and once when it ends, and every failed call is
//! counted (`redis_errors`).
//!
//! Layout, under `p2pd:{cluster id}:`: a table is a Redis hash whose field `epoch` moves
//! with every invalidation and whose other fields are values sealed (`envelope.rs`) with
//! the epoch they were built under; a value of an older epoch is never served, so an
//! answer built before a change and written after it is ignored. Rate buckets are GCRA
//! state under `rl:`; invalidations are published on `invalidate`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use p2p_shared::api::CacheStats;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{PushKind, Value};
use tokio::sync::{mpsc, watch};

mod rates;

use super::Counters;
use super::breaker::{Breaker, Turn};
use super::envelope::{Refused, Sealer};

/// Invalidations heard and not yet applied; past it, everything is dropped instead.
const PUSH_QUEUE: usize = 1024;
/// How long a first connection may take before it is tried again.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
const RECONNECT_EVERY: Duration = Duration::from_secs(1);
/// Answers a table holds at most (one per view of the instances; a service that keeps
/// changing makes new ones): past it, the old ones go and the epoch stays.
const TABLE_FIELDS: u32 = 64;

/// Stores one answer in a table, keeps the table within `TABLE_FIELDS` answers (dropping
/// the others, never the epoch), and refreshes its lifetime.
const PUT: &str = r"
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if redis.call('HLEN', KEYS[1]) > tonumber(ARGV[4]) + 1 then
  local epoch = redis.call('HGET', KEYS[1], 'epoch')
  redis.call('DEL', KEYS[1])
  if epoch then redis.call('HSET', KEYS[1], 'epoch', epoch) end
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 0
";

/// A table untouched this long leaves Redis (its values are much shorter-lived).
const TABLE_TTL_MS: i64 = 60_000;

/// Where the shared cache is and whose it is.
pub struct SharedSettings {
    /// `redis://` or `rediss://`, with `user:password@` for AUTH.
    pub url: String,
    /// PEM roots a `rediss://` server's certificate must chain to; `None`: the system's.
    pub ca_pem: Option<Vec<u8>>,
    /// Longest one call to Redis may take.
    pub timeout: Duration,
    pub cluster_id: String,
    /// This coordinator, so that it ignores its own invalidations.
    pub node_id: String,
    /// The coordinators' shared key values are sealed with.
    pub key: zeroize::Zeroizing<[u8; 32]>,
}

#[derive(Debug, thiserror::Error)]
pub enum SharedError {
    #[error("redis_url is not usable: {0}")]
    BadUrl(String),
    #[error("cannot key the shared cache: {0}")]
    Key(String),
    #[error("cannot read redis_ca_file {path}: {source}")]
    CaFile {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// An invalidation another coordinator published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalidated {
    Table(String),
    /// Some may have been missed (a disconnection, a full queue): drop everything.
    All,
}

/// What a lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Hit(Vec<u8>),
    /// Nothing usable; a value built now belongs to `epoch`.
    Miss {
        epoch: u64,
    },
    /// Redis was not asked or did not answer in time.
    Unavailable,
}

pub struct Shared {
    sealer: Sealer,
    prefix: String,
    node_id: String,
    /// Host and port only: the URL may hold a password.
    endpoint: String,
    timeout: Duration,
    conn: RwLock<Option<ConnectionManager>>,
    breaker: Mutex<Breaker>,
    /// Whether the outage in progress was logged (a first connection may fail before the
    /// breaker has seen anything).
    outage: AtomicBool,
    values: Counters,
    rates: Counters,
    gcra: redis::Script,
    put: redis::Script,
    /// Requests leased from cluster-wide budgets and not spent yet, by bucket.
    leases: moka::sync::Cache<String, Arc<rates::Lease>>,
    started: Instant,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// Invalidations arrive as RESP3 pushes on the same connection.
fn with_resp3(url: &str) -> Result<String, SharedError> {
    if url.contains("protocol=resp3") {
        Ok(url.to_string())
    } else if url.contains("protocol=") {
        Err(SharedError::BadUrl(
            "the shared cache needs protocol=resp3 (Redis 6 or later)".into(),
        ))
    } else if url.contains('?') {
        Ok(format!("{url}&protocol=resp3"))
    } else {
        Ok(format!("{url}?protocol=resp3"))
    }
}

/// `host:port` of a Redis URL, without credentials.
fn endpoint_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    rest.split(['/', '?']).next().unwrap_or(rest).to_string()
}

fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

impl Shared {
    /// Checks the settings and starts connecting in the background: until Redis answers,
    /// every call reports `Unavailable`. What other coordinators invalidate arrives on the
    /// receiver.
    pub fn start(
        settings: SharedSettings,
        shutdown: watch::Receiver<bool>,
    ) -> Result<(Arc<Shared>, mpsc::Receiver<Invalidated>), SharedError> {
        let url = with_resp3(&settings.url)?;
        let client = match settings.ca_pem {
            Some(pem) => redis::Client::build_with_tls(
                url.as_str(),
                redis::TlsCertificates {
                    client_tls: None,
                    root_cert: Some(pem),
                },
            ),
            None => redis::Client::open(url.as_str()),
        }
        // The error may quote the URL: name the problem, not the text.
        .map_err(|e| SharedError::BadUrl(format!("{:?}", e.kind())))?;
        let sealer = Sealer::new(&settings.cluster_id, &settings.key)
            .map_err(|e| SharedError::Key(e.to_string()))?;
        let shared = Arc::new(Shared {
            sealer,
            prefix: format!("p2pd:{}:", settings.cluster_id),
            node_id: settings.node_id,
            endpoint: endpoint_of(&settings.url),
            timeout: settings.timeout,
            conn: RwLock::new(None),
            breaker: Mutex::new(Breaker::default()),
            outage: AtomicBool::new(false),
            values: Counters::default(),
            rates: Counters::default(),
            gcra: redis::Script::new(rates::GCRA),
            put: redis::Script::new(PUT),
            leases: rates::leases(),
            started: Instant::now(),
        });
        let (heard, invalidations) = mpsc::channel(PUSH_QUEUE);
        tokio::spawn(shared.clone().run(client, heard, shutdown));
        Ok((shared, invalidations))
    }

    fn channel(&self) -> String {
        format!("{}invalidate", self.prefix)
    }

    /// Connects (retrying until shut down), subscribes, then applies what is published.
    /// The connection manager reconnects and resubscribes by itself after that.
    async fn run(
        self: Arc<Self>,
        client: redis::Client,
        heard: mpsc::Sender<Invalidated>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let (tx, mut rx) = mpsc::channel(PUSH_QUEUE);
        let overflowed = Arc::new(AtomicBool::new(false));
        let flag = overflowed.clone();
        let push = move |info: redis::PushInfo| {
            if tx.try_send(info).is_err() {
                flag.store(true, Ordering::Relaxed);
            }
            Ok::<(), std::convert::Infallible>(())
        };
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(self.timeout))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_millis(200))
            .set_push_sender(push)
            .set_automatic_resubscription();
        loop {
            let connected = tokio::time::timeout(
                CONNECT_TIMEOUT * 2,
                client.get_connection_manager_with_config(config.clone()),
            )
            .await;
            match connected {
                Ok(Ok(mut conn)) => match conn.subscribe(self.channel()).await {
                    Ok(()) => {
                        *self.conn.write().unwrap_or_else(|p| p.into_inner()) = Some(conn);
                        self.succeeded();
                        break;
                    }
                    Err(e) => self.failed(&e.to_string()),
                },
                Ok(Err(e)) => self.failed(&e.to_string()),
                Err(_) => self.failed("no answer to the connection"),
            }
            tokio::select! {
                _ = tokio::time::sleep(RECONNECT_EVERY) => {}
                _ = shutdown.wait_for(|s| *s) => return,
            }
        }
        loop {
            let info = tokio::select! {
                info = rx.recv() => info,
                _ = shutdown.wait_for(|s| *s) => return,
            };
            let Some(info) = info else { return };
            let mut news = Vec::with_capacity(2);
            if overflowed.swap(false, Ordering::Relaxed) {
                news.push(Invalidated::All);
            }
            news.extend(self.heard(&info));
            for news in news {
                self.values.invalidated();
                if heard.send(news).await.is_err() {
                    return;
                }
            }
        }
    }

    /// An invalidation of another coordinator in a push message, if it is one.
    fn heard(&self, info: &redis::PushInfo) -> Option<Invalidated> {
        match info.kind {
            // Published while we were away may be lost.
            PushKind::Disconnection => return Some(Invalidated::All),
            PushKind::Message => {}
            _ => return None,
        }
        let text = |v: &Value| match v {
            Value::BulkString(b) => std::str::from_utf8(b).ok().map(str::to_string),
            Value::SimpleString(s) => Some(s.clone()),
            _ => None,
        };
        let payload = text(info.data.get(1)?)?;
        let (origin, table) = payload.split_once('\n')?;
        (origin != self.node_id).then(|| Invalidated::Table(table.to_string()))
    }

    /// The connection to use now, unless the breaker or a missing connection says not to.
    fn usable(&self) -> Option<ConnectionManager> {
        let allowed = self
            .breaker
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .allows(Instant::now());
        if !allowed {
            return None;
        }
        self.conn.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn succeeded(&self) {
        let turn = self
            .breaker
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .succeeded();
        if (turn == Turn::Closed || self.outage.load(Ordering::Relaxed))
            && self.outage.swap(false, Ordering::Relaxed)
        {
            tracing::info!(redis = %self.endpoint, "shared cache reachable again");
        }
    }

    fn failed(&self, why: &str) {
        self.breaker
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .failed(Instant::now());
        if !self.outage.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                redis = %self.endpoint,
                error = %why,
                "shared cache unavailable; answering from memory and the source of truth (logged once until it is back)"
            );
        }
    }

    /// Runs one call with the timeout, reporting its outcome to the breaker.
    async fn call<T>(
        &self,
        counters: &Counters,
        f: impl std::future::Future<Output = redis::RedisResult<T>>,
    ) -> Option<T> {
        match tokio::time::timeout(self.timeout, f).await {
            Ok(Ok(v)) => {
                self.succeeded();
                Some(v)
            }
            Ok(Err(e)) => {
                counters.redis_error();
                self.failed(&e.to_string());
                None
            }
            Err(_) => {
                counters.redis_error();
                self.failed("no answer within the timeout");
                None
            }
        }
    }

    fn table_key(&self, table: &str) -> String {
        format!("{}{table}", self.prefix)
    }

    /// The value of `field` in `table` if it was built under the table's current epoch,
    /// at most `max_age` ago, by a coordinator of this cluster.
    pub async fn get(&self, table: &str, field: &str, max_age: Duration) -> Lookup {
        let Some(mut conn) = self.usable() else {
            return Lookup::Unavailable;
        };
        let key = self.table_key(table);
        let read = self
            .call(&self.values, async {
                let (epoch, value): (Option<u64>, Option<Vec<u8>>) = redis::cmd("HMGET")
                    .arg(&key)
                    .arg("epoch")
                    .arg(field)
                    .query_async(&mut conn)
                    .await?;
                Ok((epoch, value))
            })
            .await;
        let Some((epoch, value)) = read else {
            return Lookup::Unavailable;
        };
        let epoch = epoch.unwrap_or(0);
        let Some(bytes) = value else {
            self.values.miss();
            return Lookup::Miss { epoch };
        };
        match self.sealer.open(&format!("{key}|{field}"), &bytes) {
            Ok(v) => {
                let age = now_ms().saturating_sub(v.written_at_ms);
                let fresh = u128::try_from(age).is_ok_and(|a| a <= max_age.as_millis());
                if v.epoch == epoch && fresh {
                    self.values.hit();
                    return Lookup::Hit(v.payload);
                }
                if v.epoch != epoch {
                    self.values.invalidated();
                }
            }
            Err(refused) => self.refused(table, &refused),
        }
        self.values.miss();
        Lookup::Miss { epoch }
    }

    fn refused(&self, table: &str, why: &Refused) {
        self.values.rejected();
        tracing::debug!(table, reason = %why, "a shared cache value was refused");
    }

    /// Stores `payload` as `field` of `table`, built under `epoch`.
    pub async fn put(&self, table: &str, field: &str, epoch: u64, payload: &[u8]) {
        let Some(mut conn) = self.usable() else {
            return;
        };
        let key = self.table_key(table);
        let Some(sealed) = self
            .sealer
            .seal(&format!("{key}|{field}"), epoch, now_ms(), payload)
        else {
            return;
        };
        let mut put = self.put.key(&key);
        put.arg(field)
            .arg(sealed)
            .arg(TABLE_TTL_MS)
            .arg(TABLE_FIELDS);
        self.call(&self.values, put.invoke_async::<()>(&mut conn))
            .await;
    }

    /// Moves `table`'s epoch (no value built before is served again) and tells the other
    /// coordinators to drop what they keep of it.
    pub async fn invalidate(&self, table: &str) {
        let Some(mut conn) = self.usable() else {
            return;
        };
        let key = self.table_key(table);
        let message = format!("{}\n{table}", self.node_id);
        let channel = self.channel();
        let done = self
            .call(&self.values, async {
                redis::pipe()
                    .hincr(&key, "epoch", 1)
                    .ignore()
                    .pexpire(&key, TABLE_TTL_MS)
                    .ignore()
                    .publish(&channel, message)
                    .ignore()
                    .query_async::<()>(&mut conn)
                    .await
            })
            .await;
        if done.is_some() {
            self.values.invalidated();
        }
    }

    pub fn stats(&self) -> [CacheStats; 2] {
        [
            self.values.stats("shared_values", 0, 0, 0),
            self.rates.stats("shared_rate_limits", 0, 0, 0),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_get_resp3_and_logs_never_get_the_password() {
        assert_eq!(
            with_resp3("redis://127.0.0.1:6379").unwrap(),
            "redis://127.0.0.1:6379?protocol=resp3"
        );
        assert_eq!(
            with_resp3("rediss://h:1/2?x=1").unwrap(),
            "rediss://h:1/2?x=1&protocol=resp3"
        );
        assert!(with_resp3("redis://h?protocol=resp2").is_err());
        assert_eq!(
            endpoint_of("redis://user:s3cret@10.0.0.1:6380/0"),
            "10.0.0.1:6380"
        );
        assert_eq!(endpoint_of("rediss://:p@w@h:1?x"), "h:1");
    }
}
