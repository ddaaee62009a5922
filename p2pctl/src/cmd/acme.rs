//! `p2pctl acme eab|accounts|certs`: the ACME server's binding keys, accounts and the
//! workload certificates issued through it.

use p2p_shared::acme::{AcmeAccountInfo, CreateEabRequest, EabInfo};

use crate::cli::{AcmeAccountsCmd, AcmeCertsCmd, AcmeCmd, EabCmd, Output};
use crate::error::CtlError;
use crate::output::{Tabular, print, report, rfc3339, table};
use crate::session::Session;

impl Tabular for EabInfo {
    fn headers(_wide: bool) -> Vec<&'static str> {
        vec![
            "KEY ID",
            "NAMES",
            "STATUS",
            "EXPIRES",
            "MAX VALIDITY",
            "ACCOUNT",
        ]
    }
    fn row(&self, _wide: bool) -> Vec<String> {
        vec![
            self.key_id.clone(),
            self.names.join(","),
            serde_plain(&self.status),
            rfc3339(self.expires_at),
            format!("{}d", self.max_validity_seconds / 86400),
            self.account_id.clone().unwrap_or_else(|| "-".into()),
        ]
    }
}

impl Tabular for AcmeAccountInfo {
    fn headers(wide: bool) -> Vec<&'static str> {
        let mut h = vec!["ACCOUNT", "STATUS", "NAMES", "CERTS", "CREATED"];
        if wide {
            h.extend(["KEY ID", "CONTACT"]);
        }
        h
    }
    fn row(&self, wide: bool) -> Vec<String> {
        let mut r = vec![
            self.account_id.clone(),
            self.status.clone(),
            self.names.join(","),
            self.valid_certificates.to_string(),
            rfc3339(self.created_at),
        ];
        if wide {
            r.extend([self.key_id.clone(), self.contact.join(",")]);
        }
        r
    }
}

/// A unit enum as its JSON name.
fn serde_plain<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

pub async fn acme_cmd(env: &Session, cmd: AcmeCmd) -> Result<(), CtlError> {
    let client = env.client()?;
    let out = env.global.output;
    match cmd {
        AcmeCmd::Eab(EabCmd::Create {
            names,
            ttl,
            max_validity,
        }) => {
            let created = client
                .create_eab(&CreateEabRequest {
                    names,
                    ttl_seconds: ttl.as_secs().max(1),
                    max_validity_seconds: max_validity.as_secs(),
                })
                .await?;
            match out {
                Output::Json | Output::Yaml => print(env.format(), &created, |_| String::new()),
                _ => {
                    println!("key id:   {}", created.key_id);
                    println!("hmac key: {}", created.hmac_key);
                    eprintln!(
                        "Binding key for {} (binds one account until {}). The HMAC key is shown only now. Use it with:\n  certbot certonly --server {dir} --eab-kid {kid} --eab-hmac-key <hmac key> ...\n  lego --server {dir} --eab --kid {kid} --hmac <hmac key> ...",
                        created.info.names.join(", "),
                        rfc3339(created.info.expires_at),
                        dir = format!("{}/acme/directory", client.base_url()),
                        kid = created.key_id,
                    );
                    Ok(())
                }
            }
        }
        AcmeCmd::Eab(EabCmd::Ls) => {
            let keys = client.eab_keys().await?.keys;
            print(env.format(), &keys, |l| table(&keys, l))
        }
        AcmeCmd::Accounts(AcmeAccountsCmd::Ls) => {
            let accounts = client.acme_accounts().await?.accounts;
            print(env.format(), &accounts, |l| table(&accounts, l))
        }
        AcmeCmd::Accounts(AcmeAccountsCmd::Deactivate { id }) => {
            let info = client.deactivate_acme_account(&id).await?;
            report(out, &info, || {
                format!(
                    "ACME account {id} deactivated; its {} valid certificate(s) stay valid until revoked",
                    info.valid_certificates
                )
            })
        }
        AcmeCmd::Certs(AcmeCertsCmd::Ls { all }) => {
            let certs = client.acme_certs(all).await?.certificates;
            print(env.format(), &certs, |l| table(&certs, l))
        }
    }
}
