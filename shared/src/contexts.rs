//! The `p2pctl` configuration file: named contexts (server, pinned CA, credentials) and the
//! current one. Lives in `$XDG_CONFIG_HOME/p2pctl/config.toml` unless `P2PCTL_CONFIG` or
//! `--config` says otherwise. It holds bearer tokens, so it is written 0600, atomically.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::fsutil::write_atomic;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CtlConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_context: Option<String>,
    #[serde(default)]
    pub contexts: BTreeMap<String, Context>,
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Context {
    /// `https://HOST:PORT` of any node of the cluster.
    pub server: String,
    /// `SHA256:...` of the cluster CA certificate.
    pub ca_fingerprint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// JWT from `p2pctl login`; removed by `p2pctl logout`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Operator client certificate (PEM) from `p2pctl cert issue`, used instead of a token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_cert: Option<PathBuf>,
    /// Its private key (PKCS#8 PEM, mode 0600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_key: Option<PathBuf>,
    /// The cluster's other coordinators (`https://HOST:PORT`), learned at login: a call
    /// that cannot reach `server`, or that it cannot commit, is tried on these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub servers: Vec<String>,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("server", &self.server)
            .field("ca_fingerprint", &self.ca_fingerprint)
            .field("user", &self.user)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("client_cert", &self.client_cert)
            .field("servers", &self.servers)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    #[error("cannot determine the user's config directory; set P2PCTL_CONFIG")]
    NoConfigDir,
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a valid p2pctl config: {reason}")]
    Parse { path: PathBuf, reason: String },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Default location: `P2PCTL_CONFIG`, else `<config dir>/p2pctl/config.toml`.
pub fn default_config_path() -> Result<PathBuf, ContextError> {
    if let Some(p) = std::env::var_os("P2PCTL_CONFIG").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "p2pctl")
        .map(|d| d.config_dir().join("config.toml"))
        .ok_or(ContextError::NoConfigDir)
}

impl Context {
    /// When the context's token expires (its `exp` claim, read without verifying: only
    /// to tell the operator, never to trust it), if it has a readable one.
    pub fn token_expires_at(&self) -> Option<i64> {
        use base64::Engine;
        let payload = self.token.as_deref()?.split('.').nth(1)?;
        let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .ok()?;
        serde_json::from_slice::<serde_json::Value>(&json)
            .ok()?
            .get("exp")?
            .as_i64()
    }

    /// Signed in: an operator certificate, or a token that has not expired at `now`.
    pub fn signed_in(&self, now: i64) -> bool {
        self.client_cert.is_some() || self.token_expires_at().is_some_and(|exp| exp > now)
    }
}

impl CtlConfig {
    /// Loads the file; a missing file is an empty configuration.
    pub fn load(path: &Path) -> Result<Self, ContextError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(source) => {
                return Err(ContextError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        toml::from_str(&text).map_err(|e| ContextError::Parse {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })
    }

    pub fn save(&self, path: &Path) -> Result<(), ContextError> {
        let text = toml::to_string_pretty(self).map_err(|e| ContextError::Parse {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        write_atomic(path, text.as_bytes(), 0o600).map_err(|source| ContextError::Write {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Inserts or replaces a context and makes it current.
    pub fn upsert_current(&mut self, name: &str, ctx: Context) {
        self.contexts.insert(name.to_string(), ctx);
        self.current_context = Some(name.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expired_token_is_not_signed_in() {
        use base64::Engine;
        let b64 = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
        let ctx = |token: Option<String>| Context {
            server: "https://127.0.0.1:8801".into(),
            ca_fingerprint: "SHA256:00".into(),
            user: None,
            token,
            client_cert: None,
            client_key: None,
            servers: vec![],
        };
        let jwt = format!("{}.{}.sig", b64("{}"), b64(r#"{"exp":1000,"sub":"a"}"#));
        assert_eq!(ctx(Some(jwt.clone())).token_expires_at(), Some(1000));
        assert!(ctx(Some(jwt.clone())).signed_in(999));
        assert!(!ctx(Some(jwt)).signed_in(1000));
        assert!(!ctx(Some("garbage".into())).signed_in(0));
        assert!(!ctx(None).signed_in(0));
    }

    #[test]
    fn save_load_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p2pctl/config.toml");
        assert_eq!(CtlConfig::load(&path).unwrap(), CtlConfig::default());
        let mut cfg = CtlConfig::default();
        cfg.upsert_current(
            "dev",
            Context {
                server: "https://127.0.0.1:8801".into(),
                ca_fingerprint: "SHA256:00".into(),
                user: Some("admin".into()),
                token: Some("t".into()),
                client_cert: Some("/x/op.crt".into()),
                client_key: None,
                servers: vec!["https://127.0.0.2:8801".into()],
            },
        );
        cfg.save(&path).unwrap();
        assert_eq!(CtlConfig::load(&path).unwrap(), cfg);
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "current_contxt = \"x\"\n").unwrap();
        let err = CtlConfig::load(&path).unwrap_err().to_string();
        assert!(err.contains("current_contxt"), "{err}");
    }
}
