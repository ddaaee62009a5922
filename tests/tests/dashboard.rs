//! The dashboard in a real browser (Debian's chromium over WebDriver) against a real
//! `p2pd dev` cluster: signing in, every view, live charts and logs, a service restart
//! confirmed in the page and seen through the API, a viewer who gets no buttons and whose
//! forged POST is refused, sign-out killing the cookie, and no console error or CSP
//! violation anywhere. A failing step leaves a screenshot of every view.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use p2p_shared::api::NodeInfo;
use p2p_shared::services::{ServiceList, ServiceStatusList};
use p2p_tests::browser::{self, Browser};
use p2p_tests::{Proc, bin, free_port, p2pctl, parse, stderr, stdout, wait_for, write_manifest};
use serde_json::Value;

const START: Duration = Duration::from_secs(60);
const SEE: Duration = Duration::from_secs(20);
const ROUTES: [(&str, &str); 6] = [
    ("overview", "#/"),
    ("nodes", "#/nodes"),
    ("node-w1", "#/nodes/w1"),
    ("services", "#/services"),
    ("logs", "#/logs"),
    ("certs", "#/certs"),
];
/// Prints a line with its own time (ns) three times a second.
const TICKER: &str = "command: /bin/sh\nargs: ['-c', 'while :; do echo \"ticker-line $(date +%s%N)\"; sleep 0.3; done']\n";
const NODES: [&str; 5] = ["c1", "c2", "c3", "w1", "w2"];

struct Dev {
    proc: Proc,
    port: u16,
    ctl: PathBuf,
    admin_password: String,
    _dir: tempfile::TempDir,
}

