//! What a request from a browser must show: the session cookie (set by the dashboard's
//! login) is accepted only from this node's own origin, and a WebSocket handshake from
//! a foreign page is refused whatever credential it carries, since a browser sends the
//! cookie and an installed client certificate by itself (cross-site WebSocket hijacking).

use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri};

use super::error::ApiError;

/// The dashboard's session: a JWT in a `__Host-` cookie (Secure, HttpOnly,
/// SameSite=Strict, Path=/).
pub const SESSION_COOKIE: &str = "__Host-p2pd_session";

/// `https://<authority>` of this request: the Host header (HTTP/1.1) or the URI's
/// authority (HTTP/2).
pub fn own_origin(headers: &HeaderMap, uri: &Uri) -> Option<String> {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| uri.authority().map(|a| a.to_string()))?;
    Some(format!("https://{}", host.to_ascii_lowercase()))
}

fn origin(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::ORIGIN)
        .and_then(|h| h.to_str().ok())
}

/// Refuses a request whose `Origin` names another site (none is fine: not a browser).
pub fn refuse_foreign_origin(headers: &HeaderMap, uri: &Uri) -> Result<(), ApiError> {
    match origin(headers) {
        None => Ok(()),
        Some(o) if Some(o.to_ascii_lowercase()) == own_origin(headers, uri) => Ok(()),
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
        refuse_foreign_origin(&parts.headers, &parts.uri).map(|()| NotForeign)
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

/// The header the dashboard sends with every change: a page of another origin cannot add
/// it without a CORS preflight, which is never answered.
pub const CSRF_HEADER: &str = "x-p2p-csrf";

/// A change (anything but GET and HEAD) from a browser: it must come from this node's own
/// pages and carry [`CSRF_HEADER`]. Asked of cookie sessions and of client certificates
/// used by a browser (as ambient as a cookie); a tool with a bearer token sends neither
/// `Origin` nor `Sec-Fetch-Site` and is not asked.
pub fn require_page_write(headers: &HeaderMap, uri: &Uri) -> Result<(), ApiError> {
    require_own_page(headers, uri)?;
    if headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) != Some("1") {
        return Err(ApiError::Forbidden(format!(
            "a change from a browser must carry the dashboard's {CSRF_HEADER} header"
        )));
    }
    Ok(())
}

/// Whether a request looks like it comes from a browser.
pub fn from_browser(headers: &HeaderMap) -> bool {
    headers.contains_key(axum::http::header::ORIGIN) || headers.contains_key("sec-fetch-site")
}

/// A cookie is ambient: it is accepted only when the browser shows the request comes from
/// this node's own pages (`Origin`, or `Sec-Fetch-Site: same-origin` where browsers send
/// no `Origin`).
pub fn require_own_page(headers: &HeaderMap, uri: &Uri) -> Result<(), ApiError> {
    let same_site_fetch =
        headers.get("sec-fetch-site").and_then(|h| h.to_str().ok()) == Some("same-origin");
    match origin(headers) {
        Some(_) => refuse_foreign_origin(headers, uri),
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
        assert!(refuse_foreign_origin(&own.headers, &own.uri).is_ok());
        assert!(require_own_page(&own.headers, &own.uri).is_ok());
        let foreign = parts(&[
            ("host", "127.0.0.1:8801"),
            ("origin", "https://evil.example"),
        ]);
        assert!(refuse_foreign_origin(&foreign.headers, &foreign.uri).is_err());
        assert!(require_own_page(&foreign.headers, &foreign.uri).is_err());
        let plain_http = parts(&[
            ("host", "127.0.0.1:8801"),
            ("origin", "http://127.0.0.1:8801"),
        ]);
        assert!(
            refuse_foreign_origin(&plain_http.headers, &plain_http.uri).is_err(),
            "scheme counts"
        );
        let tool = parts(&[("host", "127.0.0.1:8801")]);
        assert!(
            refuse_foreign_origin(&tool.headers, &tool.uri).is_ok(),
            "no Origin: not a browser"
        );
        assert!(
            require_own_page(&tool.headers, &tool.uri).is_err(),
            "but a cookie needs a page"
        );
        let fetch = parts(&[("host", "h:1"), ("sec-fetch-site", "same-origin")]);
        assert!(require_own_page(&fetch.headers, &fetch.uri).is_ok());
        assert!(
            require_page_write(&fetch.headers, &fetch.uri).is_err(),
            "no CSRF header"
        );
        let write = parts(&[
            ("host", "h:1"),
            ("sec-fetch-site", "same-origin"),
            ("x-p2p-csrf", "1"),
        ]);
        assert!(require_page_write(&write.headers, &write.uri).is_ok());
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let p = parts(&[("cookie", "a=1; __Host-p2pd_session=tok.en; b=2")]);
        assert_eq!(session_cookie(&p.headers), Some("tok.en"));
        let none = parts(&[("cookie", "p2pd_session=x")]);
        assert_eq!(session_cookie(&none.headers), None);
    }
}
