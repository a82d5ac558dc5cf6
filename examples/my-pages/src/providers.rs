//! Every call the app makes to the SDK, and nothing else: the pages ask this module for
//! data and get plain values or a [`Failure`] back. When the clients' API changes, this is
//! the one file to update.

use std::time::Duration;

use avarda_client::models::{Account as AvardaAccount, InvoiceSummary, PayRequest, PaymentState};
use avarda_client::{AvardaClient, Customer, StrongAuth, TokenProvider};
use futures_util::StreamExt;
use mypages_models::summary::{AccountSummary, Provider};
use mypages_sandbox::RunningSandbox;
use mypages_sandbox::credentials;
use p4p_client::P4pClient;
use p4p_client::models::{Account as P4pAccount, AccountId};
use payex_client::models::{
    Account as PayexAccount, Bill, BillStatus, Card, PaymentMethod, PaymentScope,
    RecurringPaymentConfiguration, RecurringPaymentConfigurationCreate,
    RecurringPaymentConfigurationUpdate, Transaction,
};
use payex_client::{DocumentStream, Page, PayexClient, YearMonth};
use rust_decimal::Decimal;
use secrecy::{ExposeSecret, SecretString};

/// Why a provider could not give what a page asked for. Carries no provider text: what a
/// provider says about a failure may hold personal data, so pages say it in their own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Avarda wants the shopper to identify first, at this URL (the provider's page).
    StrongAuthentication(String),
    /// No such account, bill or invoice for this shopper.
    NotFound,
    /// The provider refused the request (a validation or state rule).
    Refused,
    /// The provider could not be reached, timed out, failed, or answered something the SDK
    /// could not read.
    Unavailable,
    /// This app is not configured for the provider.
    NotConfigured,
}

/// A provider's answer or why there is none.
pub type Answer<T> = Result<T, Failure>;

/// Avarda, with the signed-in shopper.
struct AvardaSide {
    client: AvardaClient,
    customer_token: SecretString,
    token_provider: TokenProvider,
    purchase_id: String,
}

/// PayEx, with the signed-in shopper.
struct PayexSide {
    client: PayexClient,
    customer_no: String,
}

/// PayFunc, with the signed-in shopper's account.
struct P4pSide {
    client: P4pClient,
    account_id: AccountId,
}

/// The three clients and who the signed-in shopper is at each provider.
pub struct Providers {
    avarda: Option<AvardaSide>,
    payex: Option<PayexSide>,
    p4p: Option<P4pSide>,
    /// Where Avarda's pay page of a purchase is (`{root}{purchaseId}`), when known.
    pay_page_root: Option<String>,
}

/// The shopper the app signs in as on the sandbox at Avarda: not yet strongly
/// authenticated, so the accounts page shows the identification step.
pub const SANDBOX_SHOPPER: &str = "my-pages-shopper";

impl Providers {
    /// The three clients pointed at a running sandbox, with its fixed credentials and demo
    /// customer.
    pub fn sandbox(sandbox: &RunningSandbox) -> Result<Self, String> {
        let timeout = Duration::from_secs(10);
        let avarda = AvardaClient::builder()
            .base_url(sandbox.avarda_url())
            .credentials(
                credentials::AVARDA_CLIENT_ID,
                credentials::AVARDA_CLIENT_SECRET,
            )
            .transport(|t| t.attempt_timeout(timeout))
            .build()
            .map_err(|e| format!("Avarda client: {e}"))?;
        let payex = PayexClient::builder()
            .base_url(sandbox.payex_url())
            .ledger(credentials::PAYEX_LEDGER)
            .token(SecretString::from(credentials::PAYEX_TOKEN))
            .transport(|t| t.attempt_timeout(timeout))
            .build()
            .map_err(|e| format!("PayEx client: {e}"))?;
        let p4p = P4pClient::builder()
            .base_url(sandbox.p4p_url())
            .key(SecretString::from(credentials::P4P_KEY))
            .transport(|t| t.attempt_timeout(timeout))
            .build()
            .map_err(|e| format!("PayFunc client: {e}"))?;
        let account_id = AccountId::new(credentials::P4P_ACCOUNT_ID.to_owned())
            .map_err(|e| format!("PayFunc account id: {e}"))?;
        Ok(Self {
            avarda: Some(AvardaSide {
                client: avarda,
                customer_token: SecretString::from(SANDBOX_SHOPPER),
                token_provider: TokenProvider::Own,
                purchase_id: credentials::AVARDA_PURCHASE_ID.to_owned(),
            }),
            payex: Some(PayexSide {
                client: payex,
                customer_no: credentials::PAYEX_CUSTOMER_NO.to_owned(),
            }),
            p4p: Some(P4pSide {
                client: p4p,
                account_id,
            }),
            pay_page_root: Some(format!("{}/pay/", sandbox.avarda_url())),
        })
    }

