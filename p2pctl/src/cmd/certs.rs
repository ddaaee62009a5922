//! `p2pctl cert ls|show|renew|revoke|issue`: node and operator certificates.

use std::path::PathBuf;

use p2p_shared::Role;
use p2p_shared::api::{CertSummary, OperatorCertRequest, RenewResult, RevokeCertRequest};
use p2p_shared::contexts::Context;
use p2p_shared::fsutil::write_atomic;
use p2p_shared::identity::is_valid_name;
use serde::Serialize;

use crate::cli::CertCmd;
use crate::error::{CtlError, Exit};
use crate::output::{Tabular, print, progress_bar, report, rfc3339, table};
use crate::session::Session;

impl Tabular for CertSummary {
    fn headers(wide: bool) -> Vec<&'static str> {
        let mut h = vec![
            "SUBJECT",
            "SERIAL",
            "SANS",
            "NOT AFTER",
            "DAYS LEFT",
            "STATUS",
        ];
        if wide {
            h.extend(["KIND", "ROLE", "NOT BEFORE", "REVOKED AT"]);
        }
        h
    }
    fn row(&self, wide: bool) -> Vec<String> {
        let sans: Vec<&str> = self
            .ip_addresses
            .iter()
            .chain(self.dns_names.iter())
            .map(String::as_str)
            .collect();
        let mut r = vec![
            self.subject.clone(),
            self.serial.clone(),
            sans.join(","),
            rfc3339(self.not_after),
            self.days_left.to_string(),
            self.status.to_string(),
        ];
        if wide {
            r.push(format!("{:?}", self.kind).to_lowercase());
            r.push(self.role.map(|x| x.to_string()).unwrap_or_default());
            r.push(rfc3339(self.not_before));
            r.push(self.revoked_at.map(rfc3339).unwrap_or_default());
        }
        r
    }
}

/// One line of `cert renew` output.
#[derive(Debug, Serialize)]
pub struct RenewOutcome {
    pub node_id: String,
    pub ok: bool,
    pub old_serial: Option<String>,
    pub new_serial: Option<String>,
    pub error: Option<String>,
}

impl Tabular for RenewOutcome {
    fn headers(_wide: bool) -> Vec<&'static str> {
        vec!["NODE", "RESULT", "OLD SERIAL", "NEW SERIAL / ERROR"]
    }
    fn row(&self, _wide: bool) -> Vec<String> {
        vec![
            self.node_id.clone(),
            if self.ok { "renewed" } else { "FAILED" }.into(),
            self.old_serial.clone().unwrap_or_default(),
            self.new_serial
                .clone()
                .or_else(|| self.error.clone())
                .unwrap_or_default(),
        ]
    }
}

/// Serials are hex; node names usually are not this long and all-hex.
fn looks_like_serial(s: &str) -> bool {
    let hex: String = s.chars().filter(|c| *c != ':').collect();
    hex.len() >= 16 && hex.chars().all(|c| c.is_ascii_hexdigit())
}

pub async fn cert_cmd(env: &Session, cmd: CertCmd) -> Result<(), CtlError> {
    let client = env.client()?;
    let out = env.global.output;
    match cmd {
        CertCmd::Ls { all } => {
            let certs = client.certs(all).await?.certificates;
            let certs: Vec<CertSummary> = if all {
                certs
            } else {
                certs
                    .into_iter()
                    .filter(|c| c.kind == p2p_shared::api::CertKind::Node)
                    .collect()
            };
            print(env.format(), &certs, |l| table(&certs, l))
        }
        CertCmd::Show { node } => {
            let cert = client.node_cert(&node).await?;
            print(env.format(), &cert, |l| {
                table(std::slice::from_ref(&cert), l.detailed())
            })
        }
        CertCmd::Renew {
            node: Some(node), ..
        } => {
            let r = client.renew_node_cert(&node).await?;
            print(env.format(), &r, |_| {
                format!(
                    "{}: renewed, serial {} -> {} (valid until {})",
                    r.node_id,
                    r.old_serial.clone().unwrap_or_default(),
                    r.new_serial,
                    rfc3339(r.not_after)
                )
            })
        }
        CertCmd::Renew { node: None, force } => renew_all(env, &client, force).await,
        CertCmd::Revoke { target } => {
            let req = if looks_like_serial(&target) {
                RevokeCertRequest {
                    node_id: None,
                    serial: Some(target.to_ascii_lowercase().replace(':', "")),
                }
            } else {
                RevokeCertRequest {
                    node_id: Some(target.clone()),
                    serial: None,
                }
            };
            let resp = client.revoke_cert(&req).await?;
            report(out, &resp, || {
                let lines: Vec<String> = resp
                    .revoked
                    .iter()
                    .map(|c| format!("Revoked {} ({} {})", c.serial, c.subject, c.status))
                    .collect();
                lines.join("\n")
            })
        }
        CertCmd::Crl { out: path, der } => {
            let list = client.crl().await?;
            let bytes = if der {
                list
            } else {
                crl_pem(&list).into_bytes()
            };
            write_out(&path, &bytes)?;
            let saved = serde_json::json!({ "path": path, "bytes": bytes.len() });
            report(out, &saved, || {
                format!(
                    "Saved the revocation list ({} bytes, {}) to {}",
                    bytes.len(),
                    if der { "DER" } else { "PEM" },
                    path.display()
                )
            })
        }
        CertCmd::Issue {
            user,
            role,
            ttl,
            context_name,
            force,
        } => {
            let req = IssueRequest {
                user,
                role,
                ttl,
                context_name,
                force,
            };
            issue(env, &client, req).await
        }
    }
}

