//! The live-event WebSocket of [`ApiClient`] (`GET /v1/events`): the same TLS rules as
//! every call (the cluster CA or pin, the required identity, the client certificate), an
//! HTTP/1.1 upgrade carrying the bearer token, and the client's servers tried in turn.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use rustls_pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use crate::client::{ApiClient, ClientError};
use crate::client_error::api_error;
use crate::events::{ClientMessage, Event, Subscription};

/// Longest message accepted from the server (a log record is at most 16 KiB of text).
const MAX_MESSAGE: usize = 1024 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// An open event stream.
pub struct EventStream {
    ws: WebSocketStream<TlsStream<TcpStream>>,
    server: String,
}

impl std::fmt::Debug for EventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

/// `types=a,b&node=...`: the subscription as the upgrade's query string.
fn query(sub: &Subscription) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if !sub.types.is_empty() {
        let types: Vec<&str> = sub.types.iter().map(|t| t.as_str()).collect();
        pairs.push(("types", types.join(",")));
    }
    for (k, v) in [
        ("node", &sub.node),
        ("service", &sub.service),
        ("grep", &sub.grep),
    ] {
        if let Some(v) = v {
            pairs.push((k, v.clone()));
        }
    }
    if let Some(l) = sub.level {
        pairs.push(("level", l.to_string()));
    }
    let encoded: Vec<String> = pairs
        .into_iter()
        .map(|(k, v)| format!("{k}={}", crate::client::encode_segment(&v)))
        .collect();
    if encoded.is_empty() {
        String::new()
    } else {
        format!("?{}", encoded.join("&"))
    }
}

impl ApiClient {
    /// Opens `/v1/events` on the first of this client's servers that accepts it.
    pub async fn events(&self, sub: &Subscription) -> Result<EventStream, ClientError> {
        let mut last = None;
        for base in self.servers() {
            match self.events_on(&base, sub).await {
                Ok(s) => return Ok(s),
                Err(e @ ClientError::Unreachable { .. }) => last = Some(e),
                Err(e) if e.status().is_some_and(|s| s == 503 || s == 421) => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| ClientError::InvalidServer(String::new())))
    }

    async fn events_on(&self, base: &str, sub: &Subscription) -> Result<EventStream, ClientError> {
        let unreachable = |reason: String| ClientError::Unreachable {
            server: base.to_string(),
            reason,
        };
        let url = reqwest::Url::parse(base).map_err(|_| ClientError::InvalidServer(base.into()))?;
        let host = url
            .host_str()
            .ok_or_else(|| ClientError::InvalidServer(base.into()))?
            .trim_matches(['[', ']'])
            .to_string();
        let port = url.port_or_known_default().unwrap_or(443);
        let name = ServerName::try_from(host.clone())
            .map_err(|_| ClientError::InvalidServer(base.into()))?;
        let connect = async {
            let tcp = TcpStream::connect((host.as_str(), port))
                .await
                .map_err(|e| unreachable(e.to_string()))?;
            let _ = tcp.set_nodelay(true);
            TlsConnector::from(Arc::clone(&self.ws_tls))
                .connect(name, tcp)
                .await
                .map_err(|e| {
                    let reason = e.to_string();
                    if e.get_ref().is_some_and(|i| i.is::<rustls::Error>()) {
                        ClientError::Rejected {
                            server: base.to_string(),
                            reason,
                        }
                    } else {
                        unreachable(reason)
                    }
                })
        };
        let tls = tokio::time::timeout(CONNECT_TIMEOUT, connect)
            .await
            .map_err(|_| unreachable("timed out connecting".into()))??;
        let wss = format!("wss://{}/v1/events{}", url.authority(), query(sub));
        let mut req = wss
            .into_client_request()
            .map_err(|e| ClientError::InvalidServer(e.to_string()))?;
        if let Some(token) = &self.token {
            let value = format!("Bearer {token}")
                .parse()
                .map_err(|_| ClientError::InvalidServer("token is not a header value".into()))?;
            req.headers_mut().insert("authorization", value);
        }
        let config = WebSocketConfig::default()
            .max_message_size(Some(MAX_MESSAGE))
            .max_frame_size(Some(MAX_MESSAGE));
        let handshake = tokio_tungstenite::client_async_with_config(req, tls, Some(config));
        match tokio::time::timeout(CONNECT_TIMEOUT, handshake).await {
            Err(_) => Err(unreachable("timed out opening the event stream".into())),
            Ok(Ok((ws, _))) => Ok(EventStream {
                ws,
                server: base.to_string(),
            }),
            Ok(Err(WsError::Http(resp))) => {
                let status = reqwest::StatusCode::from_u16(resp.status().as_u16())
                    .unwrap_or(reqwest::StatusCode::BAD_GATEWAY);
                Err(api_error(
                    status,
                    resp.body().as_deref().unwrap_or_default(),
                ))
            }
            Ok(Err(e)) => Err(unreachable(e.to_string())),
        }
    }
}

impl EventStream {
    /// The server this stream is open on.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// The next event; `None` once the server closed the stream normally. A close for a
    /// reason (an ended credential, a slow reader) is an error saying so.
    pub async fn next(&mut self) -> Option<Result<Event, ClientError>> {
        loop {
            let msg = match self.ws.next().await? {
                Ok(m) => m,
                Err(e) => {
                    return Some(Err(ClientError::Unreachable {
                        server: self.server.clone(),
                        reason: e.to_string(),
                    }));
                }
            };
            match msg {
                Message::Text(t) => {
                    return Some(serde_json::from_str(t.as_str()).map_err(|e| {
                        ClientError::Decode {
                            server: self.server.clone(),
                            reason: e.to_string(),
                        }
                    }));
                }
                Message::Close(Some(f)) if u16::from(f.code) != 1000 => {
                    return Some(Err(ClientError::Closed {
                        server: self.server.clone(),
                        code: f.code.into(),
                        reason: f.reason.to_string(),
                    }));
                }
                Message::Close(_) => return None,
                // Pings are answered by the library as it reads.
                _ => {}
            }
        }
    }

    /// Replaces the subscription.
    pub async fn subscribe(&mut self, sub: Subscription) -> Result<(), ClientError> {
        let text = serde_json::to_string(&ClientMessage::Subscribe(sub)).unwrap_or_default();
        self.ws
            .send(Message::Text(text.into()))
            .await
            .map_err(|e| ClientError::Unreachable {
                server: self.server.clone(),
                reason: e.to_string(),
            })
    }

    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::EventType;

    #[test]
    fn the_subscription_becomes_the_query_string() {
        assert_eq!(query(&Subscription::default()), "");
        let q = query(&Subscription {
            types: [EventType::Logs, EventType::Metrics].into(),
            node: Some("w1".into()),
            grep: Some("a b".into()),
            level: Some(crate::logs::LogLevel::Warn),
            ..Subscription::default()
        });
        assert_eq!(q, "?types=metrics%2Clogs&node=w1&grep=a%20b&level=warn");
    }
}
