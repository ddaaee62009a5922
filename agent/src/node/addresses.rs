//! Where this node is reached: the sockets it binds (the HTTPS listener and, on the same
//! address and port number, the gossip UDP socket) and the addresses it advertises.

use std::net::{IpAddr, SocketAddr};

use tokio::net::{TcpListener, UdpSocket};

use super::AgentError;
use crate::config::{HttpConfig, local_hostname};
use crate::pki::own_cert::is_dns_name;

/// Addresses this node advertises: the configured one, else the bind address if specific,
/// else every interface address that is neither loopback nor link-local (loopback only if
/// nothing else exists).
pub fn advertised_ips(http: &HttpConfig) -> Vec<IpAddr> {
    if let Some(a) = http.advertise_address {
        return vec![a];
    }
    if !http.bind_address.is_unspecified() {
        return vec![http.bind_address];
    }
    let mut ips: Vec<IpAddr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.ip())
        .filter(|ip| !ip.is_loopback() && !is_link_local(ip))
        .collect();
    ips.sort();
    ips.dedup();
    if ips.is_empty() {
        ips.push(IpAddr::from([127, 0, 0, 1]));
    }
    ips
}

fn is_link_local(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_link_local(),
        IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) == 0xfe80,
    }
}

/// The node's host name if it can be a DNS SAN.
pub fn dns_hostname() -> Option<String> {
    let host = local_hostname();
    is_dns_name(&host).then_some(host)
}

/// The bound sockets: nothing is served on them until the identity exists.
pub struct Sockets {
    pub listener: Listener,
    pub gossip: UdpSocket,
}

/// The HTTPS listener and the address it is bound to.
pub struct Listener {
    pub tcp: TcpListener,
    pub local_addr: SocketAddr,
}

impl Sockets {
    /// Binds before enrolling so the port is ours; gossip takes the same port number.
    pub async fn bind(http: &HttpConfig) -> Result<Self, AgentError> {
        let bind = SocketAddr::new(http.bind_address, http.port);
        let listener = TcpListener::bind(bind)
            .await
            .map_err(|source| AgentError::Bind { addr: bind, source })?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| AgentError::Bind { addr: bind, source })?;
        let gossip_bind = SocketAddr::new(http.bind_address, local_addr.port());
        let gossip = UdpSocket::bind(gossip_bind)
            .await
            .map_err(|source| AgentError::Bind {
                addr: gossip_bind,
                source,
            })?;
        Ok(Self {
            listener: Listener {
                tcp: listener,
                local_addr,
            },
            gossip,
        })
    }
}

/// How other nodes reach this one.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// Advertised addresses, preferred first.
    pub ips: Vec<IpAddr>,
    /// The HTTPS (and gossip) port.
    pub port: u16,
    /// `IP:PORT` of the first advertised address.
    pub api_address: String,
}

impl Endpoint {
    pub fn new(http: &HttpConfig, local_addr: SocketAddr) -> Self {
        let ips = advertised_ips(http);
        let first = ips.first().copied().unwrap_or(local_addr.ip());
        Self {
            api_address: SocketAddr::new(first, local_addr.port()).to_string(),
            port: local_addr.port(),
            ips,
        }
    }

    /// Every advertised address with the port.
    pub fn socket_addrs(&self) -> Vec<SocketAddr> {
        self.ips
            .iter()
            .map(|ip| SocketAddr::new(*ip, self.port))
            .collect()
    }
}
