//! Test support: the app and the sandbox on loopback, a tiny HTTP/1.1 client (plain bytes,
//! so the tests see exactly what the app sends), and headless Chromium through
//! chromedriver's WebDriver HTTP API (the approach of `mypages-sandbox/tests/browser.rs`).

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use my_pages::App;
use my_pages::providers::Providers;
use mypages_sandbox::{RunningSandbox, Sandbox};
use serde_json::{Value, json};
use tokio::sync::oneshot;

/// The sandbox and the app on it, both on ephemeral loopback ports; stopped on drop.
pub struct Running {
    pub sandbox: RunningSandbox,
    pub addr: SocketAddr,
    pub url: String,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Starts a sandbox and the app on it.
pub async fn start() -> Running {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let url = format!("http://{addr}");
    let app = App::new(Providers::sandbox(&sandbox).unwrap(), &url).unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        app.serve(listener, async {
            let _ = stopped.await;
        })
        .await
    });
    Running {
        sandbox,
        addr,
        url,
        stop: Some(stop),
    }
}

// ---------------------------------------------------------------------------------------
// HTTP.

// The raw HTTP/1.1 client is the sandbox's own test client (one copy for the workspace).
#[path = "../../../../crates/mypages-sandbox/tests/common/mod.rs"]
mod http;
#[allow(unused_imports)] // The browser tests use `send` only, the HTTP tests both.
pub use http::{Reply, send};

// ---------------------------------------------------------------------------------------
// The browser.

/// Where `tool` is on `PATH`.
fn on_path(tool: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|dir| dir.join(tool))
        .find(|path| path.is_file())
}

/// Whether Chromium and chromedriver are installed; fails when they are required
/// (`MYPAGES_REQUIRE_TOOLS=1`, as `cargo xtask ci` sets).
pub fn browser_available() -> bool {
    let found = on_path("chromium").is_some() && on_path("chromedriver").is_some();
    if !found {
        if std::env::var("MYPAGES_REQUIRE_TOOLS").as_deref() == Ok("1") {
            panic!(
                "chromium and chromedriver are required (MYPAGES_REQUIRE_TOOLS=1) but not on PATH; \
                 install them with: apt-get install -y chromium chromium-driver"
            );
        }
        eprintln!("NOTICE: chromium/chromedriver not installed; browser test skipped");
    }
    found
}

/// A chromedriver process, killed on drop.
struct Driver {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_driver() -> Driver {
    let port = free_port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
    };
    for _ in 0..100 {
        if let Ok(reply) = send(driver.addr, "GET", "/status", &[], None).await
            && reply.json()["value"]["ready"] == true
        {
            return driver;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("chromedriver did not become ready");
}

/// One WebDriver session in a fresh headless Chromium profile, downloading into
/// [`Browser::downloads`].
pub struct Browser {
    driver: Driver,
    session: String,
    pub downloads: PathBuf,
}

impl Browser {
    pub async fn open(name: &str) -> Self {
        let driver = start_driver().await;
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("my-pages-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let profile = dir.join("profile");
        let downloads = dir.join("downloads");
        std::fs::create_dir_all(&downloads).unwrap();
        let capabilities = json!({
            "capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": on_path("chromium").unwrap(),
                    "args": [
                        "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run", "--hide-scrollbars",
                        format!("--user-data-dir={}", profile.display()),
                    ],
                    "prefs": {
                        "download.default_directory": downloads.display().to_string(),
                        "download.prompt_for_download": false,
                        "plugins.always_open_pdf_externally": true,
                    },
                },
            }},
        });
        let body = capabilities.to_string();
        let reply = send(driver.addr, "POST", "/session", &[], Some(body.as_bytes()))
            .await
            .unwrap();
        assert_eq!(reply.status, 200, "new session: {}", reply.text());
        let session = reply.json()["value"]["sessionId"]
            .as_str()
            .unwrap()
            .to_owned();
        Self {
            driver,
            session,
            downloads,
        }
    }

