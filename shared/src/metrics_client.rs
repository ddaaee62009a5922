//! The metrics routes of [`ApiClient`].

use reqwest::Method;

use crate::client::{ApiClient, ClientError, encode_segment};
use crate::metrics::{NodeHistory, NodeReport, NodeSamples};

impl ApiClient {
    /// `GET /v1/metrics/nodes`.
    pub async fn node_samples(&self) -> Result<NodeSamples, ClientError> {
        self.call::<(), _>(Method::GET, "/v1/metrics/nodes", None)
            .await
    }

    /// `GET /v1/metrics/nodes/{id}?points=N`.
    pub async fn node_history(
        &self,
        node_id: &str,
        points: Option<u32>,
    ) -> Result<NodeHistory, ClientError> {
        let mut path = format!("/v1/metrics/nodes/{}", encode_segment(node_id));
        if let Some(n) = points {
            path.push_str(&format!("?points={n}"));
        }
        self.call::<(), _>(Method::GET, &path, None).await
    }
}

impl ApiClient {
    /// `GET /v1/node/metrics?points=N`: a node's own samples (node to node, over mTLS).
    pub async fn node_metrics(&self, points: Option<u32>) -> Result<NodeHistory, ClientError> {
        let path = match points {
            Some(n) => format!("/v1/node/metrics?points={n}"),
            None => "/v1/node/metrics".to_string(),
        };
        self.call::<(), _>(Method::GET, &path, None).await
    }

    /// `POST /v1/cluster/metrics`: a node's report to a coordinator.
    pub async fn report_metrics(&self, report: &NodeReport) -> Result<(), ClientError> {
        self.call::<_, serde_json::Value>(Method::POST, "/v1/cluster/metrics", Some(report))
            .await
            .map(|_| ())
    }
}

impl ApiClient {
    /// `GET /metrics`: the OpenMetrics text, as Prometheus scrapes it.
    pub async fn prometheus_text(&self) -> Result<String, ClientError> {
        let req = self.request(Method::GET, "/metrics");
        let bytes = self.exchange(req, crate::client::MAX_RESPONSE).await?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}