/// The current context's own operator certificate, when it signs in with one that is due
/// (or with `force`): a new key and certificate replace its files. Told on stderr, so the
/// output stays the nodes' table. Needs the admin role, as any `cert issue`.
async fn renew_own_certificate(
    env: &Session,
    client: &p2p_shared::ApiClient,
    force: bool,
) -> Result<(), CtlError> {
    let (name, ctx) = env.context()?;
    let Some(cert) = ctx.client_cert.clone() else {
        return Ok(());
    };
    // Due with under a third of its life left (at most 30 days): a certificate issued for
    // 30 days is not due the day it was made.
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let due = std::fs::read_to_string(&cert)
        .ok()
        .and_then(|pem| p2p_shared::identity::pem_validity(&pem))
        .is_none_or(|(from, until)| until - now < ((until - from) / 3).min(DUE_DAYS * 86400));
    if !due && !force {
        return Ok(());
    }
    let me = client.whoami().await?;
    let req = IssueRequest {
        user: me.user,
        role: me.role.to_string(),
        ttl: None,
        context_name: Some(name.clone()),
        force: true,
    };
    let (files, _) = issue_files(env, client, req).await?;
    eprintln!(
        "renewed the operator certificate of context `{name}`: serial {}, valid until {}",
        files.serial,
        rfc3339(files.not_after)
    );
    Ok(())
}

/// A node certificate with fewer days left than this is due (the nodes' default
/// `renew_before`).
const DUE_DAYS: i64 = 30;