    async fn command(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string());
        let path = format!("/session/{}{path}", self.session);
        let reply = send(
            self.driver.addr,
            method,
            &path,
            &[],
            body.as_deref().map(str::as_bytes),
        )
        .await
        .unwrap();
        assert_eq!(reply.status, 200, "{method} {path}: {}", reply.text());
        reply.json()["value"].clone()
    }

    pub async fn go(&self, url: &str) {
        self.command("POST", "/url", Some(json!({ "url": url })))
            .await;
    }

    pub async fn back(&self) {
        self.command("POST", "/back", Some(json!({}))).await;
    }

    pub async fn url(&self) -> String {
        self.command("GET", "/url", None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The page's source as the browser has it.
    pub async fn source(&self) -> String {
        self.command("GET", "/source", None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Sets the window's size in CSS pixels.
    pub async fn resize(&self, width: u32, height: u32) {
        self.command(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        )
        .await;
    }

    /// A PNG screenshot of the whole window.
    pub async fn screenshot(&self) -> Vec<u8> {
        let encoded = self.command("GET", "/screenshot", None).await;
        base64_decode(encoded.as_str().unwrap())
    }

    async fn find(&self, css: &str) -> Option<String> {
        let path = format!("/session/{}/element", self.session);
        let body = json!({"using": "css selector", "value": css}).to_string();
        let reply = send(self.driver.addr, "POST", &path, &[], Some(body.as_bytes()))
            .await
            .unwrap();
        if reply.status == 200 {
            let found = reply.json()["value"]["element-6066-11e4-a52e-4f735466cecf"].clone();
            return Some(found.as_str().unwrap().to_owned());
        }
        assert_eq!(
            reply.json()["value"]["error"],
            "no such element",
            "{}",
            reply.text()
        );
        None
    }

    /// Whether the page has an element matching `css` now.
    pub async fn has(&self, css: &str) -> bool {
        self.find(css).await.is_some()
    }

    /// Finds an element, waiting (up to 30 s, for a loaded machine) while the page loads.
    pub async fn element(&self, css: &str) -> String {
        for _ in 0..600 {
            if let Some(element) = self.find(css).await {
                return element;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no element {css} on {}", self.url().await);
    }

    pub async fn click(&self, css: &str) {
        let element = self.element(css).await;
        self.command(
            "POST",
            &format!("/element/{element}/click"),
            Some(json!({})),
        )
        .await;
    }

    pub async fn text(&self, css: &str) -> String {
        let element = self.element(css).await;
        self.command("GET", &format!("/element/{element}/text"), None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn attribute(&self, css: &str, name: &str) -> String {
        let element = self.element(css).await;
        let value = self
            .command("GET", &format!("/element/{element}/attribute/{name}"), None)
            .await;
        value.as_str().unwrap_or_default().to_owned()
    }

    /// Waits until the page's URL starts with `prefix`.
    pub async fn wait_for_url(&self, prefix: &str) -> String {
        for _ in 0..600 {
            let url = self.url().await;
            if url.starts_with(prefix) {
                return url;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "the browser never reached {prefix}; it is at {}",
            self.url().await
        );
    }

    /// Waits for the file `name` to be completely downloaded and returns its bytes.
    pub async fn downloaded(&self, name: &str) -> Vec<u8> {
        let path = self.downloads.join(name);
        for _ in 0..600 {
            let partial = std::fs::read_dir(&self.downloads)
                .unwrap()
                .filter_map(Result::ok)
                .any(|entry| entry.file_name().to_string_lossy().ends_with(".crdownload"));
            if path.is_file() && !partial {
                return std::fs::read(&path).unwrap();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let found: Vec<_> = std::fs::read_dir(&self.downloads)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        panic!("{name} was never downloaded; the folder holds {found:?}");
    }
}

impl Drop for Browser {
    /// Ends the WebDriver session even when a test fails half-way, so no Chromium is left
    /// running: a blocking `DELETE /session/{id}`, then chromedriver is killed.
    fn drop(&mut self) {
        use std::io::{Read, Write};
        let Ok(mut stream) = std::net::TcpStream::connect(self.driver.addr) else {
            return;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let request = format!(
            "DELETE /session/{} HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.session, self.driver.addr
        );
        if stream.write_all(request.as_bytes()).is_ok() {
            let mut answer = [0u8; 1024];
            let _ = stream.read(&mut answer);
        }
    }
}

/// Standard base64 (with padding), as WebDriver sends screenshots.
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            other => panic!("not base64: {other}"),
        }
    };
    let clean: Vec<u8> = text.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    let mut out = Vec::with_capacity(clean.len() / 4 * 3);
    for chunk in clean.chunks(4) {
        let digits: Vec<u32> = chunk
            .iter()
            .take_while(|c| **c != b'=')
            .map(|c| value(*c))
            .collect();
        let mut n = 0u32;
        for (i, d) in digits.iter().enumerate() {
            n |= d << (18 - 6 * i);
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..digits.len().saturating_sub(1)]);
    }
    out
}
