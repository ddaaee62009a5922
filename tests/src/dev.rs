//! A `p2pd dev` cluster for the dashboard's browser test and its measurement: five
//! nodes, one service on each, the admin password it printed, and a `p2pctl` context.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use p2p_shared::api::NodeInfo;
use p2p_shared::services::{ServiceList, ServiceStatusList};

use crate::{Proc, bin, free_port, p2pctl, parse, stderr, stdout, wait_for, write_manifest};

const START: Duration = Duration::from_secs(60);

pub struct Dev {
    pub proc: Proc,
    pub port: u16,
    pub ctl: PathBuf,
    pub admin_password: String,
    _dir: tempfile::TempDir,
}

impl Dev {
    /// `p2pd dev` with the service `name` (its manifest `yaml`) on every node, once all
    /// five nodes run it.
    pub fn start(name: &str, yaml: &str) -> Self {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let services = dir.path().join("services");
        std::fs::create_dir_all(&services).unwrap_or_else(|e| panic!("{e}"));
        // Supervised services run as `nobody` when the suite runs as root.
        let open = std::os::unix::fs::PermissionsExt::from_mode(0o755);
        let _ = std::fs::set_permissions(dir.path(), open);
        write_manifest(&services, name, yaml);
        let ctl = dir.path().join("p2pctl.toml");
        let port = free_port();
        let mut proc = Proc::spawn(
            Command::new(bin("p2pd"))
                .args(["dev", "--dev-port", &port.to_string(), "--services-dir"])
                .arg(&services)
                .env("P2PCTL_CONFIG", &ctl)
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
        );
        let out = proc
            .child
            .stdout
            .take()
            .unwrap_or_else(|| panic!("no stdout"));
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let admin_password = wait_for(START, || {
            rx.recv_timeout(Duration::from_millis(200))
                .ok()
                .filter(|l| l.contains("admin login"))
                .and_then(|l| l.split_whitespace().last().map(str::to_string))
        })
        .unwrap_or_else(|| panic!("p2pd dev printed no admin password"));
        let dev = Dev {
            proc,
            port,
            ctl,
            admin_password,
            _dir: dir,
        };
        wait_for(START, || {
            let out = dev.ctl(&["nodes", "ls", "-o", "json"]);
            let nodes: Vec<NodeInfo> = out.status.success().then(|| parse(&stdout(&out)))?;
            let list = dev.ctl(&["svc", "ls", "-o", "json"]);
            let svc: ServiceList = list.status.success().then(|| parse(&stdout(&list)))?;
            let running = svc
                .services
                .iter()
                .filter(|s| s.state.as_str() == "running")
                .count();
            (nodes.len() == 5 && running == 5).then_some(())
        })
        .unwrap_or_else(|| panic!("the dev cluster never had five nodes running {name}"));
        dev
    }

    pub fn ctl(&self, args: &[&str]) -> Output {
        p2pctl(&self.ctl, args, &[])
    }

    pub fn url(&self, fragment: &str) -> String {
        format!("https://127.0.0.1:{}/dashboard{fragment}", self.port)
    }

    /// The generation of `service` on `node`, as the API tells it.
    pub fn generation(&self, service: &str, node: &str) -> u64 {
        let out = self.ctl(&["svc", "status", service, "--node", node, "-o", "json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let st: ServiceStatusList = parse(&stdout(&out));
        st.instances.first().map_or(0, |d| d.instance.generation)
    }

    /// A raw request carrying a session cookie as the dashboard's own page would send it
    /// (own Origin, fetch metadata, the CSRF header): only the cookie's rights decide.
    pub fn with_cookie(&self, method: &str, path: &str, cookie: &str) -> u16 {
        let origin = format!("https://127.0.0.1:{}", self.port);
        let out = Command::new("curl")
            .args(["-sk", "-o", "/dev/null", "-w", "%{http_code}", "-X", method])
            .args(["-H", &format!("Cookie: {}={cookie}", "__Host-p2pd_session")])
            .args([
                "-H",
                &format!("Origin: {origin}"),
                "-H",
                "Sec-Fetch-Site: same-origin",
            ])
            .args([
                "-H",
                "X-P2P-CSRF: 1",
                "-H",
                "Content-Type: application/json",
            ])
            .args([
                "--data-binary",
                if method == "GET" {
                    ""
                } else {
                    r#"{"node":"w1"}"#
                },
            ])
            .arg(format!("{origin}{path}"))
            .output()
            .unwrap_or_else(|e| panic!("curl: {e}"));
        stdout(&out).trim().parse().unwrap_or(0)
    }
}
