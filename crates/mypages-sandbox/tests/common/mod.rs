//! A tiny HTTP/1.1 client for the tests: plain bytes over a loopback socket, so the tests
//! see exactly what the sandbox sends.

#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A response as received.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.text()))
    }
}

/// Sends one request (`Connection: close`) and reads the whole answer; `Err` when the
/// connection closes before a complete response.
pub async fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect(addr).await?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(body) = body {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        if !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        {
            head.push_str("Content-Type: application/json\r\n");
        }
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    if let Some(body) = body {
        stream.write_all(body).await?;
    }
    let raw = tokio::time::timeout(Duration::from_secs(30), read_response(&mut stream))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer"))??;
    parse(&raw)
}

/// Reads one response: up to its `Content-Length`, its last chunk, or the end of the stream
/// (some servers, chromedriver among them, keep the connection open despite
/// `Connection: close`).
async fn read_response(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            let body = &raw[end + 4..];
            let complete = match length {
                Some(length) => body.len() >= length,
                None if head.contains("transfer-encoding: chunked") => body.ends_with(b"0\r\n\r\n"),
                None => false,
            };
            if complete {
                return Ok(raw);
            }
        }
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(raw);
        }
        raw.extend_from_slice(&buf[..n]);
    }
}

fn parse(raw: &[u8]) -> std::io::Result<Reply> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, what.to_owned());
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad("no complete head"))?;
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no status line"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let line_end = rest
                .windows(2)
                .position(|w| w == b"\r\n")
                .ok_or_else(|| bad("bad chunk"))?;
            let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..line_end]).trim(), 16)
                .map_err(|_| bad("bad chunk size"))?;
            rest = &rest[line_end + 2..];
            if size == 0 {
                break;
            }
            out.extend_from_slice(rest.get(..size).ok_or_else(|| bad("short chunk"))?);
            rest = &rest[size + 2..];
        }
        body = out;
    } else if let Some(length) = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
    {
        let length: usize = length.1.parse().map_err(|_| bad("bad length"))?;
        if body.len() < length {
            return Err(bad("body shorter than Content-Length"));
        }
    }
    Ok(Reply {
        status,
        headers,
        body,
    })
}

/// A JSON call with a bearer token.
pub async fn call(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&str>,
) -> Reply {
    let auth = format!("Bearer {token}");
    send(
        addr,
        method,
        path,
        &[("Authorization", &auth)],
        body.map(str::as_bytes),
    )
    .await
    .unwrap_or_else(|err| panic!("{method} {path}: {err}"))
}

/// `POST /avarda/auth/token` with the sandbox's fixed client id and secret: the reply as
/// received.
pub async fn request_partner_token(addr: SocketAddr) -> Reply {
    use mypages_sandbox::credentials::{AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET};
    let body =
        format!(r#"{{"clientId":"{AVARDA_CLIENT_ID}","clientSecret":"{AVARDA_CLIENT_SECRET}"}}"#);
    send(
        addr,
        "POST",
        "/avarda/auth/token",
        &[],
        Some(body.as_bytes()),
    )
    .await
    .unwrap_or_else(|err| panic!("POST /avarda/auth/token: {err}"))
}

/// A partner access token for the sandbox's fixed credentials.
pub async fn partner_token(addr: SocketAddr) -> String {
    let reply = request_partner_token(addr).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()["token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token in {}", reply.text()))
        .to_owned()
}
