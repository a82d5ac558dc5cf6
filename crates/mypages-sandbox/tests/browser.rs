//! Avarda's strong-authentication and pay pages driven in headless Chromium, from the
//! `redirectUrl` to the merchant's return page, through chromedriver's WebDriver HTTP API
//! (plain JSON over HTTP).
//!
//! Needs Debian's `chromium` and `chromium-driver`. Without them the tests print a notice
//! and pass, unless `MYPAGES_REQUIRE_TOOLS=1` (CI), where they fail.

// Test helpers may unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::send;
use mypages_sandbox::Sandbox;
use mypages_sandbox::credentials::*;
use serde_json::{Value, json};

/// Where `tool` is on `PATH`.
fn on_path(tool: &str) -> Option<std::path::PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|dir| dir.join(tool))
        .find(|path| path.is_file())
}

/// Whether Chromium and chromedriver are installed; fails when they are required.
fn browser_available() -> bool {
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

/// One WebDriver session in a fresh headless Chromium profile.
struct Browser {
    driver: Driver,
    session: String,
}

impl Browser {
    async fn open(name: &str) -> Self {
        let driver = start_driver().await;
        let profile = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("chromium-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        let capabilities = json!({
            "capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": on_path("chromium").unwrap(),
                    "args": [
                        "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run",
                        format!("--user-data-dir={}", profile.display()),
                    ],
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
        Self { driver, session }
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

    async fn go(&self, url: &str) {
        self.command("POST", "/url", Some(json!({ "url": url })))
            .await;
    }

    async fn url(&self) -> String {
        self.command("GET", "/url", None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Finds an element, waiting while the page is still loading (a click that submits a
    /// form returns before the next page is there).
    async fn element(&self, css: &str) -> String {
        let path = format!("/session/{}/element", self.session);
        let body = json!({"using": "css selector", "value": css}).to_string();
        for _ in 0..100 {
            let reply = send(self.driver.addr, "POST", &path, &[], Some(body.as_bytes()))
                .await
                .unwrap();
            if reply.status == 200 {
                let found = reply.json()["value"]["element-6066-11e4-a52e-4f735466cecf"].clone();
                return found.as_str().unwrap().to_owned();
            }
            assert_eq!(
                reply.json()["value"]["error"],
                "no such element",
                "{}",
                reply.text()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no element {css} on {}", self.url().await);
    }

    async fn click(&self, css: &str) {
        let element = self.element(css).await;
        self.command(
            "POST",
            &format!("/element/{element}/click"),
            Some(json!({})),
        )
        .await;
    }

    async fn text(&self, css: &str) -> String {
        let element = self.element(css).await;
        self.command("GET", &format!("/element/{element}/text"), None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    async fn attribute(&self, css: &str, name: &str) -> String {
        let element = self.element(css).await;
        let value = self
            .command("GET", &format!("/element/{element}/attribute/{name}"), None)
            .await;
        value.as_str().unwrap_or_default().to_owned()
    }

    /// Waits until the page's URL starts with `prefix`.
    async fn wait_for_url(&self, prefix: &str) -> String {
        for _ in 0..100 {
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

    async fn close(self) {
        // Dropping ends the session (and so Chromium), then chromedriver.
        drop(self);
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

/// A stand-in for the merchant's site: answers every page with "welcome back" and counts visits.
async fn shop() -> (SocketAddr, Arc<AtomicUsize>) {
    let visits = Arc::new(AtomicUsize::new(0));
    let counter = visits.clone();
    let app = axum::Router::new().fallback(move || {
        let counter = counter.clone();
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            axum::response::Html(
                "<!doctype html><title>Shop</title><h1 id=\"back\">Welcome back</h1>",
            )
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, visits)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strong_authentication_in_the_browser_from_redirect_to_return() {
    if !browser_available() {
        return;
    }
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let (shop, visits) = shop().await;
    let return_url = format!("http://{shop}/mypages/accounts?from=avarda");
    let auth = format!("Bearer {}", common::partner_token(addr).await);
    let headers = [
        ("Authorization", auth.as_str()),
        ("customerAuthToken", "browser-customer-7"),
        ("customerTokenProvider", "Self"),
        ("customerAuthenticationReturnUrl", return_url.as_str()),
    ];
    let accounts = format!("/avarda/Accounts?purchaseId={AVARDA_PURCHASE_ID}");

    let reply = send(addr, "GET", &accounts, &headers, None).await.unwrap();
    assert_eq!(reply.status, 202, "{}", reply.text());
    let redirect = reply.json()["redirectUrl"].as_str().unwrap().to_owned();
    assert!(redirect.starts_with(&sandbox.avarda_url()), "{redirect}");

    let browser = Browser::open("strong-auth").await;
    browser.go(&redirect).await;
    assert!(
        browser.text("h1").await.contains("Identify"),
        "the strong-authentication page shows"
    );
    browser.click("#confirm").await;
    let landed = browser.wait_for_url(&return_url).await;
    assert_eq!(landed, return_url);
    assert_eq!(browser.text("#back").await, "Welcome back");
    assert!(
        visits.load(Ordering::SeqCst) >= 1,
        "the shop's return page was requested"
    );

    let reply = send(addr, "GET", &accounts, &headers, None).await.unwrap();
    assert_eq!(
        reply.status,
        200,
        "verified after the page: {}",
        reply.text()
    );
    assert!(reply.json().as_array().is_some_and(|a| !a.is_empty()));

    // The session is used up: going back to it shows "not found", and verifies nothing new.
    browser.go(&redirect).await;
    assert!(browser.text("h1").await.contains("not found"));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paying_and_cancelling_on_the_pay_page() {
    if !browser_available() {
        return;
    }
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let auth = format!("Bearer {}", common::partner_token(addr).await);
    let headers = [
        ("Authorization", auth.as_str()),
        ("customerAuthToken", AVARDA_CUSTOMER_TOKEN),
        ("customerTokenProvider", "Self"),
    ];
    let invoices = send(
        addr,
        "GET",
        &format!("/avarda/Invoices?purchaseId={AVARDA_PURCHASE_ID}"),
        &headers,
        None,
    )
    .await
    .unwrap()
    .json();
    let open = invoices
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["state"] == "Unpaid")
        .unwrap();
    let invoice_id = open["id"].as_str().unwrap().to_owned();

    let start = |language: &'static str| {
        let body = format!(r#"{{"accountId":"{invoice_id}","language":"{language}"}}"#);
        async move {
            send(addr, "POST", "/avarda/Pay", &headers, Some(body.as_bytes()))
                .await
                .unwrap()
                .json()
        }
    };
    let status = |purchase: String| {
        let body = format!(r#"{{"purchaseId":"{purchase}","accountId":"{invoice_id}"}}"#);
        async move {
            send(
                addr,
                "POST",
                "/avarda/Pay/Status",
                &headers,
                Some(body.as_bytes()),
            )
            .await
            .unwrap()
            .json()["state"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };

    let browser = Browser::open("pay").await;

    // First attempt: cancelled on the page.
    let cancelled = start("sv").await["purchaseId"].as_str().unwrap().to_owned();
    assert_eq!(status(cancelled.clone()).await, "Unpaid");
    browser.go(&sandbox.avarda_pay_page_url(&cancelled)).await;
    browser.click("#cancel").await;
    assert_eq!(
        browser.attribute("#result", "data-state").await,
        "Cancelled"
    );
    assert_eq!(status(cancelled).await, "Cancelled");

    // Second attempt: paid on the page.
    let paid = start("en").await["purchaseId"].as_str().unwrap().to_owned();
    browser.go(&sandbox.avarda_pay_page_url(&paid)).await;
    assert_eq!(browser.text("#amount").await, "1249.50 SEK");
    browser.click("#pay").await;
    assert_eq!(browser.attribute("#result", "data-state").await, "Paid");
    assert_eq!(status(paid).await, "Paid");
    browser.close().await;

    let path = format!("/avarda/Invoices/{invoice_id}?purchaseId={AVARDA_PURCHASE_ID}");
    let reply = send(addr, "GET", &path, &headers, None).await.unwrap();
    assert!(
        reply.text().contains(r#""balance":0.00"#),
        "{}",
        reply.text()
    );
    assert_eq!(reply.json()["state"], "Paid");
}