impl Dev {
    /// `p2pd dev` with a service on every node, once all five nodes run it.
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let services = dir.path().join("services");
        std::fs::create_dir_all(&services).unwrap_or_else(|e| panic!("{e}"));
        // Supervised services run as `nobody` when the suite runs as root.
        let open = std::os::unix::fs::PermissionsExt::from_mode(0o755);
        let _ = std::fs::set_permissions(dir.path(), open);
        write_manifest(&services, "ticker", TICKER);
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
        .unwrap_or_else(|| panic!("the dev cluster never had five nodes running ticker"));
        dev
    }

    fn ctl(&self, args: &[&str]) -> Output {
        p2pctl(&self.ctl, args, &[])
    }

    fn url(&self, fragment: &str) -> String {
        format!("https://127.0.0.1:{}/dashboard{fragment}", self.port)
    }

    fn generation(&self, node: &str) -> u64 {
        let out = self.ctl(&["svc", "status", "ticker", "--node", node, "-o", "json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let st: ServiceStatusList = parse(&stdout(&out));
        st.instances.first().map_or(0, |d| d.instance.generation)
    }

    /// A raw request carrying a session cookie as the dashboard's own page would send it
    /// (own Origin, fetch metadata, the CSRF header): only the cookie's rights decide.
    fn with_cookie(&self, method: &str, path: &str, cookie: &str) -> u16 {
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

/// Runs one step; on failure, saves the page as it is and every view, then fails.
async fn step<T>(b: &Browser, dev: &Dev, what: &str, r: Result<T, String>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => {
            let dir = browser::screenshot_dir("dashboard");
            let _ = b.screenshot(&dir.join("failure.png")).await;
            let console = b.console().await.unwrap_or_default();
            for (name, route) in ROUTES {
                let _ = b.goto(&dev.url(route)).await;
                tokio::time::sleep(Duration::from_secs(1)).await;
                let _ = b.screenshot(&dir.join(format!("{name}.png"))).await;
            }
            panic!(
                "{what}: {e}\nconsole: {console:#?}\nscreenshots in {}",
                dir.display()
            );
        }
    }
}

/// Nothing went wrong in the page: no console error (a failed load, a script error, a
/// CSP refusal) and nothing the page's own listeners caught.
async fn no_problems(b: &Browser, dev: &Dev, when: &str) {
    let console = step(b, dev, "reading the console", b.console().await).await;
    let bad: Vec<_> = console
        .iter()
        .filter(|(level, _)| level == "SEVERE" || level == "WARNING")
        .collect();
    let caught = step(
        b,
        dev,
        "reading the page's problems",
        b.exec("return window.p2pDashboard.problems", vec![]).await,
    )
    .await;
    let failure = if !bad.is_empty() {
        Err(format!("console {when}: {bad:?}"))
    } else if caught.as_array().is_some_and(|a| !a.is_empty()) {
        Err(format!("the page {when}: {caught}"))
    } else {
        Ok(())
    };
    step(b, dev, "a clean console", failure).await;
}

async fn sign_in(b: &Browser, dev: &Dev, user: &str, password: &str) {
    step(
        b,
        dev,
        "the login form",
        b.wait_for("form#login input[name=user]", SEE).await,
    )
    .await;
    step(
        b,
        dev,
        "typing the user",
        b.fill("input[name=user]", user).await,
    )
    .await;
    step(
        b,
        dev,
        "typing the password",
        b.fill("input[name=password]", password).await,
    )
    .await;
    step(
        b,
        dev,
        "submitting",
        b.click("form#login button[type=submit]").await,
    )
    .await;
    // The page stays on the view it showed before (the overview on a first visit).
    let signed = format!(
        "const t = document.querySelector('#top'); return !t.hidden && document.querySelector('#who').textContent === '{user} (' + arguments[0] + ')';"
    );
    let role = if user == "admin" { "admin" } else { "viewer" };
    step(
        b,
        dev,
        "signed in",
        b.until_with("the header names the user", &signed, vec![role.into()], SEE)
            .await,
    )
    .await;
}

fn text_of(css: &str) -> String {
    format!("const e = document.querySelector({css:?}); return e ? e.textContent : null;")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_in_a_real_browser() {
    if !browser::require("the_dashboard_in_a_real_browser") {
        return;
    }
    let mut dev = tokio::task::spawn_blocking(Dev::start)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let viewer_password = "viewer-password-123";
    let out = p2pctl(
        &dev.ctl,
        &["user", "add", "watcher", "--role", "viewer"],
        &[("P2PCTL_NEW_PASSWORD", viewer_password)],
    );
    assert!(out.status.success(), "{}", stderr(&out));

    let b = Browser::start(1280, 900)
        .await
        .unwrap_or_else(|e| panic!("the browser did not start: {e}"));

    // Signed out, the page asks for a login and nothing else.
    step(
        &b,
        &dev,
        "opening the dashboard",
        b.goto(&dev.url("")).await,
    )
    .await;
    let admin = dev.admin_password.clone();
    sign_in(&b, &dev, "admin", &admin).await;
    step(
        &b,
        &dev,
        "the overview",
        b.wait_for("#node-counts .count-item", SEE).await,
    )
    .await;
    let alive = step(&b, &dev, "five alive nodes on the overview", b.until(
        "five alive nodes",
        "const e = document.querySelector('#node-counts [data-state=alive] strong'); return e && e.textContent === '5';",
        SEE,
    ).await).await;
    assert_eq!(alive, Value::Bool(true));
    step(&b, &dev, "the leader on the overview", b.until(
        "a leader among the coordinators",
        "return document.querySelectorAll('#coordinators li').length === 3 && !!document.querySelector('#coordinators .s-leader');",
        SEE,
    ).await).await;

    // Every node in the table.
    step(
        &b,
        &dev,
        "the nodes view",
        b.click("nav a[href='#/nodes']").await,
    )
    .await;
    let keys = step(&b, &dev, "five nodes in the table", b.until(
        "five rows",
        "const k = [...document.querySelectorAll('tbody tr[data-key]')].map(r => r.dataset.key).sort(); return k.length === 5 ? k : null;",
        SEE,
    ).await).await;
    assert_eq!(keys, serde_json::json!(NODES));
    step(&b, &dev, "CPU figures in the table", b.until(
        "a CPU figure for every node",
        "return [...document.querySelectorAll('tbody tr[data-key] td[data-label=CPU]')].every(td => td.textContent.endsWith('%'));",
        SEE,
    ).await).await;

    // A node's CPU chart gains points while the page is open.
    step(&b, &dev, "w1's page", b.goto(&dev.url("#/nodes/w1")).await).await;
    let first = step(&b, &dev, "w1's CPU chart", b.until(
        "points on the CPU chart",
        "const c = document.querySelector('#chart-cpu'); return c && Number(c.dataset.points) > 0 ? Number(c.dataset.points) : null;",
        SEE,
    ).await).await;
    let first = first.as_u64().unwrap_or(0);
    let more = format!(
        "return Number(document.querySelector('#chart-cpu').dataset.points) >= {} && document.querySelector('#chart-cpu path.line-0').getAttribute('d').length > 0;",
        (first + 2).min(100)
    );
    step(
        &b,
        &dev,
        "the CPU chart growing",
        b.until("two new points", &more, SEE).await,
    )
    .await;
    step(&b, &dev, "w1's services", b.until(
        "ticker among w1's services",
        "return [...document.querySelectorAll('tbody tr[data-key]')].some(r => r.dataset.key === 'ticker');",
        SEE,
    ).await).await;

    // Logs filtered to one service show a line it prints from now on.
    step(
        &b,
        &dev,
        "the logs view",
        b.click("nav a[href='#/logs']").await,
    )
    .await;
    step(
        &b,
        &dev,
        "the service filter",
        b.fill("#log-service", "ticker").await,
    )
    .await;
    step(
        &b,
        &dev,
        "the node filter",
        b.exec(
            "const s = document.querySelector('#log-node'); s.value = 'w2'; return s.value;",
            vec![],
        )
        .await,
    )
    .await;
    let since_ns = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    step(
        &b,
        &dev,
        "applying the filters",
        b.click("#log-filters button[type=submit]").await,
    )
    .await;
    let wanted = format!(
        "const lines = [...document.querySelectorAll('#log-lines .line')];
         const fresh = lines.filter(l => {{ const m = l.querySelector('.message').textContent.match(/^ticker-line (\\d+)$/); return m && BigInt(m[1]) > {since_ns}n; }});
         const others = lines.filter(l => l.dataset.source !== 'ticker' || l.dataset.node !== 'w2');
         return fresh.length > 0 && others.length === 0 ? fresh.length : (others.length ? 'others: ' + others.length : null);"
    );
    let fresh = step(
        &b,
        &dev,
        "a new ticker line from w2",
        b.until("a fresh line", &wanted, SEE).await,
    )
    .await;
    assert!(
        fresh.as_u64().is_some(),
        "lines of other sources shown: {fresh}"
    );
    // Paused, new lines wait; resumed, they appear.
    step(&b, &dev, "pausing", b.click("#log-pause").await).await;
    let count = "return document.querySelectorAll('#log-lines .line').length;";
    let held = step(&b, &dev, "lines held while paused", b.until(
        "lines waiting",
        "const t = document.querySelector('#log-status').textContent; const m = t.match(/paused, (\\d+) new/); return m && Number(m[1]) >= 2;",
        SEE,
    ).await).await;
    assert_eq!(held, Value::Bool(true));
    let before = step(&b, &dev, "counting lines", b.exec(count, vec![]).await).await;
    step(&b, &dev, "resuming", b.click("#log-pause").await).await;
    let after = step(&b, &dev, "counting lines", b.exec(count, vec![]).await).await;
    assert!(
        after.as_u64() > before.as_u64(),
        "resume showed nothing: {before} -> {after}"
    );

    // Restart one instance from the page, confirm, and see its new generation.
    let old = dev.generation("w1");
    step(
        &b,
        &dev,
        "the services view",
        b.click("nav a[href='#/services']").await,
    )
    .await;
    step(
        &b,
        &dev,
        "w1's ticker row",
        b.wait_for("tr[data-key='w1/ticker'] button[data-action=restart]", SEE)
            .await,
    )
    .await;
    step(
        &b,
        &dev,
        "restart",
        b.click("tr[data-key='w1/ticker'] button[data-action=restart]")
            .await,
    )
    .await;
    step(
        &b,
        &dev,
        "the confirmation",
        b.wait_for("dialog[open] #confirm-ok", SEE).await,
    )
    .await;
    assert_eq!(
        dev.generation("w1"),
        old,
        "nothing happens before confirming"
    );
    step(
        &b,
        &dev,
        "confirming",
        b.click("dialog[open] #confirm-ok").await,
    )
    .await;
    let shown = step(&b, &dev, "the restart's result", b.until(
        "running, generation N",
        "const r = document.querySelector(\"tr[data-key='w1/ticker'] .result.ok\"); const m = r && r.textContent.match(/generation (\\d+)/); return m ? Number(m[1]) : null;",
        Duration::from_secs(60),
    ).await).await;
    let shown = shown.as_u64().unwrap_or(0);
    assert!(shown > old, "generation {old} -> {shown}");
    assert_eq!(dev.generation("w1"), shown, "the API agrees with the page");
    step(&b, &dev, "the row's generation", b.until(
        "the row shows it",
        &format!("const td = document.querySelector(\"tr[data-key='w1/ticker'] td[data-label=Generation]\"); return td && td.textContent === '{shown}';"),
        SEE,
    ).await).await;
    // An admin sees renew and revoke.
    step(
        &b,
        &dev,
        "the certificates view",
        b.click("nav a[href='#/certs']").await,
    )
    .await;
    step(
        &b,
        &dev,
        "an admin's revoke button",
        b.wait_for("button[data-action=revoke]", SEE).await,
    )
    .await;
    no_problems(&b, &dev, "while signed in as admin").await;

    // Sign out: back to the login page, and the old cookie is dead on the server.
    let admin_cookie = step(
        &b,
        &dev,
        "the session cookie",
        b.cookie("__Host-p2pd_session").await,
    )
    .await;
    assert_eq!(
        dev.with_cookie("GET", "/v1/auth/whoami", &admin_cookie),
        200
    );
    step(&b, &dev, "signing out", b.click("#logout").await).await;
    let said = step(
        &b,
        &dev,
        "the login page again",
        b.until("signed out", &text_of("#login-message"), SEE).await,
    )
    .await;
    assert_eq!(said, Value::String("Signed out.".into()));
    assert_eq!(
        dev.with_cookie("GET", "/v1/auth/whoami", &admin_cookie),
        401,
        "the old cookie still works"
    );

    // A viewer: every view, no control anywhere, and a forged POST refused.
    sign_in(&b, &dev, "watcher", viewer_password).await;
    for (name, route) in ROUTES {
        step(
            &b,
            &dev,
            &format!("the {name} view as a viewer"),
            b.goto(&dev.url(route)).await,
        )
        .await;
        step(&b, &dev, "the view", b.wait_for("main h1", SEE).await).await;
        if name == "services" {
            step(
                &b,
                &dev,
                "service rows",
                b.wait_for("tr[data-key='w1/ticker']", SEE).await,
            )
            .await;
        }
        if name == "certs" {
            step(
                &b,
                &dev,
                "certificate rows",
                b.wait_for("tbody tr[data-key]", SEE).await,
            )
            .await;
        }
        let controls = step(
            &b,
            &dev,
            "looking for controls",
            b.exec(
                "return document.querySelectorAll('button[data-action], #rolling-start').length;",
                vec![],
            )
            .await,
        )
        .await;
        assert_eq!(
            controls,
            serde_json::json!(0),
            "a viewer sees controls on {name}"
        );
    }
    let viewer_cookie = step(
        &b,
        &dev,
        "the viewer's cookie",
        b.cookie("__Host-p2pd_session").await,
    )
    .await;
    let before = dev.generation("w1");
    assert_eq!(
        dev.with_cookie("POST", "/v1/services/ticker/restart", &viewer_cookie),
        403
    );
    assert_eq!(dev.generation("w1"), before, "the forged restart happened");
    no_problems(&b, &dev, "while signed in as a viewer").await;

    b.quit().await;
    let status = dev.proc.terminate(Duration::from_secs(15));
    assert!(
        status.is_some_and(|s| s.success()),
        "p2pd dev did not stop cleanly"
    );
}
