//! Reading a finalize request's CSR: its signature must verify and it must name exactly the
//! order's identifiers (as DNS or IP SANs, and in the common name if it has one). Nothing
//! else is taken from it but the public key.

use std::collections::BTreeSet;

use rcgen::{CertificateSigningRequestParams, DnType, DnValue, SanType};
use rustls_pki_types::CertificateSigningRequestDer;

use super::model::{Identifier, IdentifierKind};

/// A checked CSR: the key to certify.
#[derive(Debug)]
pub struct CheckedCsr {
    pub public_key: rcgen::PublicKey,
}

pub fn check(der: &[u8], order: &[Identifier]) -> Result<CheckedCsr, String> {
    let csr =
        CertificateSigningRequestParams::from_der(&CertificateSigningRequestDer::from(der))
            .map_err(|e| format!("the CSR does not parse or its signature does not verify: {e}"))?;
    let mut named = BTreeSet::new();
    for san in &csr.params.subject_alt_names {
        let id = match san {
            SanType::DnsName(name) => Identifier {
                kind: IdentifierKind::Dns,
                value: name.as_str().to_string(),
            },
            SanType::IpAddress(ip) => Identifier {
                kind: IdentifierKind::Ip,
                value: ip.to_string(),
            },
            other => {
                return Err(format!(
                    "the CSR asks for a name of another kind: {other:?}"
                ));
            }
        };
        named.insert(key(&id.normalised()?));
    }
    let wanted: BTreeSet<_> = order.iter().map(key).collect();
    if let Some(cn) = csr.params.distinguished_name.get(&DnType::CommonName) {
        let text = match cn {
            DnValue::PrintableString(s) => s.as_str().to_string(),
            DnValue::Utf8String(s) => s.clone(),
            DnValue::Ia5String(s) => s.as_str().to_string(),
            _ => return Err("the CSR's common name has an unsupported encoding".into()),
        };
        let lower = text.trim_end_matches('.').to_ascii_lowercase();
        if !wanted.iter().any(|(_, v)| *v == lower) {
            return Err(format!(
                "the CSR's common name `{text}` is not an identifier of the order"
            ));
        }
    }
    if named != wanted {
        let extra: Vec<_> = named.difference(&wanted).map(|(_, v)| v.clone()).collect();
        let missing: Vec<_> = wanted.difference(&named).map(|(_, v)| v.clone()).collect();
        return Err(format!(
            "the CSR must name exactly the order's identifiers (extra: {extra:?}, missing: {missing:?})"
        ));
    }
    Ok(CheckedCsr {
        public_key: csr.public_key,
    })
}

fn key(id: &Identifier) -> (IdentifierKind, String) {
    (id.kind, id.value.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csr(names: &[&str], cn: Option<&str>) -> Vec<u8> {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params =
            rcgen::CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .unwrap();
        params.distinguished_name = rcgen::DistinguishedName::new();
        if let Some(cn) = cn {
            params.distinguished_name.push(DnType::CommonName, cn);
        }
        params.serialize_request(&key).unwrap().der().to_vec()
    }

    fn ids(list: &[(&str, IdentifierKind)]) -> Vec<Identifier> {
        list.iter()
            .map(|(v, k)| Identifier {
                kind: *k,
                value: v.to_string(),
            })
            .collect()
    }

    #[test]
    fn only_the_orders_names_are_accepted() {
        use IdentifierKind::*;
        let order = ids(&[("web.example", Dns), ("192.0.2.1", Ip)]);
        check(
            &csr(&["web.example", "192.0.2.1"], Some("web.example")),
            &order,
        )
        .unwrap();
        check(&csr(&["WEB.example", "192.0.2.1"], None), &order).unwrap();
        let extra = check(
            &csr(&["web.example", "192.0.2.1", "evil.example"], None),
            &order,
        );
        assert!(extra.unwrap_err().contains("evil.example"));
        assert!(
            check(&csr(&["web.example"], None), &order).is_err(),
            "missing one"
        );
        let bad_cn = check(
            &csr(&["web.example", "192.0.2.1"], Some("evil.example")),
            &order,
        );
        assert!(bad_cn.unwrap_err().contains("common name"));
        let mut broken = csr(&["web.example", "192.0.2.1"], None);
        let n = broken.len();
        broken[n - 5] ^= 0x40;
        assert!(check(&broken, &order).is_err(), "a bad signature");
    }
}
