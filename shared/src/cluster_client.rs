//! `ApiClient` calls between the nodes of a cluster and about its machinery: gossip
//! push-pull, the agent-typed node RPCs (Raft between coordinators), and the gossip and
//! limiter counters and key rotation that operators ask for.

use std::time::Duration;

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::{CoordinatorList, GossipKeyRotation, GossipStats};
use crate::client::{ApiClient, ClientError, encode_segment};

impl ApiClient {
    /// One push-pull step between nodes (`POST /v1/gossip/sync`): opaque compressed bytes,
    /// at most `limit` of them.
    pub async fn gossip_sync(&self, body: Vec<u8>, limit: usize) -> Result<Vec<u8>, ClientError> {
        let req = self
            .request(Method::POST, "/v1/gossip/sync")
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-p2p-gossip-sync",
            )
            .body(body);
        self.exchange(req, limit).await
    }

    /// A node-to-node call whose body and answer types belong to the agent (the Raft
    /// messages between coordinators): POST `path` with a JSON body, within `timeout`.
    pub async fn node_rpc<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        timeout: Duration,
    ) -> Result<T, ClientError> {
        self.call_with_timeout(Method::POST, path, Some(body), Some(timeout))
            .await
    }

    /// This node's rate-limit, connection-pool and login counters.
    pub async fn limit_stats(&self) -> Result<crate::api::LimitStats, ClientError> {
        self.call::<(), _>(Method::GET, "/v1/limits", None).await
    }

    /// This node's in-memory caches (`GET /v1/cache`).
    pub async fn cache_stats(&self) -> Result<crate::api::CacheStatsList, ClientError> {
        self.call::<(), _>(Method::GET, "/v1/cache", None).await
    }

    /// This node's membership and gossip counters.
    pub async fn gossip_stats(&self) -> Result<GossipStats, ClientError> {
        self.call::<(), _>(Method::GET, "/v1/gossip/stats", None)
            .await
    }

    /// Rotates the cluster gossip key (admin); with `force`, the old key goes even if some
    /// members did not confirm the new one.
    pub async fn rotate_gossip_key(&self, force: bool) -> Result<GossipKeyRotation, ClientError> {
        self.call_with_timeout(
            Method::POST,
            "/v1/cluster/gossip-key/rotate",
            Some(&serde_json::json!({ "force": force })),
            Some(Duration::from_secs(150)),
        )
        .await
    }

    /// The coordinators' Raft group as the answering coordinator sees it.
    pub async fn coordinators(&self) -> Result<CoordinatorList, ClientError> {
        self.call::<(), _>(Method::GET, "/v1/cluster/coordinators", None)
            .await
    }

    /// Removes a coordinator from the Raft group (admin).
    pub async fn remove_coordinator(&self, node_id: &str) -> Result<(), ClientError> {
        let path = format!(
            "/v1/cluster/coordinators/{}/remove",
            encode_segment(node_id)
        );
        self.call_with_timeout::<(), ()>(Method::POST, &path, None, Some(Duration::from_secs(60)))
            .await
    }
}
