//! The dashboard's files, built into the binary (`agent/assets/ui/`), served by
//! coordinators at `/dashboard`: nothing is fetched from anywhere else, so it works on a
//! network with no internet access. Every answer carries a strict Content-Security-Policy
//! (no inline script, no `eval`, no framing) and a strong ETag, so a reload costs a 304.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};

use super::AppState;
use super::error::ApiError;

/// Where the dashboard lives.
pub const DASHBOARD_PATH: &str = "/dashboard";

/// No inline script or style, no `eval`, nothing from another origin, never in a frame.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; \
     base-uri 'none'; form-action 'self'; object-src 'none'";

struct File {
    name: &'static str,
    bytes: &'static [u8],
    content_type: &'static str,
}

macro_rules! asset_file {
    ($name:literal, $type:expr) => {
        File {
            name: $name,
            bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/ui/", $name)),
            content_type: $type,
        }
    };
}

const JS: &str = "text/javascript; charset=utf-8";

/// Every file of the page. A new file must be listed here (the asset test fails on a
/// module the page imports that is missing from this table).
const FILES: &[File] = &[
    asset_file!("index.html", "text/html; charset=utf-8"),
    asset_file!("app.css", "text/css; charset=utf-8"),
    asset_file!("favicon.svg", "image/svg+xml"),
    asset_file!("app.js", JS),
    asset_file!("api.js", JS),
    asset_file!("dom.js", JS),
    asset_file!("table.js", JS),
    asset_file!("chart.js", JS),
    asset_file!("confirm.js", JS),
    asset_file!("stream.js", JS),
    asset_file!("views/login.js", JS),
    asset_file!("views/overview.js", JS),
    asset_file!("views/nodes.js", JS),
    asset_file!("views/node.js", JS),
    asset_file!("views/services.js", JS),
    asset_file!("views/logs.js", JS),
    asset_file!("views/certs.js", JS),
];

struct Asset {
    file: &'static File,
    etag: HeaderValue,
}

/// The files by name, each with its ETag (a SHA-256 of its bytes), hashed once.
#[derive(Clone)]
pub struct Assets(Arc<HashMap<&'static str, Asset>>);

impl std::fmt::Debug for Assets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Assets")
            .field("files", &self.0.len())
            .finish()
    }
}

impl Default for Assets {
    fn default() -> Self {
        let by_name = FILES
            .iter()
            .map(|file| {
                let digest = hex::encode(&Sha256::digest(file.bytes)[..16]);
                // A hex digest in quotes is always a valid header value.
                let etag = HeaderValue::from_str(&format!("\"{digest}\""))
                    .unwrap_or_else(|_| HeaderValue::from_static("\"0\""));
                (file.name, Asset { file, etag })
            })
            .collect();
        Self(Arc::new(by_name))
    }
}

impl Assets {
    fn get(&self, name: &str) -> Option<&Asset> {
        self.0.get(name)
    }
}

/// The headers every dashboard answer carries.
fn hardened(mut response: Response) -> Response {
    let h = response.headers_mut();
    let set = |h: &mut HeaderMap, name: HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(h, header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "no-referrer");
    set(
        h,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        h,
        HeaderName::from_static("cross-origin-resource-policy"),
        "same-origin",
    );
    response
}

fn serve(
    state: &AppState,
    assets: &Assets,
    name: &str,
    request: &HeaderMap,
) -> Result<Response, ApiError> {
    if state.control.is_none() {
        // Workers hold no cluster view to show; their API stays as it is.
        return Err(ApiError::NotCoordinator);
    }
    let Some(asset) = assets.get(name) else {
        return Err(ApiError::NotFound(format!(
            "the dashboard has no file `{name}`"
        )));
    };
    let fresh = request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim() == asset.etag.to_str().unwrap_or_default() || tag.trim() == "*");
    let common = [
        (header::ETAG, asset.etag.clone()),
        // Same names in every version: always revalidate (cheap with the ETag).
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ];
    let response = if fresh {
        (StatusCode::NOT_MODIFIED, common).into_response()
    } else {
        (
            common,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.file.content_type),
            )],
            asset.file.bytes,
        )
            .into_response()
    };
    Ok(hardened(response))
}

