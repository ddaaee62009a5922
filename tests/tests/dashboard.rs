//! The dashboard in a real browser (Debian's chromium over WebDriver) against a real
//! `p2pd dev` cluster: signing in, every view, live charts and logs, a service restart
//! confirmed in the page and seen through the API, a viewer who gets no buttons and whose
//! forged POST is refused, sign-out killing the cookie, and no console error or CSP
//! violation anywhere. A failing step leaves a screenshot of every view.

use std::time::Duration;

use p2p_shared::api::CertSummary;
use p2p_tests::browser::{self, Browser};
use p2p_tests::dev::Dev;
use p2p_tests::{p2pctl, parse, stderr, stdout};
use serde_json::Value;

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

/// The browser on the dev cluster's dashboard. Every step that fails saves the page as
/// it is, then every view, and fails the test with the console's messages.
struct Page<'a> {
    b: &'a Browser,
    dev: &'a Dev,
}

impl Page<'_> {
    async fn ok<T>(&self, what: &str, r: Result<T, String>) -> T {
        match r {
            Ok(v) => v,
            Err(e) => self.fail(what, &e).await,
        }
    }

    async fn fail(&self, what: &str, e: &str) -> ! {
        let dir = browser::screenshot_dir("dashboard");
        let _ = self.b.screenshot(&dir.join("failure.png")).await;
        let console = self.b.console().await.unwrap_or_default();
        for (name, route) in ROUTES {
            let _ = self.b.goto(&self.dev.url(route)).await;
            let _ = self.b.wait_for("main h1", Duration::from_secs(5)).await;
            let _ = self.b.screenshot(&dir.join(format!("{name}.png"))).await;
        }
        panic!(
            "{what}: {e}\nconsole: {console:#?}\nscreenshots in {}",
            dir.display()
        );
    }

    async fn go(&self, fragment: &str) {
        let url = self.dev.url(fragment);
        self.ok(&format!("opening {url}"), self.b.goto(&url).await)
            .await;
    }

    async fn click(&self, css: &str) {
        self.ok(&format!("clicking {css}"), self.b.click(css).await)
            .await;
    }

    async fn fill(&self, css: &str, text: &str) {
        self.ok(&format!("typing into {css}"), self.b.fill(css, text).await)
            .await;
    }

    async fn keys(&self, css: &str, keys: &str) {
        self.ok(&format!("keys to {css}"), self.b.keys(css, keys).await)
            .await;
    }

    async fn wait(&self, css: &str) {
        self.ok(
            &format!("waiting for {css}"),
            self.b.wait_for(css, SEE).await.map(drop),
        )
        .await;
    }

    async fn exec(&self, script: &str) -> Value {
        self.ok("running a script", self.b.exec(script, vec![]).await)
            .await
    }

    /// `script`'s value once it is truthy.
    async fn until(&self, what: &str, script: &str, timeout: Duration) -> Value {
        self.ok(what, self.b.until(what, script, timeout).await)
            .await
    }

    async fn cookie(&self) -> String {
        self.ok(
            "the session cookie",
            self.b.cookie("__Host-p2pd_session").await,
        )
        .await
    }

    async fn sign_in(&self, user: &str, password: &str, role: &str) {
        self.wait("form#login input[name=user]").await;
        self.fill("input[name=user]", user).await;
        self.fill("input[name=password]", password).await;
        self.click("form#login button[type=submit]").await;
        // The page stays on the view it showed before (the overview on a first visit).
        let signed = format!(
            "const t = document.querySelector('#top'); return !t.hidden && document.querySelector('#who').textContent === '{user} ({role})';"
        );
        self.until("the header names who signed in", &signed, SEE)
            .await;
    }

    /// Nothing went wrong in the page: no console error or warning (a failed load, a
    /// script error, a CSP refusal) and nothing the page's own listeners caught.
    async fn no_problems(&self, when: &str) {
        let console = self.ok("reading the console", self.b.console().await).await;
        let bad: Vec<_> = console
            .iter()
            .filter(|(level, _)| level == "SEVERE" || level == "WARNING")
            .collect();
        if !bad.is_empty() {
            self.fail("a clean console", &format!("{when}: {bad:?}"))
                .await;
        }
        let caught = self.exec("return window.p2pDashboard.problems").await;
        if caught.as_array().is_some_and(|a| !a.is_empty()) {
            self.fail("no problems in the page", &format!("{when}: {caught}"))
                .await;
        }
    }
}

