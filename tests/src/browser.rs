//! A real browser for the dashboard's tests: Debian's `chromium`, driven over W3C WebDriver
//! by its own `chromedriver` (same package version, nothing downloaded). A thin client of
//! the few commands the tests use, plus chromedriver's browser log for console errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::{Proc, free_port};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// W3C's key for an element reference in WebDriver answers.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Why the browser cannot run here, if it cannot.
pub fn available() -> Result<()> {
    for (path, package) in [(CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")] {
        if !Path::new(path).exists() {
            return Err(format!("no {path} (apt install {package})"));
        }
    }
    Ok(())
}

/// True to go on; false (after printing why) to skip (a failure under CI=true).
pub fn require(test: &str) -> bool {
    crate::require_capability(test, "a browser", available())
}

/// One headless browser session, ended (and its driver killed) on drop.
pub struct Browser {
    http: reqwest::Client,
    session: String,
    driver: Proc,
    _profile: tempfile::TempDir,
}

pub type Result<T> = std::result::Result<T, String>;

impl Browser {
    /// Starts chromedriver on a free port and a headless chromium that accepts the
    /// cluster's certificate (its CA is not in the browser's store).
    pub async fn start(width: u32, height: u32) -> Result<Self> {
        let port = free_port();
        let driver = Proc::spawn(
            Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        );
        let profile = tempfile::tempdir().map_err(|e| e.to_string())?;
        // reqwest's TLS stack needs the process's crypto provider even for plain HTTP.
        p2p_shared::tls::crypto_provider();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| e.to_string())?;
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = http.get(format!("{base}/status")).send().await;
            if let Ok(r) = ready {
                let v: Value = r.json().await.unwrap_or_default();
                if v["value"]["ready"] == true {
                    break;
                }
            }
            if Instant::now() > deadline {
                return Err("chromedriver did not become ready in 20 s".into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "acceptInsecureCerts": true,
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    "--no-first-run", "--disable-extensions", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            },
        }}});
        let answer = call(
            &http,
            reqwest::Method::POST,
            &format!("{base}/session"),
            Some(caps),
        )
        .await?;
        let session = answer["sessionId"]
            .as_str()
            .ok_or_else(|| format!("no session id in {answer}"))?
            .to_string();
        Ok(Self {
            http,
            session: format!("{base}/session/{session}"),
            driver,
            _profile: profile,
        })
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value> {
        call(
            &self.http,
            reqwest::Method::POST,
            &format!("{}{path}", self.session),
            Some(body),
        )
        .await
    }

    async fn get(&self, path: &str) -> Result<Value> {
        call(
            &self.http,
            reqwest::Method::GET,
            &format!("{}{path}", self.session),
            None,
        )
        .await
    }

    pub async fn goto(&self, url: &str) -> Result<()> {
        self.post("/url", json!({ "url": url })).await.map(drop)
    }

    pub async fn find(&self, css: &str) -> Result<String> {
        let v = self
            .post("/element", json!({"using": "css selector", "value": css}))
            .await?;
        v[ELEMENT]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("no element reference for {css}: {v}"))
    }

    /// The first element matching `css`, once there is one.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Result<String> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.find(css).await {
                Ok(e) => return Ok(e),
                Err(e) if Instant::now() > deadline => {
                    return Err(format!("`{css}` did not appear in {timeout:?}: {e}"));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    pub async fn click(&self, css: &str) -> Result<()> {
        let e = self.wait_for(css, Duration::from_secs(10)).await?;
        self.post(&format!("/element/{e}/click"), json!({}))
            .await
            .map(drop)
    }

    /// Clears a field and types into it.
    pub async fn fill(&self, css: &str, text: &str) -> Result<()> {
        let e = self.wait_for(css, Duration::from_secs(10)).await?;
        self.post(&format!("/element/{e}/clear"), json!({})).await?;
        self.post(&format!("/element/{e}/value"), json!({ "text": text }))
            .await
            .map(drop)
    }

    /// Sends keys to an element, as typed (W3C key codes such as `\u{E00C}` for Escape).
    pub async fn keys(&self, css: &str, keys: &str) -> Result<()> {
        let e = self.wait_for(css, Duration::from_secs(10)).await?;
        self.post(&format!("/element/{e}/value"), json!({ "text": keys }))
            .await
            .map(drop)
    }

    /// Runs a script in the page (its body; `arguments[i]` are `args`).
    pub async fn exec(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.post("/execute/sync", json!({"script": script, "args": args}))
            .await
    }

    /// Runs `script` until it returns something truthy, and returns that.
    pub async fn until(&self, what: &str, script: &str, timeout: Duration) -> Result<Value> {
        self.until_with(what, script, vec![], timeout).await
    }

    /// [`Browser::until`] with `arguments` for the script.
    pub async fn until_with(
        &self,
        what: &str,
        script: &str,
        args: Vec<Value>,
        timeout: Duration,
    ) -> Result<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let last = match self.exec(script, args.clone()).await {
                Ok(v) if truthy(&v) => return Ok(v),
                Ok(v) => v,
                Err(e) => Value::String(e),
            };
            if Instant::now() > deadline {
                return Err(format!("{what}: not within {timeout:?} (last: {last})"));
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// The window's outer size.
    pub async fn window_size(&self, width: u32, height: u32) -> Result<()> {
        self.post("/window/rect", json!({ "width": width, "height": height }))
            .await
            .map(drop)
    }

    /// A cookie of the page, HttpOnly ones included (the driver sees what scripts cannot).
    pub async fn cookie(&self, name: &str) -> Result<String> {
        let v = self.get(&format!("/cookie/{name}")).await?;
        v["value"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("no cookie {name}: {v}"))
    }

    pub async fn screenshot(&self, path: &Path) -> Result<()> {
        use base64::Engine as _;
        let v = self.get("/screenshot").await?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap_or_default())
            .map_err(|e| e.to_string())?;
        std::fs::write(path, png).map_err(|e| e.to_string())
    }

    /// Console messages since the last call, as (level, message).
    pub async fn console(&self) -> Result<Vec<(String, String)>> {
        let v = self.post("/se/log", json!({"type": "browser"})).await?;
        Ok(v.as_array()
            .map(|entries| {
                entries
                    .iter()
                    .map(|e| {
                        (
                            e["level"].as_str().unwrap_or_default().to_string(),
                            e["message"].as_str().unwrap_or_default().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    pub async fn quit(mut self) {
        let _ = call(&self.http, reqwest::Method::DELETE, &self.session, None).await;
        self.driver.terminate(Duration::from_secs(5));
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|x| x != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(_) => true,
    }
}

async fn call(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    body: Option<Value>,
) -> Result<Value> {
    let mut req = http.request(method, url);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.map_err(|e| format!("{url}: {e}"))?;
    let status = resp.status();
    let v: Value = resp.json().await.map_err(|e| format!("{url}: {e}"))?;
    if !status.is_success() {
        return Err(format!("{url}: {status}: {}", v["value"]));
    }
    Ok(v["value"].clone())
}

/// Where a failing browser test leaves its screenshots: beside the build.
pub fn screenshot_dir(test: &str) -> PathBuf {
    let dir = crate::bin("p2pd")
        .parent()
        .map(|d| d.join("screenshots").join(test))
        .unwrap_or_else(|| std::env::temp_dir().join(test));
    let _ = std::fs::create_dir_all(&dir);
    dir
}
