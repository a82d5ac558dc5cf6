//! The sandbox in a child process of the benchmark binary, on loopback.
//!
//! The simulator runs in its own process so that the client's memory (`VmHWM`) and CPU
//! figures are the client's alone; the child is this same binary, run as
//! `mypages-bench serve-sandbox CUSTOMERS TRANSACTIONS`. It prints its base URL on stdout
//! and stops when its stdin closes, so it never outlives the benchmark.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

use mypages_sandbox::Sandbox;
use time::macros::date;

/// The day the sandbox takes as today, so runs see the same data.
pub(crate) const TODAY: time::Date = date!(2026 - 11 - 20);

/// A running sandbox child process.
pub(crate) struct SandboxProcess {
    child: Child,
    base_url: String,
}

impl SandboxProcess {
    /// Starts a sandbox seeded with `customers` generated customers of `transactions`
    /// transactions each, and waits until it listens.
    pub(crate) fn start(customers: usize, transactions: usize) -> Result<SandboxProcess, String> {
        let exe = std::env::current_exe()
            .map_err(|e| format!("cannot find the benchmark binary to start the sandbox: {e}"))?;
        let mut child = Command::new(exe)
            .args([
                "serve-sandbox",
                &customers.to_string(),
                &transactions.to_string(),
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start the sandbox process: {e}"))?;
        let mut line = String::new();
        if let Some(stdout) = child.stdout.take() {
            BufReader::new(stdout)
                .read_line(&mut line)
                .map_err(|e| format!("the sandbox process did not report its address: {e}"))?;
        }
        let base_url = line.trim().to_owned();
        if !base_url.starts_with("http://127.0.0.1:") {
            return Err(format!(
                "the sandbox process did not start (it printed {base_url:?}); see its error above"
            ));
        }
        Ok(SandboxProcess { child, base_url })
    }

    /// The child's process id, for reading its `/proc` entries.
    pub(crate) fn pid(&self) -> String {
        self.child.id().to_string()
    }

    /// `http://127.0.0.1:PORT/payex`.
    pub(crate) fn payex_url(&self) -> String {
        format!("{}/payex", self.base_url)
    }

    /// `http://127.0.0.1:PORT/p4p`.
    pub(crate) fn p4p_url(&self) -> String {
        format!("{}/p4p", self.base_url)
    }

    /// `http://127.0.0.1:PORT/avarda`.
    pub(crate) fn avarda_url(&self) -> String {
        format!("{}/avarda", self.base_url)
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        // Closing stdin tells the child to stop; then reap it.
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// The child's side: serves a seeded sandbox on 127.0.0.1 until stdin closes.
pub(crate) fn serve(customers: usize, transactions: usize) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a Tokio runtime: {e}"))?;
    runtime.block_on(async {
        let sandbox = Sandbox::builder()
            .generated_customers(customers)
            .transactions_per_customer(transactions)
            .today(TODAY)
            .start()
            .await
            .map_err(|e| e.to_string())?;
        println!("{}", sandbox.base_url());
        tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        })
        .await
        .map_err(|e| format!("the stdin watcher failed: {e}"))?;
        sandbox.shutdown().await.map_err(|e| e.to_string())
    })
}