    /// The clients a config file describes (see [`crate::config`]).
    pub(crate) fn from_config(config: &crate::config::Config) -> Result<Self, String> {
        let timeout = Duration::from_secs(config.timeout_secs.unwrap_or(30).max(1));
        let avarda = match &config.avarda {
            None => None,
            Some(c) => {
                let mut builder = AvardaClient::builder().transport(|t| t.attempt_timeout(timeout));
                builder = match (&c.base_url, c.environment.as_deref()) {
                    (Some(url), _) => builder.base_url(url.clone()),
                    (None, None | Some("production")) => {
                        builder.environment(avarda_client::Environment::Production)
                    }
                    (None, Some("stage")) => builder.environment(avarda_client::Environment::Stage),
                    (None, Some(other)) => {
                        return Err(format!(
                            "avarda.environment: expected stage or production, not {other:?}"
                        ));
                    }
                };
                builder = match (&c.token_env, &c.client_id_env, &c.client_secret_env) {
                    (Some(token), None, None) => {
                        builder.token(SecretString::from(from_env("avarda.token_env", token)?))
                    }
                    (None, Some(id), Some(secret)) => builder.credentials(
                        from_env("avarda.client_id_env", id)?,
                        from_env("avarda.client_secret_env", secret)?,
                    ),
                    _ => {
                        return Err(
                            "avarda: give token_env, or both client_id_env and client_secret_env"
                                .to_owned(),
                        );
                    }
                };
                let token_provider = match c.token_provider.as_deref() {
                    None => TokenProvider::Own,
                    Some(text) => text
                        .parse::<TokenProvider>()
                        .map_err(|e| format!("avarda.token_provider: {e}"))?,
                };
                Some(AvardaSide {
                    client: builder.build().map_err(|e| format!("Avarda client: {e}"))?,
                    customer_token: SecretString::from(from_env(
                        "avarda.customer_token_env",
                        &c.customer_token_env,
                    )?),
                    token_provider,
                    purchase_id: c.purchase_id.clone(),
                })
            }
        };
        let payex = match &config.payex {
            None => None,
            Some(c) => {
                let mut builder = PayexClient::builder()
                    .ledger(c.ledger.clone())
                    .token(SecretString::from(from_env(
                        "payex.token_env",
                        &c.token_env,
                    )?))
                    .transport(|t| t.attempt_timeout(timeout));
                builder = match (&c.base_url, c.environment.as_deref()) {
                    (Some(url), _) => builder.base_url(url.clone()),
                    (None, None | Some("production")) => {
                        builder.environment(payex_client::Environment::Production)
                    }
                    (None, Some("sandbox" | "stage")) => {
                        builder.environment(payex_client::Environment::Sandbox)
                    }
                    (None, Some(other)) => {
                        return Err(format!(
                            "payex.environment: expected sandbox or production, not {other:?}"
                        ));
                    }
                };
                match (&c.client_cert, &c.client_key) {
                    (Some(cert), Some(key)) => {
                        let read = |path: &std::path::PathBuf, key: &str| {
                            std::fs::read(path)
                                .map_err(|e| format!("{key}: cannot read {}: {e}", path.display()))
                        };
                        builder = builder.identity_pem(
                            &read(cert, "payex.client_cert")?,
                            &read(key, "payex.client_key")?,
                        );
                    }
                    (None, None) => {}
                    _ => {
                        return Err(
                            "payex: give both client_cert and client_key, or neither".into()
                        );
                    }
                }
                Some(PayexSide {
                    client: builder.build().map_err(|e| format!("PayEx client: {e}"))?,
                    customer_no: c.customer_no.clone(),
                })
            }
        };
        let p4p = match &config.p4p {
            None => None,
            Some(c) => {
                let mut builder = P4pClient::builder()
                    .key(SecretString::from(from_env("p4p.key_env", &c.key_env)?))
                    .transport(|t| t.attempt_timeout(timeout));
                if let Some(url) = &c.base_url {
                    builder = builder.base_url(url.clone());
                }
                Some(P4pSide {
                    client: builder
                        .build()
                        .map_err(|e| format!("PayFunc client: {e}"))?,
                    account_id: AccountId::new(c.account_id.clone())
                        .map_err(|e| format!("p4p.account_id: {e}"))?,
                })
            }
        };
        Ok(Self {
            avarda,
            payex,
            p4p,
            pay_page_root: None,
        })
    }
}

