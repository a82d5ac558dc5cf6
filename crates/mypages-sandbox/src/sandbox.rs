//! Starting and stopping a sandbox: [`Sandbox::builder`], [`RunningSandbox`], [`serve`].

use std::fmt;
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use time::{Date, OffsetDateTime};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::credentials;
use crate::faults::{FaultId, FaultRule, FaultTable};
use crate::server::{self, ConnInfo, SandboxListener, Shared, lock};
use crate::{avarda, p4p, payex};

/// Entry point: `Sandbox::builder().start().await?`.
#[derive(Debug)]
#[non_exhaustive]
pub struct Sandbox;

impl Sandbox {
    /// A builder with the defaults: an ephemeral port on 127.0.0.1, the demo customer plus
    /// five generated customers with twelve transactions each, one-hour Avarda tokens, no
    /// faults.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }
}

/// How much seed data to make; the demo customer is always there.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SeedConfig {
    /// Generated customers per provider, besides the demo customer.
    pub customers: usize,
    /// Transactions per generated customer's account.
    pub transactions_per_customer: usize,
    /// Seed of the generator: the same seed makes the same data and ids.
    pub seed: u64,
    /// The day the sandbox takes as today (dates of seed data, the default transaction
    /// window); `None` for the real date.
    pub today: Option<Date>,
}

impl Default for SeedConfig {
    fn default() -> Self {
        Self {
            customers: 5,
            transactions_per_customer: 12,
            seed: 0x5eed,
            today: None,
        }
    }
}

impl SeedConfig {
    pub(crate) fn today(&self) -> Date {
        self.today
            .unwrap_or_else(|| OffsetDateTime::now_utc().date())
    }
}

/// Configures and starts a sandbox.
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until start() or serve()"]
pub struct SandboxBuilder {
    addr: SocketAddr,
    seed: SeedConfig,
    faults: Vec<FaultRule>,
    avarda_token_lifetime: Duration,
    avarda_accounts_as_object: bool,
    payex_lowercase_problems: bool,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            seed: SeedConfig::default(),
            faults: Vec::new(),
            avarda_token_lifetime: Duration::from_secs(3600),
            avarda_accounts_as_object: false,
            payex_lowercase_problems: false,
        }
    }
}

impl SandboxBuilder {
    /// The address to listen on (default `127.0.0.1:0`, an ephemeral port).
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Number of generated customers per provider, for volume (default 5).
    pub fn generated_customers(mut self, customers: usize) -> Self {
        self.seed.customers = customers;
        self
    }

    /// Transactions per generated customer's account (default 12).
    pub fn transactions_per_customer(mut self, transactions: usize) -> Self {
        self.seed.transactions_per_customer = transactions;
        self
    }

