//! `ApiClient` calls for services: discovery and control (operators), and the node-to-node
//! routes a node uses to forward them to the node that runs the service.

use std::time::Duration;

use reqwest::Method;

use crate::client::{ApiClient, ClientError, encode_segment};
use crate::services::{
    ServiceAction, ServiceActionRequest, ServiceDetail, ServiceList, ServiceStatusList,
};

/// Control calls wait for the node to act (a stop may take the service's stop timeout).
const CONTROL_TIMEOUT: Duration = Duration::from_secs(30);

impl ApiClient {
    /// Every service instance in the cluster, optionally only those of one node.
    pub async fn services(&self, node: Option<&str>) -> Result<ServiceList, ClientError> {
        let path = match node {
            Some(n) => format!("/v1/services?node={}", encode_segment(n)),
            None => "/v1/services".to_string(),
        };
        self.call::<(), _>(Method::GET, &path, None).await
    }

    /// Live detail of every instance of `name` (asked of the nodes that run it).
    pub async fn service_status(
        &self,
        name: &str,
        node: Option<&str>,
    ) -> Result<ServiceStatusList, ClientError> {
        let mut path = format!("/v1/services/{}", encode_segment(name));
        if let Some(n) = node {
            path.push_str(&format!("?node={}", encode_segment(n)));
        }
        self.call::<(), _>(Method::GET, &path, None).await
    }

    /// Start, stop or restart `name` on `node` (which may be left out when one node runs it).
    pub async fn service_action(
        &self,
        name: &str,
        action: ServiceAction,
        node: Option<&str>,
    ) -> Result<ServiceDetail, ClientError> {
        let path = format!("/v1/services/{}/{}", encode_segment(name), action.as_str());
        let body = ServiceActionRequest {
            node: node.map(str::to_string),
        };
        self.call_with_timeout(Method::POST, &path, Some(&body), Some(CONTROL_TIMEOUT))
            .await
    }

    /// Node to node: the detail of a service this peer runs.
    pub async fn node_service(&self, name: &str) -> Result<ServiceDetail, ClientError> {
        let path = format!("/v1/node/services/{}", encode_segment(name));
        self.call::<(), _>(Method::GET, &path, None).await
    }

    /// Node to node: act on a service this peer runs.
    pub async fn node_service_action(
        &self,
        name: &str,
        action: ServiceAction,
    ) -> Result<ServiceDetail, ClientError> {
        let path = format!(
            "/v1/node/services/{}/{}",
            encode_segment(name),
            action.as_str()
        );
        self.call_with_timeout::<(), _>(Method::POST, &path, None, Some(CONTROL_TIMEOUT))
            .await
    }
}
