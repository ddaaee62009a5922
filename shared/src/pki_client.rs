//! `ApiClient` calls of the certificate authority: join tokens, enrolment and renewal,
//! the revocation long-poll, certificates and their revocation, operator certificates.

use std::time::Duration;

use reqwest::Method;
use serde::de::DeserializeOwned;

use crate::api::{
    CertIssued, CertList, CertRequest, CertSummary, CreateJoinTokenRequest, JoinTokenCreated,
    JoinTokenInfo, JoinTokenList, NodeStatus, OperatorCertIssued, OperatorCertRequest, RenewResult,
    RevokeCertRequest, RevokeCertResponse,
};
use crate::client::{ApiClient, ClientError, encode_segment};

impl ApiClient {
    pub async fn create_join_token(
        &self,
        req: &CreateJoinTokenRequest,
    ) -> Result<JoinTokenCreated, ClientError> {
        self.call(Method::POST, "/v1/tokens", Some(req)).await
    }

    pub async fn join_tokens(&self) -> Result<JoinTokenList, ClientError> {
        self.call::<(), _>(Method::GET, "/v1/tokens", None).await
    }

    pub async fn revoke_join_token(&self, token_id: &str) -> Result<JoinTokenInfo, ClientError> {
        let path = format!("/v1/tokens/{}/revoke", encode_segment(token_id));
        self.call::<(), _>(Method::POST, &path, None).await
    }

    /// A new node's first certificate (server trusted through the join token's CA pin).
    pub async fn enroll(&self, req: &CertRequest) -> Result<CertIssued, ClientError> {
        self.call(Method::POST, "/v1/enroll", Some(req)).await
    }

    /// A node's next certificate (authenticated by its current one over mTLS).
    pub async fn renew_own_cert(&self, req: &CertRequest) -> Result<CertIssued, ClientError> {
        self.call(Method::POST, "/v1/cluster/renew", Some(req))
            .await
    }

    /// GET `path`; with `after`, the server holds the request up to `wait` for a version
    /// other than `after`, so the client timeout leaves room beyond it.
    pub async fn long_poll<T: DeserializeOwned>(
        &self,
        path: &str,
        after: Option<u64>,
        wait: Duration,
    ) -> Result<T, ClientError> {
        let path = match after {
            Some(v) => format!("{path}?after={v}&wait={}", wait.as_secs()),
            None => path.to_string(),
        };
        self.call_with_timeout::<(), _>(
            Method::GET,
            &path,
            None,
            Some(wait + Duration::from_secs(10)),
        )
        .await
    }

    pub async fn node_status(&self) -> Result<NodeStatus, ClientError> {
        self.call::<(), _>(Method::GET, "/v1/node/status", None)
            .await
    }

    /// Asks the node itself to renew its certificate now (coordinators only).
    pub async fn node_renew_now(&self) -> Result<RenewResult, ClientError> {
        self.call_with_timeout::<(), _>(
            Method::POST,
            "/v1/node/renew",
            None,
            Some(Duration::from_secs(60)),
        )
        .await
    }

    pub async fn certs(&self, all: bool) -> Result<CertList, ClientError> {
        let path = if all {
            "/v1/certs?all=true"
        } else {
            "/v1/certs"
        };
        self.call::<(), _>(Method::GET, path, None).await
    }

    /// The CA's certificate revocation list, DER (`GET /v1/pki/crl`, no credentials needed).
    pub async fn crl(&self) -> Result<Vec<u8>, ClientError> {
        let req = self.request(Method::GET, "/v1/pki/crl");
        self.exchange(req, crate::client::MAX_RESPONSE).await
    }

    pub async fn node_cert(&self, node_id: &str) -> Result<CertSummary, ClientError> {
        let path = format!("/v1/nodes/{}/cert", encode_segment(node_id));
        self.call::<(), _>(Method::GET, &path, None).await
    }

    pub async fn renew_node_cert(&self, node_id: &str) -> Result<RenewResult, ClientError> {
        let path = format!("/v1/nodes/{}/cert/renew", encode_segment(node_id));
        self.call_with_timeout::<(), _>(Method::POST, &path, None, Some(Duration::from_secs(90)))
            .await
    }

    pub async fn revoke_cert(
        &self,
        req: &RevokeCertRequest,
    ) -> Result<RevokeCertResponse, ClientError> {
        self.call(Method::POST, "/v1/certs/revoke", Some(req)).await
    }

    pub async fn issue_operator_cert(
        &self,
        req: &OperatorCertRequest,
    ) -> Result<OperatorCertIssued, ClientError> {
        self.call(Method::POST, "/v1/certs/operator", Some(req))
            .await
    }
}