    /// Seed of the data generator and of fault rates (default fixed, so runs repeat).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed.seed = seed;
        self
    }

    /// The day the sandbox takes as today (default: the real date).
    pub fn today(mut self, today: Date) -> Self {
        self.seed.today = Some(today);
        self
    }

    /// The whole seed configuration at once.
    pub fn seed_config(mut self, seed: SeedConfig) -> Self {
        self.seed = seed;
        self
    }

    /// How long Avarda partner tokens live (default one hour); make it short to exercise a
    /// client's token refresh. Expired tokens answer 401.
    pub fn avarda_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.avarda_token_lifetime = lifetime;
        self
    }

    /// Makes Avarda's `GET /Accounts` answer the customer's first account as a single object,
    /// the shape of Avarda's documented example, instead of an array (default): for testing
    /// that a client accepts both.
    pub fn avarda_accounts_as_object(mut self, as_object: bool) -> Self {
        self.avarda_accounts_as_object = as_object;
        self
    }

    /// Makes PayEx answer its API's problems in the document's other form: lowercase keys
    /// (`type`, `title`, `status`, `instance`, `detail`, `problems`) and a path-style type
    /// (`ledger/account/v1/problems/validation`) instead of the default PascalCase keys and
    /// `ledger.account.validation`: for testing that a client reads both.
    pub fn payex_lowercase_problems(mut self, lowercase: bool) -> Self {
        self.payex_lowercase_problems = lowercase;
        self
    }

    /// A fault rule active from the start (see [`crate::faults`]).
    pub fn fault(mut self, rule: FaultRule) -> Self {
        self.faults.push(rule);
        self
    }

    /// Binds the address and starts serving in a task of the current Tokio runtime.
    pub async fn start(self) -> Result<RunningSandbox, SandboxError> {
        let listener = TcpListener::bind(self.addr)
            .await
            .map_err(|source| SandboxError::Bind {
                addr: self.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(SandboxError::Serve)?;
        let today = self.seed.today();
        let mut faults = FaultTable::new(self.seed.seed);
        for rule in self.faults {
            faults.add(rule);
        }
        let shared = Arc::new(Shared {
            avarda: Mutex::new(avarda::State::seeded(&self.seed, today)),
            payex: Mutex::new(payex::State::seeded(&self.seed, today)),
            p4p: Mutex::new(p4p::State::seeded(&self.seed, today)),
            faults: Mutex::new(faults),
            addr,
            avarda_token_lifetime: self.avarda_token_lifetime,
            avarda_accounts_as_object: self.avarda_accounts_as_object,
            payex_lowercase_problems: self.payex_lowercase_problems,
            today: self.seed.today,
        });
        let app = server::app(shared.clone()).into_make_service_with_connect_info::<ConnInfo>();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(SandboxListener { inner: listener }, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await
        });
        tracing::info!(%addr, "sandbox listening");
        Ok(RunningSandbox {
            addr,
            shared,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// Starts, prints the roots and credentials on stdout, and serves until `shutdown`
    /// completes. [`serve`] is this with Ctrl-C as the shutdown signal.
    pub async fn serve_until(self, shutdown: impl Future<Output = ()>) -> Result<(), SandboxError> {
        let sandbox = self.start().await?;
        println!("{}", sandbox.banner());
        shutdown.await;
        sandbox.shutdown().await
    }
}

/// Runs the sandbox on `addr` until Ctrl-C, after printing the three roots and the
/// credentials: what `mypages sandbox --addr ADDR` does.
pub async fn serve(addr: SocketAddr) -> Result<(), SandboxError> {
    Sandbox::builder()
        .addr(addr)
        .serve_until(async {
            // If the signal cannot be listened for, stop at once rather than never.
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

/// Why the sandbox could not start, run, or do what a convenience method asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}; choose a free port, or port 0 for any")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why binding failed.
        source: std::io::Error,
    },
    /// The server stopped with an I/O error.
    #[error("the sandbox server failed: {0}")]
    Serve(std::io::Error),
    /// The server task ended abnormally.
    #[error("the sandbox server task ended abnormally: {0}")]
    Task(String),
    /// A convenience method named something the sandbox does not have.
    #[error("{0}")]
    NotFound(String),
    /// A convenience method asked for something the current state does not allow.
    #[error("{0}")]
    Conflict(String),
}

/// A started sandbox. Dropping it stops the server (gracefully, in the background);
/// [`RunningSandbox::shutdown`] stops it and waits.
pub struct RunningSandbox {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl fmt::Debug for RunningSandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningSandbox")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl RunningSandbox {
    /// The address the sandbox listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, the root of everything (providers and `/_admin`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The Avarda API root, `http://ADDR/avarda`.
    pub fn avarda_url(&self) -> String {
        format!("{}/avarda", self.base_url())
    }

    /// The PayEx API root, `http://ADDR/payex` (routes continue with `/ledger/...`).
    pub fn payex_url(&self) -> String {
        format!("{}/payex", self.base_url())
    }

    /// The PayFunc (p4p) API root, `http://ADDR/p4p`.
    pub fn p4p_url(&self) -> String {
        format!("{}/p4p", self.base_url())
    }

    /// The roots and credentials, as `mypages sandbox` prints them on start.
    pub fn banner(&self) -> String {
        use credentials::*;
        format!(
            "mypages sandbox listening on {addr}\n\
             \n\
             avarda  {avarda}\n\
             \x20       client id {AVARDA_CLIENT_ID}, client secret {AVARDA_CLIENT_SECRET}\n\
             \x20       demo customer: purchase id {AVARDA_PURCHASE_ID}, customer token {AVARDA_CUSTOMER_TOKEN}\n\
             payex   {payex}\n\
             \x20       token {PAYEX_TOKEN}, ledger {PAYEX_LEDGER}\n\
             \x20       demo customer: customer number {PAYEX_CUSTOMER_NO}\n\
             p4p     {p4p}\n\
             \x20       key {P4P_KEY}\n\
             \x20       demo customer: account id {P4P_ACCOUNT_ID}\n\
             \n\
             faults  {base}/_admin/faults (GET, POST, DELETE)\n\
             Press Ctrl-C to stop.",
            addr = self.addr,
            avarda = self.avarda_url(),
            payex = self.payex_url(),
            p4p = self.p4p_url(),
            base = self.base_url(),
        )
    }

    /// Adds a fault rule now; it applies from the next request on.
    pub fn add_fault(&self, rule: FaultRule) -> FaultId {
        lock(&self.shared.faults).add(rule)
    }

    /// Removes one fault rule; `false` if it was not active (a `next` rule that is used up
    /// removes itself).
    pub fn remove_fault(&self, id: FaultId) -> bool {
        lock(&self.shared.faults).remove(id)
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// Sandbox-only convenience: marks an Avarda customer token as having passed strong
    /// authentication, as confirming on the strong-authentication page does, so tests and
    /// the demo need no browser.
    pub fn avarda_confirm_strong_authentication(&self, customer_token: &str) {
        lock(&self.shared.avarda).verify(customer_token);
    }

    /// Sandbox-only convenience: completes an Avarda payment started with `POST /Pay`, as
    /// the pay page's "Pay" button does; `Pay/Status` then answers `Paid`.
    pub fn avarda_complete_payment(&self, purchase_id: &str) -> Result<(), SandboxError> {
        lock(&self.shared.avarda).finish_payment(purchase_id, true, self.shared.today())
    }

    /// Sandbox-only convenience: cancels an Avarda payment started with `POST /Pay`, as the
    /// pay page's "Cancel" button does; `Pay/Status` then answers `Cancelled`.
    pub fn avarda_cancel_payment(&self, purchase_id: &str) -> Result<(), SandboxError> {
        lock(&self.shared.avarda).finish_payment(purchase_id, false, self.shared.today())
    }

    /// The sandbox's pay page of an Avarda payment: `http://ADDR/avarda/pay/{purchaseId}`.
    pub fn avarda_pay_page_url(&self, purchase_id: &str) -> String {
        format!("{}/pay/{purchase_id}", self.avarda_url())
    }

    /// Stops the server and waits until it has stopped.
    pub async fn shutdown(mut self) -> Result<(), SandboxError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => match task.await {
                Ok(result) => result.map_err(SandboxError::Serve),
                Err(err) => Err(SandboxError::Task(err.to_string())),
            },
            None => Ok(()),
        }
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
