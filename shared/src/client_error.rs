//! What can go wrong on a call to the API, and how a transport failure or an error
//! answer becomes a `ClientError`.

use std::time::Duration;

use reqwest::StatusCode;

use crate::api::ErrorBody;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("invalid server URL `{0}`: expected https://HOST:PORT")]
    InvalidServer(String),
    #[error("TLS set-up failed: {0}")]
    Tls(#[from] rustls::Error),
    #[error("cannot reach {server}: {reason}")]
    Unreachable { server: String, reason: String },
    /// The TLS handshake failed on a certificate: the server is not who we trust, or it
    /// refused ours (revoked, expired, another CA). Retrying will not help.
    #[error("TLS handshake with {server} refused: {reason}")]
    Rejected { server: String, reason: String },
    #[error("{message} ({status} {code})")]
    Api {
        status: u16,
        code: String,
        message: String,
    },
    #[error("unexpected response from {server}: {reason}")]
    Decode { server: String, reason: String },
    /// A body longer than this call accepts was cut off (a hostile or broken peer).
    #[error("{server} sent more than {limit} bytes; the response was cut off")]
    TooLarge { server: String, limit: usize },
    /// The server closed a live stream for a reason (`p2p_shared::events::close`).
    #[error("{server} closed the event stream: {reason} (code {code})")]
    Closed {
        server: String,
        code: u16,
        reason: String,
    },
    /// 429: over a request budget; the server names the limit and when to come back.
    #[error("{message} (429 rate_limited)")]
    RateLimited {
        retry_after: Option<Duration>,
        message: String,
    },
}

impl ClientError {
    /// HTTP status of an API error, if the server answered with one.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Api { status, .. } => Some(*status),
            ClientError::RateLimited { .. } => Some(429),
            _ => None,
        }
    }
}

pub(crate) fn describe(err: &reqwest::Error) -> String {
    // reqwest's top-level message is generic; the root cause says what actually failed
    // (refused, timed out, certificate rejected).
    let mut msg = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        msg = format!("{msg}: {s}");
        source = s.source();
    }
    msg
}

/// True when a request failed because a certificate was refused, by us or by the server.
/// The first rustls error in `err`'s chain (directly, or inside an `io::Error`).
fn tls_error(err: &reqwest::Error) -> Option<&rustls::Error> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        let tls = e.downcast_ref::<rustls::Error>().or_else(|| {
            e.downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        });
        if tls.is_some() {
            return tls;
        }
        source = e.source();
    }
    None
}

pub(crate) fn certificate_failure(err: &reqwest::Error) -> bool {
    if let Some(tls) = tls_error(err) {
        return matches!(
            tls,
            rustls::Error::InvalidCertificate(_)
                | rustls::Error::NoCertificatesPresented
                | rustls::Error::AlertReceived(
                    rustls::AlertDescription::BadCertificate
                        | rustls::AlertDescription::CertificateRevoked
                        | rustls::AlertDescription::CertificateExpired
                        | rustls::AlertDescription::CertificateUnknown
                        | rustls::AlertDescription::UnknownCA
                        | rustls::AlertDescription::UnsupportedCertificate
                        | rustls::AlertDescription::AccessDenied
                )
        );
    }
    // Connectors may wrap the TLS error so that it cannot be downcast; rustls's messages
    // are stable, so fall back to them.
    let text = describe(err);
    text.contains("invalid peer certificate")
        || text.contains("peer sent no certificates")
        || [
            "BadCertificate",
            "CertificateRevoked",
            "CertificateExpired",
            "CertificateUnknown",
            "UnknownCA",
            "UnsupportedCertificate",
            "AccessDenied",
        ]
        .iter()
        .any(|a| text.contains(&format!("received fatal alert: {a}")))
}

pub(crate) fn api_error(status: StatusCode, body: &[u8]) -> ClientError {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(e) => ClientError::Api {
            status: status.as_u16(),
            code: e.error.code,
            message: e.error.message,
        },
        Err(_) => ClientError::Api {
            status: status.as_u16(),
            code: "http_error".into(),
            message: status
                .canonical_reason()
                .unwrap_or("unexpected status")
                .to_string(),
        },
    }
}

/// What our own certificate verifier said, in words, if it refused the server.
pub(crate) fn verifier_message(err: &reqwest::Error) -> Option<String> {
    if let Some(rustls::Error::InvalidCertificate(rustls::CertificateError::Other(o))) =
        tls_error(err)
        && let Some(m) = o.0.downcast_ref::<crate::tls::PinMismatch>()
    {
        return Some(m.to_string());
    }
    // Connectors may wrap the TLS error so that it cannot be downcast: read rustls's Debug
    // rendering of it instead.
    let text = describe(err);
    let field = |name: &str| {
        let start = text.find(&format!("{name}: \""))? + name.len() + 3;
        let end = text[start..].find('"')? + start;
        Some(text[start..end].to_string())
    };
    text.contains("PinMismatch {").then_some(())?;
    Some(
        crate::tls::PinMismatch {
            pinned: field("pinned")?,
            presented: field("presented")?,
        }
        .to_string(),
    )
}