/// The value of the environment variable `variable`, which the config's `key` names.
fn from_env(key: &str, variable: &str) -> Result<String, String> {
    match std::env::var(variable) {
        Ok(value) if !value.is_empty() => Ok(value),
        _ => Err(format!(
            "{key} names the environment variable {variable}, which is not set"
        )),
    }
}

// ---------------------------------------------------------------------------------------
// Errors: the one place that reads the clients' error kinds.

/// What a failed call means for a page. The three clients share one error type and one
/// vocabulary ([`payex_client::Category`]), so one mapping serves them all; the log line
/// carries the kind, category and status only (never the provider's text).
fn failure(provider: &'static str, error: &payex_client::Error) -> Failure {
    use payex_client::Category as C;
    let category = error.category();
    tracing::warn!(provider, kind = ?error.kind(), ?category, status = ?error.status(), "call failed");
    match category {
        C::NotFound => Failure::NotFound,
        C::InvalidInput | C::Rejected => Failure::Refused,
        _ => Failure::Unavailable,
    }
}

fn avarda_failure(error: &avarda_client::Error) -> Failure {
    failure("avarda", error)
}

fn payex_failure(error: &payex_client::Error) -> Failure {
    failure("payex", error)
}

fn p4p_failure(error: &p4p_client::Error) -> Failure {
    failure("p4p", error)
}

// ---------------------------------------------------------------------------------------
// Overview.

/// One provider's part of the overview.
#[derive(Debug)]
pub struct Panel {
    /// Which provider.
    pub provider: Provider,
    /// Its accounts and invoices, or why they are missing.
    pub accounts: Answer<Vec<AccountSummary>>,
    /// Avarda only: the accounts need strong authentication first (the invoices show).
    pub locked_accounts: bool,
}

/// Every configured provider's accounts and invoices, asked at once; one provider's failure
/// leaves the others' panels filled. `accounts_return_url` is where Avarda sends the
/// shopper back after identifying.
pub async fn overview(providers: &Providers, accounts_return_url: &str) -> Vec<Panel> {
    let (avarda, payex, p4p) = tokio::join!(
        async {
            match &providers.avarda {
                Some(side) => Some(avarda_panel(side, accounts_return_url).await),
                None => None,
            }
        },
        async {
            match &providers.payex {
                Some(side) => Some(Panel {
                    provider: Provider::Payex,
                    accounts: payex_summaries(side).await,
                    locked_accounts: false,
                }),
                None => None,
            }
        },
        async {
            match &providers.p4p {
                Some(side) => Some(Panel {
                    provider: Provider::P4p,
                    accounts: side
                        .client
                        .accounts()
                        .get(side.account_id.clone())
                        .await
                        .map(|account| vec![AccountSummary::from(&account)])
                        .map_err(|e| p4p_failure(&e)),
                    locked_accounts: false,
                }),
                None => None,
            }
        },
    );
    [avarda, payex, p4p].into_iter().flatten().collect()
}