async fn renew_all(
    env: &Session,
    client: &p2p_shared::ApiClient,
    force: bool,
) -> Result<(), CtlError> {
    if let Err(e) = renew_own_certificate(env, client, force).await {
        eprintln!(
            "p2pctl: this context's operator certificate is due, but could not be renewed ({e}); an admin renews it with `p2pctl cert issue --user USER --role ROLE --context-name NAME --force`"
        );
    }
    let mut nodes = client.nodes().await?.nodes;
    if !force {
        let due: std::collections::HashSet<String> = client
            .certs(false)
            .await?
            .certificates
            .into_iter()
            .filter(|c| c.kind == p2p_shared::api::CertKind::Node && c.days_left < DUE_DAYS)
            .map(|c| c.subject)
            .collect();
        nodes.retain(|n| due.contains(&n.node_id));
        if nodes.is_empty() {
            let out: Vec<RenewOutcome> = Vec::new();
            return print(env.format(), &out, |_| {
                format!(
                    "No node certificate is due (all have {DUE_DAYS} days or more left); --force renews them anyway"
                )
            });
        }
    }
    let bar = progress_bar(env, nodes.len(), "renewing certificates");
    let mut outcomes = Vec::with_capacity(nodes.len());
    for node in &nodes {
        if let Some(b) = &bar {
            b.set_message(node.node_id.clone());
        }
        let outcome = match client.renew_node_cert(&node.node_id).await {
            Ok(RenewResult {
                node_id,
                old_serial,
                new_serial,
                ..
            }) => RenewOutcome {
                node_id,
                ok: true,
                old_serial,
                new_serial: Some(new_serial),
                error: None,
            },
            Err(e) => RenewOutcome {
                node_id: node.node_id.clone(),
                ok: false,
                old_serial: node.cert_serial.clone(),
                new_serial: None,
                error: Some(e.to_string()),
            },
        };
        outcomes.push(outcome);
        if let Some(b) = &bar {
            b.inc(1);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let failed = outcomes.iter().filter(|o| !o.ok).count();
    print(env.format(), &outcomes, |l| table(&outcomes, l))?;
    eprintln!(
        "{} of {} node certificates renewed",
        outcomes.len() - failed,
        outcomes.len()
    );
    if failed > 0 {
        return Err(CtlError::new(
            Exit::Error,
            format!("{failed} node(s) failed to renew"),
        ));
    }
    Ok(())
}

#[derive(Serialize)]
struct IssuedFiles {
    user: String,
    role: Role,
    serial: String,
    #[serde(with = "time::serde::rfc3339")]
    not_after: time::OffsetDateTime,
    certificate: PathBuf,
    key: PathBuf,
    context: String,
}

/// What `cert issue` asks for (also what `cert renew` asks for the context's own).
struct IssueRequest {
    user: String,
    role: String,
    ttl: Option<std::time::Duration>,
    /// Default: `<user>-cert`.
    context_name: Option<String>,
    /// Replace a context of that name.
    force: bool,
}

/// Has the coordinator sign a new operator certificate for a key made here, writes both,
/// and saves a context that signs in with them.
async fn issue_files(
    env: &Session,
    client: &p2p_shared::ApiClient,
    req: IssueRequest,
) -> Result<(IssuedFiles, String), CtlError> {
    let IssueRequest {
        user,
        role,
        ttl,
        context_name,
        force,
    } = req;
    let role: Role = role.parse().map_err(CtlError::usage)?;
    let name = context_name.unwrap_or_else(|| format!("{user}-cert"));
    if env.config.contexts.contains_key(&name) && !force {
        return Err(CtlError::usage(format!(
            "a context named `{name}` exists already; pass --force to replace it (and its key), or --context-name for another"
        )));
    }
    if !is_valid_name(&user) {
        return Err(CtlError::usage(format!("invalid user name `{user}`")));
    }
    let fail = |m: String| CtlError::new(Exit::Error, m);
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
        .map_err(|e| fail(e.to_string()))?;
    let mut params = rcgen::CertificateParams::default();
    let mut dn = rcgen::DistinguishedName::new();
    dn.push(rcgen::DnType::CommonName, user.clone());
    params.distinguished_name = dn;
    let csr_pem = params
        .serialize_request(&key)
        .and_then(|c| c.pem())
        .map_err(|e| fail(e.to_string()))?;
    let issued = client
        .issue_operator_cert(&OperatorCertRequest {
            user: user.clone(),
            role,
            csr_pem,
            ttl_seconds: ttl.map(|t| t.as_secs().max(1)),
        })
        .await?;
    let (ctx_name, ctx) = env.context()?;
    let dir = env
        .path
        .parent()
        .map(|p| p.join("certs"))
        .unwrap_or_else(|| PathBuf::from("certs"));
    let cert_path = dir.join(format!("{name}.crt"));
    let key_path = dir.join(format!("{name}.key"));
    let key_pem = zeroize::Zeroizing::new(key.serialize_pem());
    write_atomic(&key_path, key_pem.as_bytes(), 0o600)
        .map_err(|e| fail(format!("cannot write {}: {e}", key_path.display())))?;
    write_atomic(&cert_path, issued.cert_pem.as_bytes(), 0o644)
        .map_err(|e| fail(format!("cannot write {}: {e}", cert_path.display())))?;
    let mut config = env.config.clone();
    config.contexts.insert(
        name.clone(),
        Context {
            server: ctx.server.clone(),
            ca_fingerprint: ctx.ca_fingerprint.clone(),
            user: Some(user.clone()),
            token: None,
            client_cert: Some(cert_path.clone()),
            client_key: Some(key_path.clone()),
            servers: ctx.servers.clone(),
        },
    );
    config.save(&env.path)?;
    Ok((
        IssuedFiles {
            user,
            role,
            serial: issued.serial,
            not_after: issued.not_after,
            certificate: cert_path,
            key: key_path,
            context: name,
        },
        ctx_name,
    ))
}

async fn issue(
    env: &Session,
    client: &p2p_shared::ApiClient,
    req: IssueRequest,
) -> Result<(), CtlError> {
    let (files, ctx_name) = issue_files(env, client, req).await?;
    report(env.global.output, &files, || {
        format!(
            "Issued certificate {} for {} ({}), valid until {}\n  certificate {}\n  key         {}\nContext `{}` (server of `{ctx_name}`) signs in with it: p2pctl --context {} whoami",
            files.serial,
            files.user,
            files.role,
            rfc3339(files.not_after),
            files.certificate.display(),
            files.key.display(),
            files.context,
            files.context
        )
    })
}

/// A DER revocation list as PEM (`X509 CRL`), what nginx and HAProxy read.
fn crl_pem(der: &[u8]) -> String {
    use base64::Engine;
    let text = base64::engine::general_purpose::STANDARD.encode(der);
    let mut pem = String::from("-----BEGIN X509 CRL-----\n");
    for line in text.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(line));
        pem.push('\n');
    }
    pem.push_str("-----END X509 CRL-----\n");
    pem
}

/// Writes `bytes` to `path` (atomically, readable by all: the list is public), or to
/// stdout for `-`.
fn write_out(path: &std::path::Path, bytes: &[u8]) -> Result<(), CtlError> {
    use std::io::Write;
    let failed = |e: std::io::Error| {
        CtlError::new(Exit::Error, format!("cannot write {}: {e}", path.display()))
    };
    if path.as_os_str() == "-" {
        return std::io::stdout().write_all(bytes).map_err(failed);
    }
    write_atomic(path, bytes, 0o644).map_err(failed)
}