/// `GET /dashboard`: the page.
pub(super) async fn page(
    State(s): State<AppState>,
    Extension(assets): Extension<Assets>,
    headers: HeaderMap,
) -> Response {
    serve(&s, &assets, "index.html", &headers).unwrap_or_else(|e| hardened(e.into_response()))
}

/// `GET /dashboard/{*file}`: its scripts, styles and icon.
pub(super) async fn file(
    State(s): State<AppState>,
    Extension(assets): Extension<Assets>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let name = if name.is_empty() { "index.html" } else { &name };
    serve(&s, &assets, name, &headers).unwrap_or_else(|e| hardened(e.into_response()))
}

/// `GET /`: to the dashboard, on coordinators.
pub(super) async fn root(State(s): State<AppState>) -> Response {
    if s.control.is_none() {
        return ApiError::NotFound(
            "this is a worker: the dashboard is served by coordinators at /dashboard".into(),
        )
        .into_response();
    }
    hardened(Redirect::to(DASHBOARD_PATH).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(name: &str) -> &'static str {
        let file = FILES.iter().find(|f| f.name == name);
        file.and_then(|f| std::str::from_utf8(f.bytes).ok())
            .unwrap_or_default()
    }

    /// Every module a script imports, and every file the page links, is in the table:
    /// a missing one would be a 404 and a broken page.
    #[test]
    fn every_imported_module_is_served() {
        let names: Vec<&str> = FILES.iter().map(|f| f.name).collect();
        let import = regex::Regex::new(r#"(?m)^import .* from '\./([^']+)';|from '\.\./([^']+)';"#)
            .unwrap_or_else(|e| panic!("{e}"));
        for f in FILES.iter().filter(|f| f.name.ends_with(".js")) {
            let dir = f.name.rsplit_once('/').map_or("", |(d, _)| d);
            for c in import.captures_iter(text(f.name)) {
                let wanted = match (c.get(1), c.get(2)) {
                    (Some(m), _) if dir.is_empty() => m.as_str().to_string(),
                    (Some(m), _) => format!("{dir}/{}", m.as_str()),
                    (None, Some(m)) => m.as_str().to_string(),
                    (None, None) => continue,
                };
                assert!(
                    names.contains(&wanted.as_str()),
                    "{} imports {wanted}, not served",
                    f.name
                );
            }
        }
        let link = regex::Regex::new(r#"(?:href|src)="/dashboard/([^"]+)""#)
            .unwrap_or_else(|e| panic!("{e}"));
        for c in link.captures_iter(text("index.html")) {
            assert!(
                names.contains(&&c[1]),
                "index.html links {}, not served",
                &c[1]
            );
        }
    }

    /// What the CSP forbids is not in the page: no inline script or style, no `eval`, no
    /// HTML parsing of data (every text goes in through `textContent`).
    #[test]
    fn the_page_needs_nothing_the_policy_forbids() {
        let html = text("index.html");
        assert!(!html.contains("<script>"), "inline script");
        assert!(!html.contains("style="), "inline style");
        assert!(!html.contains("<style"), "inline style sheet");
        for f in FILES.iter().filter(|f| f.name.ends_with(".js")) {
            let js = text(f.name);
            for banned in [
                "eval(",
                "new Function",
                "innerHTML",
                "outerHTML",
                "insertAdjacentHTML",
                "document.write",
                ".style.",
            ] {
                assert!(!js.contains(banned), "{} uses {banned}", f.name);
            }
            // The SVG namespace is a name, not a place anything is fetched from.
            let js = js.replace("'http://www.w3.org/2000/svg'", "");
            for foreign in ["http://", "https://", "//cdn"] {
                assert!(
                    !js.contains(foreign),
                    "{} names another origin ({foreign})",
                    f.name
                );
            }
        }
    }

    #[test]
    fn etags_differ_by_content_and_are_quoted() {
        let a = Assets::default();
        let (Some(x), Some(y)) = (a.get("app.js"), a.get("app.css")) else {
            panic!("assets missing");
        };
        assert_ne!(x.etag, y.etag);
        let tag = x.etag.to_str().unwrap_or_default();
        assert!(
            tag.starts_with('"') && tag.ends_with('"') && tag.len() == 34,
            "{tag}"
        );
        assert_eq!(a.0.len(), FILES.len(), "two files of one name");
    }
}