async fn avarda_panel(side: &AvardaSide, return_url: &str) -> Panel {
    let customer = side.customer(return_url);
    let (invoices, accounts) = tokio::join!(
        side.client.invoices().list(&customer, &side.purchase_id),
        side.client.accounts().list(&customer, &side.purchase_id),
    );
    let mut locked = false;
    let accounts = match (invoices, accounts) {
        (Err(e), _) | (_, Err(e)) => Err(avarda_failure(&e)),
        (Ok(invoices), Ok(accounts)) => {
            let mut summaries: Vec<AccountSummary> = match accounts {
                StrongAuth::Authenticated(accounts) => {
                    accounts.iter().map(AccountSummary::from).collect()
                }
                StrongAuth::AuthenticationRequired { .. } => {
                    locked = true;
                    Vec::new()
                }
            };
            summaries.extend(invoices.iter().map(AccountSummary::from));
            Ok(summaries)
        }
    };
    Panel {
        provider: Provider::Avarda,
        accounts,
        locked_accounts: locked,
    }
}

async fn payex_summaries(side: &PayexSide) -> Answer<Vec<AccountSummary>> {
    let accounts = side
        .client
        .accounts()
        .list()
        .customer_no(side.customer_no.clone())
        .all()
        .await
        .map_err(|e| payex_failure(&e))?;
    let bills = futures_util::future::try_join_all(accounts.iter().map(|account| async {
        side.client
            .bills(&account.account_no)
            .list()
            .all()
            .await
            .map_err(|e| payex_failure(&e))
    }))
    .await?;
    Ok(accounts
        .iter()
        .zip(bills)
        .map(|(account, bills)| AccountSummary::from_payex(account, open_bill(&bills)))
        .collect())
}

/// The open bill due first.
fn open_bill(bills: &[Bill]) -> Option<&Bill> {
    bills
        .iter()
        .filter(|bill| bill.status == Some(BillStatus::Open))
        .min_by_key(|bill| bill.due_date)
}

// ---------------------------------------------------------------------------------------
// PayEx.

/// A PayEx account with what its page shows.
#[derive(Debug)]
pub struct PayexAccountView {
    /// The account.
    pub account: PayexAccount,
    /// Its bills, newest first.
    pub bills: Vec<Bill>,
    /// Its cards (shown masked).
    pub cards: Vec<Card>,
    /// Its recurring-payment settings; `None` when there are none.
    pub recurring: Option<RecurringPaymentConfiguration>,
}

fn payex(providers: &Providers) -> Answer<&PayexSide> {
    providers.payex.as_ref().ok_or(Failure::NotConfigured)
}

/// The account, when it is the signed-in shopper's: any other account number is "not
/// found", so a shopper cannot read someone else's account by editing the URL.
async fn own_account(side: &PayexSide, account_no: &str) -> Answer<PayexAccount> {
    let account = side
        .client
        .accounts()
        .get(account_no)
        .await
        .map_err(|e| payex_failure(&e))?;
    if account.customer_no.as_deref() == Some(side.customer_no.as_str()) {
        Ok(account)
    } else {
        Err(Failure::NotFound)
    }
}

/// The account with its bills, cards and recurring-payment settings (asked at once).
pub async fn payex_account(providers: &Providers, account_no: &str) -> Answer<PayexAccountView> {
    let side = payex(providers)?;
    let account = own_account(side, account_no).await?;
    let recurring = side.client.recurring_payments(account_no);
    let (bills, cards, recurring) = tokio::join!(
        side.client.bills(account_no).list().all(),
        side.client.cards(account_no).list().all(),
        recurring.get(),
    );
    let mut bills = bills.map_err(|e| payex_failure(&e))?;
    bills.sort_by_key(|bill| std::cmp::Reverse(bill.bill_date));
    let cards = cards.map_err(|e| payex_failure(&e))?;
    let recurring = match recurring {
        Ok(recurring) => Some(recurring),
        Err(e) => match payex_failure(&e) {
            Failure::NotFound => None,
            other => return Err(other),
        },
    };
    Ok(PayexAccountView {
        account,
        bills,
        cards,
        recurring,
    })
}

