//! What a request from a browser must show: the session cookie (set by the dashboard's
//! login) is accepted only from this node's own origin, and a WebSocket handshake from
//! a foreign page is refused whatever credential it carries, since a browser sends the
//! cookie and an installed client certificate by itself (cross-site WebSocket hijacking).

use axum::http::HeaderMap;
use axum::http::request::Parts;

use super::error::ApiError;

/// The dashboard's session: a JWT in a `__Host-` cookie (Secure, HttpOnly,
/// SameSite=Strict, Path=/).
pub const SESSION_COOKIE: &str = "__Host-p2pd_session";

/// `https://<authority>` of this request: the Host header (HTTP/1.1) or the URI's
/// authority (HTTP/2).
pub fn own_origin(parts: &Parts) -> Option<String> {
    let host = parts
        .headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| parts.uri.authority().map(|a| a.to_string()))?;
    Some(format!("https://{}", host.to_ascii_lowercase()))
}

fn origin(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::ORIGIN)
        .and_then(|h| h.to_str().ok())
}

/// Refuses a request whose `Origin` names another site (none is fine: not a browser).
pub fn refuse_foreign_origin(parts: &Parts) -> Result<(), ApiError> {
    match origin(&parts.headers) {
        None => Ok(()),
        Some(o) if Some(o.to_ascii_lowercase()) == own_origin(parts) => Ok(()),
        Some(o) => Err(ApiError::Forbidden(format!(
            "a request from the page of another origin ({o}) is refused"
        ))),
    }
}

/// An extractor that refuses a request from another origin's page (403).
#[derive(Debug)]
pub struct NotForeign;

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for NotForeign {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        refuse_foreign_origin(parts).map(|()| NotForeign)
    }
}

/// The session cookie's token, if the request carries one.
pub fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// A cookie is ambient: it is accepted only when the browser shows the request comes from
/// this node's own pages (`Origin`, or `Sec-Fetch-Site: same-origin` where browsers send
/// no `Origin`).
pub fn require_own_page(parts: &Parts) -> Result<(), ApiError> {
    let same_site_fetch = parts
        .headers
        .get("sec-fetch-site")
        .and_then(|h| h.to_str().ok())
        == Some("same-origin");
    match origin(&parts.headers) {
        Some(_) => refuse_foreign_origin(parts),
        None if same_site_fetch => Ok(()),
        None => Err(ApiError::Forbidden(
            "a session cookie is accepted only from this node's own pages".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(headers: &[(&str, &str)]) -> Parts {
        let mut b = axum::http::Request::builder().uri("/v1/events");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(())
            .map(|r| r.into_parts().0)
            .unwrap_or_else(|_| axum::http::Request::new(()).into_parts().0)
    }

    #[test]
    fn only_the_own_origin_passes() {
        let own = parts(&[
            ("host", "127.0.0.1:8801"),
            ("origin", "https://127.0.0.1:8801"),
        ]);
        assert!(refuse_foreign_origin(&own).is_ok());
        assert!(require_own_page(&own).is_ok());
        let foreign = parts(&[
            ("host", "127.0.0.1:8801"),
            ("origin", "https://evil.example"),
        ]);
        assert!(refuse_foreign_origin(&foreign).is_err());
        assert!(require_own_page(&foreign).is_err());
        let plain_http = parts(&[
            ("host", "127.0.0.1:8801"),
            ("origin", "http://127.0.0.1:8801"),
        ]);
        assert!(refuse_foreign_origin(&plain_http).is_err(), "scheme counts");
        let tool = parts(&[("host", "127.0.0.1:8801")]);
        assert!(
            refuse_foreign_origin(&tool).is_ok(),
            "no Origin: not a browser"
        );
        assert!(
            require_own_page(&tool).is_err(),
            "but a cookie needs a page"
        );
        let fetch = parts(&[("host", "h:1"), ("sec-fetch-site", "same-origin")]);
        assert!(require_own_page(&fetch).is_ok());
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let p = parts(&[("cookie", "a=1; __Host-p2pd_session=tok.en; b=2")]);
        assert_eq!(session_cookie(&p.headers), Some("tok.en"));
        let none = parts(&[("cookie", "p2pd_session=x")]);
        assert_eq!(session_cookie(&none.headers), None);
    }
}