/// Every visible text of the page whose colour against its background is below WCAG
/// AA's 4.5:1 (disabled controls are exempt), as `tag.class "text" ratio`.
const LOW_CONTRAST: &str = r#"
const parse = (c) => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
  const p = m[1].split(',').map(parseFloat); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
const backdrop = (el) => { for (let e = el; e; e = e.parentElement) {
  const c = parse(getComputedStyle(e).backgroundColor); if (c && c.a > 0.99) return c; }
  return { r: 255, g: 255, b: 255, a: 1 }; };
const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
const low = [];
for (const el of document.querySelectorAll('body *')) {
  if (el.closest('[hidden], option, svg') || el.disabled || el.getClientRects().length === 0) continue;
  if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
  const fg = parse(getComputedStyle(el).color); const bg = backdrop(el);
  const [a, b] = [lum(fg), lum(bg)];
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  if (ratio < 4.5) low.push(`${el.tagName}.${el.className} "${el.textContent.trim().slice(0, 24)}" ${ratio.toFixed(2)}`);
}
return low;
"#;

fn text_of(css: &str) -> String {
    format!("const e = document.querySelector({css:?}); return e ? e.textContent : null;")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_in_a_real_browser() {
    if !browser::require("the_dashboard_in_a_real_browser") {
        return;
    }
    let mut dev = tokio::task::spawn_blocking(|| Dev::start("ticker", TICKER))
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
    let page = Page { b: &b, dev: &dev };

    // Signed out, the page asks for a login; signed in, the overview.
    page.go("").await;
    page.sign_in("admin", &dev.admin_password, "admin").await;
    page.until(
        "five alive nodes on the overview",
        "const e = document.querySelector('#node-counts [data-state=alive] strong'); return e && e.textContent === '5';",
        SEE,
    )
    .await;
    page.until(
        "three coordinators, one leading",
        "return document.querySelectorAll('#coordinators li').length === 3 && !!document.querySelector('#coordinators .s-leader');",
        SEE,
    )
    .await;

    // Every node in the table, each with its CPU figure.
    page.click("nav a[href='#/nodes']").await;
    let keys = page
        .until(
            "five nodes in the table",
            "const k = [...document.querySelectorAll('tbody tr[data-key]')].map(r => r.dataset.key).sort(); return k.length === 5 ? k : null;",
            SEE,
        )
        .await;
    assert_eq!(keys, serde_json::json!(NODES));
    page.until(
        "a CPU figure for every node",
        "return [...document.querySelectorAll('tbody tr[data-key] td[data-label=CPU]')].every(td => td.textContent.endsWith('%'));",
        SEE,
    )
    .await;

    // The table filters and sorts.
    page.fill(".table-tools input[type=search]", "w").await;
    let rows = "[...document.querySelectorAll('tbody tr[data-key]')].map(r => r.dataset.key)";
    page.until(
        "only the workers after filtering on `w`",
        &format!("const k = {rows}; return k.length === 2 && k[0] === 'w1' && k[1] === 'w2';"),
        SEE,
    )
    .await;
    // Backspace, as a person would (clearing through WebDriver sends no input event).
    page.keys(".table-tools input[type=search]", "\u{E003}")
        .await;
    page.click("th button.sort").await;
    page.until(
        "every node, last name first, after sorting the first column again",
        &format!("const k = {rows}; return k.length === 5 && k[0] === 'w2' && k[4] === 'c1';"),
        SEE,
    )
    .await;

    // A node's CPU chart gains points while the page is open.
    page.go("#/nodes/w1").await;
    let first = page
        .until(
            "points on w1's CPU chart",
            "const c = document.querySelector('#chart-cpu'); return c && Number(c.dataset.points) > 0 ? Number(c.dataset.points) : null;",
            SEE,
        )
        .await;
    let more = format!(
        "return Number(document.querySelector('#chart-cpu').dataset.points) >= {} && document.querySelector('#chart-cpu path.line-0').getAttribute('d').length > 0;",
        (first.as_u64().unwrap_or(0) + 2).min(100)
    );
    page.until("two new points on the CPU chart", &more, SEE)
        .await;
    page.until(
        "ticker among w1's services",
        "return [...document.querySelectorAll('tbody tr[data-key]')].some(r => r.dataset.key === 'ticker');",
        SEE,
    )
    .await;

    // Logs filtered to one service on one node show a line it prints from now on.
    page.click("nav a[href='#/logs']").await;
    page.fill("#log-service", "ticker").await;
    page.exec("const s = document.querySelector('#log-node'); s.value = 'w2'; return s.value;")
        .await;
    let since_ns = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    page.click("#log-filters button[type=submit]").await;
    let fresh = page
        .until(
            "a ticker line from w2 printed after the filter was applied",
            &format!(
                "const lines = [...document.querySelectorAll('#log-lines .line')];
                 const fresh = lines.filter(l => {{ const m = l.querySelector('.message').textContent.match(/^ticker-line (\\d+)$/); return m && BigInt(m[1]) > {since_ns}n; }});
                 const others = lines.filter(l => l.dataset.source !== 'ticker' || l.dataset.node !== 'w2');
                 return fresh.length > 0 && others.length === 0 ? fresh.length : (others.length ? 'others: ' + others.length : null);"
            ),
            SEE,
        )
        .await;
    assert!(
        fresh.as_u64().is_some(),
        "lines of other sources shown: {fresh}"
    );
    // Paused, new lines wait; resumed, they appear.
    page.click("#log-pause").await;
    page.until(
        "lines held while paused",
        "const m = document.querySelector('#log-status').textContent.match(/paused, (\\d+) new/); return m && Number(m[1]) >= 2;",
        SEE,
    )
    .await;
    let count = "return document.querySelectorAll('#log-lines .line').length;";
    let before = page.exec(count).await;
    page.click("#log-pause").await;
    let after = page.exec(count).await;
    assert!(
        after.as_u64() > before.as_u64(),
        "resume showed nothing: {before} -> {after}"
    );

    // Restart one instance from the page, confirm, and see its new generation.
    let old = dev.generation("ticker", "w1");
    page.click("nav a[href='#/services']").await;
    let restart = "tr[data-key='w1/ticker'] button[data-action=restart]";
    // From the keyboard: Escape backs out of the confirmation, and nothing happens.
    page.click(restart).await;
    page.keys("dialog[open] #confirm-cancel", "\u{E00C}").await;
    page.until(
        "the dialog closed by Escape",
        "return document.querySelector('dialog') === null;",
        SEE,
    )
    .await;
    page.click(restart).await;
    page.wait("dialog[open] #confirm-ok").await;
    assert_eq!(
        dev.generation("ticker", "w1"),
        old,
        "nothing happens before confirming"
    );
    page.click("dialog[open] #confirm-ok").await;
    let shown = page
        .until(
            "the restart's result: running, generation N",
            "const r = document.querySelector(\"tr[data-key='w1/ticker'] .result.ok\"); const m = r && r.textContent.match(/generation (\\d+)/); return m ? Number(m[1]) : null;",
            Duration::from_secs(60),
        )
        .await
        .as_u64()
        .unwrap_or(0);
    assert!(shown > old, "generation {old} -> {shown}");
    assert_eq!(
        dev.generation("ticker", "w1"),
        shown,
        "the API agrees with the page"
    );
    page.until(
        "the row shows the new generation",
        &format!("const td = document.querySelector(\"tr[data-key='w1/ticker'] td[data-label=Generation]\"); return td && td.textContent === '{shown}';"),
        SEE,
    )
    .await;

    // A rolling restart: every node in turn, each running again before the next.
    let before: Vec<u64> = NODES.iter().map(|n| dev.generation("ticker", n)).collect();
    page.click("#rolling-start").await;
    page.click("dialog[open] #confirm-ok").await;
    page.until(
        "every node restarted in turn",
        "const items = [...document.querySelectorAll('#rolling-progress li')]; return items.length === 5 && items.every(li => li.className === 'ok');",
        Duration::from_secs(90),
    )
    .await;
    for (node, old) in NODES.iter().zip(before) {
        assert!(
            dev.generation("ticker", node) > old,
            "{node} was not restarted"
        );
    }

    // Renewing a node's certificate from the page gives it a new serial.
    let current = |node: &str| {
        let out = dev.ctl(&["cert", "ls", "-o", "json"]);
        let certs: Vec<CertSummary> = parse(&stdout(&out));
        certs
            .into_iter()
            .find(|c| c.subject == node)
            .map(|c| c.serial)
    };
    let old_serial = current("w2").unwrap_or_else(|| panic!("w2 has no certificate"));
    page.click("nav a[href='#/certs']").await;
    page.wait("button[data-action=revoke]").await;
    page.click(&format!(
        "tr[data-key='{old_serial}'] button[data-action=renew]"
    ))
    .await;
    page.click("dialog[open] #confirm-ok").await;
    let renewed = page
        .until(
            "the renewal's result",
            &text_of(&format!("tr[data-key='{old_serial}'] .result.ok")),
            SEE,
        )
        .await;
    let new_serial = current("w2").unwrap_or_default();
    assert_ne!(new_serial, old_serial);
    assert_eq!(
        renewed.as_str().unwrap_or_default(),
        format!("renewed: serial {}", &new_serial[..16])
    );
    page.no_problems("while signed in as admin").await;

    // Every view's text meets WCAG AA contrast, at a laptop's width and a phone's.
    for (width, height) in [(1280, 900), (390, 844)] {
        page.ok("resizing", b.window_size(width, height).await)
            .await;
        for (name, route) in ROUTES {
            page.go(route).await;
            page.wait("main h1").await;
            page.wait("main table, main .log, main .cards").await;
            let low = page.exec(LOW_CONTRAST).await;
            assert_eq!(
                low,
                serde_json::json!([]),
                "low contrast on {name} at {width} px"
            );
            let wide = page
                .exec("return document.documentElement.scrollWidth <= window.innerWidth + 1;")
                .await;
            assert_eq!(
                wide,
                Value::Bool(true),
                "{name} scrolls sideways at {width} px"
            );
        }
    }
    page.ok("resizing", b.window_size(1280, 900).await).await;

    // Sign out: back to the login page, and the old cookie is dead on the server.
    let admin_cookie = page.cookie().await;
    assert_eq!(
        dev.with_cookie("GET", "/v1/auth/whoami", &admin_cookie),
        200
    );
    page.click("#logout").await;
    let said = page
        .until("the login page again", &text_of("#login-message"), SEE)
        .await;
    assert_eq!(said, Value::String("Signed out.".into()));
    assert_eq!(
        dev.with_cookie("GET", "/v1/auth/whoami", &admin_cookie),
        401,
        "the old cookie still works"
    );

    // A viewer: every view, no control anywhere, and a forged POST refused.
    page.sign_in("watcher", viewer_password, "viewer").await;
    for (name, route) in ROUTES {
        page.go(route).await;
        page.wait("main h1").await;
        match name {
            "services" => page.wait("tr[data-key='w1/ticker']").await,
            "certs" => page.wait("tbody tr[data-key]").await,
            _ => {}
        }
        let controls = page
            .exec("return document.querySelectorAll('button[data-action], #rolling-start').length;")
            .await;
        assert_eq!(
            controls,
            serde_json::json!(0),
            "a viewer sees controls on {name}"
        );
    }
    let viewer_cookie = page.cookie().await;
    let before = dev.generation("ticker", "w1");
    assert_eq!(
        dev.with_cookie("POST", "/v1/services/ticker/restart", &viewer_cookie),
        403
    );
    assert_eq!(
        dev.generation("ticker", "w1"),
        before,
        "the forged restart happened"
    );
    page.no_problems("while signed in as a viewer").await;

    // Ending the viewer's sessions on the server takes the open page back to the login,
    // with the reason.
    let out = dev.ctl(&["user", "revoke-sessions", "watcher"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = page
        .until(
            "the login page after the session ended",
            &text_of("#login-message"),
            SEE,
        )
        .await;
    let said = said.as_str().unwrap_or_default();
    assert!(said.starts_with("Your session ended"), "{said}");
    assert_eq!(
        dev.with_cookie("GET", "/v1/auth/whoami", &viewer_cookie),
        401
    );
    page.no_problems("after the session ended").await;

    b.quit().await;
    let status = dev.proc.terminate(Duration::from_secs(15));
    assert!(
        status.is_some_and(|s| s.success()),
        "p2pd dev did not stop cleanly"
    );
}