/// The account's PDF of one bill, as a stream to pass on to the browser.
pub async fn payex_bill_pdf(
    providers: &Providers,
    account_no: &str,
    bill_no: &str,
) -> Answer<DocumentStream> {
    let side = payex(providers)?;
    own_account(side, account_no).await?;
    let bill = side
        .client
        .bills(account_no)
        .get(bill_no)
        .await
        .map_err(|e| payex_failure(&e))?;
    let document = match &bill.document {
        Some(href) => side.client.follow_document(href),
        None => side.client.bills(account_no).document(bill_no),
    };
    document.stream().await.map_err(|e| payex_failure(&e))
}

/// One page (from 1) of the account's transactions in `month`, and whether a next page
/// exists. Pages are read lazily: page `n` costs `n` requests, none more.
pub async fn payex_transactions(
    providers: &Providers,
    account_no: &str,
    month: YearMonth,
    page: usize,
) -> Answer<(Vec<Transaction>, bool)> {
    let side = payex(providers)?;
    own_account(side, account_no).await?;
    let mut pages = side
        .client
        .transactions(account_no)
        .list()
        .month(month)
        .pages();
    let mut number = 0;
    while let Some(next) = pages.next().await {
        let next = next.map_err(|e| payex_failure(&e))?;
        number += 1;
        if number == page {
            let more = next.next_page().is_some();
            return Ok((next.items, more));
        }
        if next.next_page().is_none() {
            break;
        }
    }
    if page <= 1 {
        Ok((Vec::new(), false))
    } else {
        Err(Failure::NotFound)
    }
}

/// What the recurring-payment form sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecurringChoice {
    /// What is debited each month: `fixedRecurring`, `totalDebt` or `billedAmount`.
    pub scope: String,
    /// The monthly amount, for `fixedRecurring`.
    pub fixed_amount: Option<Decimal>,
}

/// Changes the account's recurring-payment settings by autogiro (creating them when there
/// are none). The SDK checks the amount before anything is sent.
pub async fn payex_set_recurring(
    providers: &Providers,
    account_no: &str,
    choice: &RecurringChoice,
) -> Answer<()> {
    let side = payex(providers)?;
    own_account(side, account_no).await?;
    let scope = PaymentScope::from_wire(&choice.scope);
    if scope.is_unknown() {
        return Err(Failure::Refused);
    }
    let recurring = side.client.recurring_payments(account_no);
    let exists = match recurring.get().await {
        Ok(_) => true,
        Err(e) => match payex_failure(&e) {
            Failure::NotFound => false,
            other => return Err(other),
        },
    };
    let fixed = match scope {
        PaymentScope::FixedRecurring => choice.fixed_amount,
        _ => None,
    };
    let result = if exists {
        let mut update = RecurringPaymentConfigurationUpdate::new()
            .with_payment_method(PaymentMethod::Autogiro)
            .with_payment_scope(scope);
        if let Some(amount) = fixed {
            update = update.with_fixed_amount(amount);
        }
        recurring.update(&update).await.map(drop)
    } else {
        let mut create = RecurringPaymentConfigurationCreate::new(PaymentMethod::Autogiro, scope);
        if let Some(amount) = fixed {
            create = create.with_fixed_amount(amount);
        }
        recurring.create(&create).await.map(drop)
    };
    result.map_err(|e| payex_failure(&e))
}

/// Asks PayEx to close the account ("request cancellation"); sent once, never retried.
pub async fn payex_request_close(providers: &Providers, account_no: &str) -> Answer<()> {
    let side = payex(providers)?;
    own_account(side, account_no).await?;
    side.client
        .accounts()
        .request_close(account_no)
        .await
        .map_err(|e| payex_failure(&e))
}

// ---------------------------------------------------------------------------------------
// Avarda.

impl AvardaSide {
    fn customer(&self, return_url: &str) -> Customer {
        Customer::new(self.customer_token.expose_secret(), self.token_provider)
            .with_return_url(return_url)
    }
}

