//! Runs the real `mypages` binary for the CLI's end-to-end tests and holds what it did: the
//! exit code, stdout and stderr.

#![allow(dead_code)] // Each test binary uses a part of this module.
#![allow(clippy::unwrap_used)] // Test support: a failure here fails the test loudly.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output, Stdio};

use mypages_sandbox::{RunningSandbox, Sandbox};
use serde_json::Value;

/// The variables the CLI reads, and `RUST_LOG`: no run sees them from the outside, so the
/// developer's own shell never changes a test.
const OUTSIDE: &[&str] = &[
    "AVARDA_CLIENT_ID",
    "AVARDA_CLIENT_SECRET",
    "AVARDA_TOKEN",
    "AVARDA_CUSTOMER_TOKEN",
    "MYPAGES_AVARDA_BASE_URL",
    "PAYEX_TOKEN",
    "PAYEX_LEDGER",
    "MYPAGES_PAYEX_BASE_URL",
    "P4P_KEY",
    "MYPAGES_P4P_BASE_URL",
    "RUST_LOG",
];

/// The `mypages` binary with none of the [`OUTSIDE`] variables set.
pub(crate) fn command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mypages"));
    for name in OUTSIDE {
        command.env_remove(name);
    }
    command
}

/// A sandbox with the default data on 127.0.0.1.
pub(crate) async fn sandbox() -> RunningSandbox {
    Sandbox::builder().start().await.unwrap()
}

/// One run of `mypages` being put together: its arguments, environment and standard input.
pub(crate) struct Mypages {
    command: Command,
    args: Vec<String>,
    stdin: String,
}

impl Mypages {
    /// `mypages` with no arguments, a clean environment (see [`command`]) and empty stdin.
    pub(crate) fn new() -> Self {
        Self {
            command: command(),
            args: Vec::new(),
            stdin: String::new(),
        }
    }

    /// Appends `args`.
    pub(crate) fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        for arg in args {
            let arg = arg.as_ref();
            self.args.push(arg.to_string_lossy().into_owned());
            self.command.arg(arg);
        }
        self
    }

    /// Appends `<provider> --base-url <base_url> --timeout 5 --retries 0`: the provider's
    /// commands against `base_url`, failing fast.
    pub(crate) fn provider_at(self, provider: &str, base_url: &str) -> Self {
        self.args([provider, "--base-url", base_url])
            .args(["--timeout", "5", "--retries", "0"])
    }

    /// Sets the variable `name` to `value`.
    pub(crate) fn env(mut self, name: &str, value: &str) -> Self {
        self.command.env(name, value);
        self
    }

    /// Sets every `(name, value)` of `vars`.
    pub(crate) fn envs(mut self, vars: &[(&str, &str)]) -> Self {
        self.command.envs(vars.iter().copied());
        self
    }

    /// Leaves the variable `name` unset (also when set before).
    pub(crate) fn env_remove(mut self, name: &str) -> Self {
        self.command.env_remove(name);
        self
    }

    /// Gives `text` on standard input.
    pub(crate) fn stdin(mut self, text: &str) -> Self {
        text.clone_into(&mut self.stdin);
        self
    }

    /// Runs the binary to its end, blocking this thread.
    pub(crate) fn run_blocking(mut self) -> Run {
        let mut child = self
            .command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("mypages {:?} does not start: {e}", self.args));
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(self.stdin.as_bytes()).unwrap();
        // Closing stdin ends the input, as a pipe does.
        drop(stdin);
        let Output {
            status,
            stdout,
            stderr,
        } = child.wait_with_output().unwrap();
        let stderr = String::from_utf8(stderr)
            .unwrap_or_else(|e| panic!("mypages {:?}: stderr is not UTF-8: {e}", self.args));
        Run {
            args: self.args,
            code: status.code().unwrap_or(-1),
            stdout,
            stderr,
        }
    }

    /// Runs the binary off the async workers, so a sandbox in this process keeps answering.
    pub(crate) async fn run(self) -> Run {
        tokio::task::spawn_blocking(move || self.run_blocking())
            .await
            .unwrap()
    }
}

/// What one run of `mypages` did.
pub(crate) struct Run {
    /// The arguments it was given, for failure messages.
    pub(crate) args: Vec<String>,
    /// The exit code; -1 when a signal ended it.
    pub(crate) code: i32,
    /// Standard output, byte for byte.
    pub(crate) stdout: Vec<u8>,
    /// Standard error.
    pub(crate) stderr: String,
}

impl Run {
    /// Standard output as text.
    pub(crate) fn text(&self) -> &str {
        std::str::from_utf8(&self.stdout)
            .unwrap_or_else(|e| panic!("mypages {:?}: stdout is not UTF-8: {e}", self.args))
    }

    /// Standard output as one JSON document.
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "mypages {:?}: stdout is not one JSON document ({e}): {}\nstderr: {}",
                self.args,
                String::from_utf8_lossy(&self.stdout),
                self.stderr
            )
        })
    }

    /// Asserts that the run succeeded (exit 0).
    pub(crate) fn ok(self) -> Self {
        self.exits(0)
    }

    /// Asserts that the run ended with exit code `code`.
    pub(crate) fn exits(self, code: i32) -> Self {
        assert_eq!(
            self.code,
            code,
            "mypages {:?}\nstdout: {}\nstderr: {}",
            self.args,
            String::from_utf8_lossy(&self.stdout),
            self.stderr
        );
        self
    }

    /// Asserts that stderr contains `needle`.
    pub(crate) fn stderr_has(self, needle: &str) -> Self {
        assert!(
            self.stderr.contains(needle),
            "mypages {:?}: {needle:?} missing from stderr: {}",
            self.args,
            self.stderr
        );
        self
    }
}

/// A provider that answers every request on a new loopback port with `status` (e.g.
/// `200 OK`) and `body` (JSON), on a thread of its own, for as long as the test runs;
/// returns the base URL. The request, body included, is read before answering.
pub(crate) fn answering(status: &'static str, body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let mut reader = BufReader::new(stream);
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((name, value)) = line.split_once(':')
                    && name.eq_ignore_ascii_case("content-length")
                {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            let mut request_body = vec![0u8; length];
            let _ = reader.read_exact(&mut request_body);
            // A 204 has no body and no length (RFC 9110, section 8.6).
            let head = if status.starts_with("204") {
                String::new()
            } else {
                format!(
                    "content-type: application/json\r\ncontent-length: {}\r\n",
                    body.len()
                )
            };
            let answer = format!("HTTP/1.1 {status}\r\n{head}connection: close\r\n\r\n{body}");
            let _ = reader.get_mut().write_all(answer.as_bytes());
        }
    });
    format!("http://{address}")
}