fn avarda(providers: &Providers) -> Answer<&AvardaSide> {
    providers.avarda.as_ref().ok_or(Failure::NotConfigured)
}

/// The shopper's Avarda invoices (no strong authentication needed).
pub async fn avarda_invoices(providers: &Providers) -> Answer<Vec<InvoiceSummary>> {
    let side = avarda(providers)?;
    // Invoices do not send a return URL; any value does.
    let customer = side.customer("");
    side.client
        .invoices()
        .list(&customer, &side.purchase_id)
        .await
        .map_err(|e| avarda_failure(&e))
}

/// The shopper's Avarda accounts, or [`Failure::StrongAuthentication`] with the provider's
/// page, which sends the shopper back to `return_url` afterwards.
pub async fn avarda_accounts(
    providers: &Providers,
    return_url: &str,
) -> Answer<Vec<AvardaAccount>> {
    let side = avarda(providers)?;
    let customer = side.customer(return_url);
    match side
        .client
        .accounts()
        .list(&customer, &side.purchase_id)
        .await
        .map_err(|e| avarda_failure(&e))?
    {
        StrongAuth::Authenticated(accounts) => Ok(accounts),
        StrongAuth::AuthenticationRequired { redirect_url } => {
            Err(Failure::StrongAuthentication(redirect_url))
        }
    }
}

/// A payment started at Avarda.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartedPayment {
    /// The purchase id of the payment (not a secret; the session's JWT is never kept).
    pub purchase_id: String,
    /// Avarda's pay page for it, when the app knows where that is.
    pub pay_page: Option<String>,
}

/// Starts paying one of the shopper's invoices or accounts. An id that is not among the
/// shopper's invoices (or, once identified, accounts) is "not found".
pub async fn avarda_start_payment(
    providers: &Providers,
    account_id: &str,
    return_url: &str,
) -> Answer<StartedPayment> {
    let side = avarda(providers)?;
    let customer = side.customer(return_url);
    let (invoices, accounts) = tokio::join!(
        side.client.invoices().list(&customer, &side.purchase_id),
        side.client.accounts().list(&customer, &side.purchase_id),
    );
    let invoices = invoices.map_err(|e| avarda_failure(&e))?;
    let owned = invoices.iter().any(|invoice| invoice.id == account_id)
        || matches!(accounts, Ok(StrongAuth::Authenticated(ref accounts))
            if accounts.iter().any(|a| a.id.as_deref() == Some(account_id)));
    if !owned {
        return Err(Failure::NotFound);
    }
    let session = side
        .client
        .pay()
        .start(&PayRequest::new(account_id.to_owned()))
        .await
        .map_err(|e| avarda_failure(&e))?
        // Avarda answered without a session (204): there is no checkout to send them to.
        .ok_or(Failure::Unavailable)?;
    let pay_page = providers
        .pay_page_root
        .as_ref()
        .map(|root| format!("{root}{}", session.purchase_id));
    Ok(StartedPayment {
        purchase_id: session.purchase_id,
        pay_page,
    })
}

/// The state of a payment started with [`avarda_start_payment`]; `None` while Avarda knows
/// none (it answered without a body).
pub async fn avarda_payment_state(
    providers: &Providers,
    purchase_id: &str,
    account_id: &str,
) -> Answer<Option<PaymentState>> {
    let side = avarda(providers)?;
    side.client
        .pay()
        .status(purchase_id, account_id)
        .await
        .map(|status| status.map(|status| status.state))
        .map_err(|e| avarda_failure(&e))
}

// ---------------------------------------------------------------------------------------
// PayFunc.

/// The shopper's PayFunc account (with its balance items and subscriptions).
pub async fn p4p_account(providers: &Providers) -> Answer<P4pAccount> {
    let side = providers.p4p.as_ref().ok_or(Failure::NotConfigured)?;
    side.client
        .accounts()
        .get(side.account_id.clone())
        .await
        .map_err(|e| p4p_failure(&e))
}
