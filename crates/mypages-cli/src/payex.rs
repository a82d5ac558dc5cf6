//! `mypages payex ...`: the PayEx Ledger Account API through `payex_client`. Commands,
//! options and output follow docs/cli.md.

use std::path::{Path, PathBuf};

use futures_util::TryStreamExt;
use payex_client::models::{
    AccountUpdate, CardRegistration, Date, Decimal, PaymentMethod, PaymentScope, PspPayment,
    RecurringPaymentConfigurationCreate, RecurringPaymentConfigurationUpdate,
};
use payex_client::{
    Environment, ErrorKind, List, Page, PayexClient, RetryPolicy, SecretString, YearMonth,
};
use serde::Serialize;

use crate::connection::{ConnectionArgs, EnvironmentArg};
use crate::exit::CliError;
use crate::input;
use crate::output::{Output, Progress};

/// The environment variable that may hold the API root.
const BASE_URL_ENV: &str = "MYPAGES_PAYEX_BASE_URL";

/// `mypages payex`: the PayEx Ledger Account API.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The bearer token PayEx issued for the ledger.
    #[arg(
        long,
        env = "PAYEX_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    token: Option<String>,
    /// The ledger number the token was issued for.
    #[arg(long, env = "PAYEX_LEDGER", value_name = "NUMBER")]
    ledger: String,
    /// The client certificate (PEM) PayEx issued for mutual TLS.
    #[arg(long, value_name = "PEM", requires = "client_key")]
    client_cert: Option<PathBuf>,
    /// The private key (PEM) of the client certificate.
    #[arg(long, value_name = "PEM", requires = "client_cert")]
    client_key: Option<PathBuf>,
    #[command(flatten)]
    connection: ConnectionArgs,
    #[command(subcommand)]
    command: Resource,
}

/// The PayEx resources.
#[derive(Debug, clap::Subcommand)]
enum Resource {
    /// The ledger's accounts.
    #[command(subcommand)]
    Accounts(AccountsCommand),
    /// An account's bills and reminders, and their PDF documents.
    #[command(subcommand)]
    Bills(BillsCommand),
    /// An account's cards.
    #[command(subcommand)]
    Cards(CardsCommand),
    /// An account's transactions.
    #[command(subcommand)]
    Transactions(TransactionsCommand),
    /// An account's outstanding reservations.
    #[command(subcommand)]
    Reservations(ListOnly),
    /// An account's recurring-payment configuration.
    #[command(subcommand)]
    Recurring(RecurringCommand),
    /// An account's active (scheduled) payment orders.
    #[command(subcommand, name = "payment-orders")]
    PaymentOrders(ListOnly),
}

#[derive(Debug, clap::Subcommand)]
enum AccountsCommand {
    /// List accounts, optionally of one customer or with one number.
    List {
        /// Only the account with this number.
        #[arg(long, value_name = "N")]
        account_no: Option<String>,
        /// Only the accounts of this customer.
        #[arg(long, value_name = "N")]
        customer_no: Option<String>,
    },
    /// Show one account.
    Get {
        /// The account number.
        account: String,
    },
    /// Turn charity donation on or off and/or lower the credit limit (checked against the
    /// current limit first; it can only be lowered).
    Update {
        /// The account number.
        account: String,
        /// Donate to charity from the account.
        #[arg(long, value_name = "true|false")]
        charity_donation: Option<bool>,
        /// The new, lower credit limit.
        #[arg(long, value_name = "AMOUNT", allow_negative_numbers = true)]
        credit_limit: Option<String>,
    },
    /// Deposit a payment taken by a payment service provider (never retried).
    RegisterPayment {
        /// The account number.
        account: String,
        /// The amount, more than 0.
        #[arg(long, value_name = "AMOUNT", allow_negative_numbers = true)]
        amount: String,
        /// The date of the payment.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: String,
        /// The PSP's unique id of the payment, at most 50 characters.
        #[arg(long, value_name = "ID")]
        transaction_id: String,
    },
    /// Request cancellation of the account (sent once, never retried); it becomes
    /// PendingClose.
    RequestClose {
        /// The account number.
        account: String,
    },
}

#[derive(Debug, clap::Subcommand)]
enum BillsCommand {
    /// List the bills of an account.
    List {
        /// The account number.
        account: String,
    },
    /// Show one bill.
    Get {
        /// The account number.
        account: String,
        /// The bill id, e.g. `reminder-123`.
        bill: String,
    },
    /// Download the PDF of a bill.
    Document {
        /// The account number.
        account: String,
        /// The bill id, e.g. `reminder-123`.
        bill: String,
        /// Where to write the PDF (`-` for standard output).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Debug, clap::Subcommand)]
enum CardsCommand {
    /// List the cards of an account.
    List {
        /// The account number.
        account: String,
    },
    /// Show one card.
    Get {
        /// The account number.
        account: String,
        /// The card token.
        token: String,
    },
    /// Add a card to an account.
    Add {
        /// The account number.
        account: String,
        /// The card as PayEx's JSON (`-` for standard input).
        #[arg(long, value_name = "CARD.json")]
        file: PathBuf,
    },
    /// Replace a card with a new one.
    Replace {
        /// The account number.
        account: String,
        /// The token of the card to replace.
        token: String,
        /// The new card as PayEx's JSON (`-` for standard input).
        #[arg(long, value_name = "CARD.json")]
        file: PathBuf,
    },
}

#[derive(Debug, clap::Subcommand)]
enum TransactionsCommand {
    /// List transactions: of one month, of a date range, or of the last 30 days.
    List {
        /// The account number.
        account: String,
        /// One month.
        #[arg(long, value_name = "YYYY-MM", conflicts_with_all = ["from", "to"])]
        month: Option<String>,
        /// First day of the range.
        #[arg(long, value_name = "YYYY-MM-DD", requires = "to")]
        from: Option<String>,
        /// Last day of the range.
        #[arg(long, value_name = "YYYY-MM-DD", requires = "from")]
        to: Option<String>,
    },
}

#[derive(Debug, clap::Subcommand)]
enum ListOnly {
    /// List them.
    List {
        /// The account number.
        account: String,
    },
}

#[derive(Debug, clap::Subcommand)]
enum RecurringCommand {
    /// Show the configuration.
    Get {
        /// The account number.
        account: String,
    },
    /// Create the configuration.
    Create {
        /// The account number.
        account: String,
        #[command(flatten)]
        settings: RecurringSettings,
    },
    /// Change the options given.
    Update {
        /// The account number.
        account: String,
        #[command(flatten)]
        settings: RecurringSettings,
    },
    /// Delete the configuration.
    Delete {
        /// The account number.
        account: String,
    },
}

/// The options of `recurring create|update`.
#[derive(Debug, clap::Args)]
struct RecurringSettings {
    /// How the customer pays (create defaults to autogiro).
    #[arg(long, value_enum, value_name = "METHOD")]
    method: Option<MethodArg>,
    /// What is debited each month.
    #[arg(long, value_enum, value_name = "SCOPE")]
    scope: Option<ScopeArg>,
    /// The monthly amount with the fixedRecurring scope.
    #[arg(long, value_name = "AMOUNT", allow_negative_numbers = true)]
    fixed_amount: Option<String>,
}

/// Recurring payment methods.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum MethodArg {
    /// Direct debit (Autogiro).
    Autogiro,
}

/// Recurring payment scopes.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ScopeArg {
    /// A fixed amount each month.
    #[value(name = "fixedRecurring")]
    FixedRecurring,
    /// The whole debt each month.
    #[value(name = "totalDebt")]
    TotalDebt,
    /// The minimum amount to pay each month.
    #[value(name = "billedAmount")]
    BilledAmount,
}

/// Runs one `mypages payex` command.
pub(crate) async fn run(args: Args, out: &Output) -> Result<(), CliError> {
    let client = build_client(&args, out)?;
    match args.command {
        Resource::Accounts(command) => accounts(&client, command, out).await,
        Resource::Bills(command) => bills(&client, command, out).await,
        Resource::Cards(command) => cards(&client, command, out).await,
        Resource::Transactions(TransactionsCommand::List {
            account,
            month,
            from,
            to,
        }) => {
            let mut query = client.transactions(&account).list();
            if let Some(month) = month {
                let month: YearMonth = month
                    .parse()
                    .map_err(|e| CliError::usage("--month", format!("{e}")))?;
                query = query.month(month);
            }
            if let (Some(from), Some(to)) = (from, to) {
                query = query.between(date("--from", &from)?, date("--to", &to)?);
            }
            print_pages(out, "transactions", query.into_list(), api).await
        }
        Resource::Reservations(ListOnly::List { account }) => {
            print_pages(
                out,
                "reservations",
                client.reservations(&account).list(),
                api,
            )
            .await
        }
        Resource::PaymentOrders(ListOnly::List { account }) => {
            print_pages(
                out,
                "payment orders",
                client.active_payment_orders(&account).list(),
                api,
            )
            .await
        }
        Resource::Recurring(command) => recurring(&client, command, out).await,
    }
}

async fn accounts(
    client: &PayexClient,
    command: AccountsCommand,
    out: &Output,
) -> Result<(), CliError> {
    let accounts = client.accounts();
    match command {
        AccountsCommand::List {
            account_no,
            customer_no,
        } => {
            let mut query = accounts.list();
            for (flag, value) in [
                ("--account-no", &account_no),
                ("--customer-no", &customer_no),
            ] {
                if value
                    .as_deref()
                    .is_some_and(|value| value.trim().is_empty())
                {
                    return Err(CliError::usage(
                        flag,
                        "must not be empty; leave the filter out instead",
                    ));
                }
            }
            if let Some(account_no) = account_no {
                query = query.account_no(account_no);
            }
            if let Some(customer_no) = customer_no {
                query = query.customer_no(customer_no);
            }
            print_pages(out, "accounts", query.into_list(), filter_api).await
        }
        AccountsCommand::Get { account } => out.print(&accounts.get(&account).await.map_err(api)?),
        AccountsCommand::Update {
            account,
            charity_donation,
            credit_limit,
        } => {
            if charity_donation.is_none() && credit_limit.is_none() {
                return Err(CliError::usage(
                    "--charity-donation",
                    "nothing to change: give --charity-donation true|false and/or --credit-limit AMOUNT",
                ));
            }
            let mut update = AccountUpdate::new();
            if let Some(donate) = charity_donation {
                update = update.with_charity_donation(donate);
            }
            if let Some(limit) = credit_limit {
                update = update.with_credit_limit(amount("--credit-limit", &limit)?);
            }
            accounts
                .checked_update(&account, &update)
                .await
                .map_err(api)?;
            Ok(())
        }
        AccountsCommand::RegisterPayment {
            account,
            amount: text,
            date: day,
            transaction_id,
        } => {
            let payment = PspPayment::new(
                amount("--amount", &text)?,
                date("--date", &day)?,
                transaction_id,
            );
            accounts
                .register_psp_payment(&account, &payment)
                .await
                .map_err(api)
        }
        AccountsCommand::RequestClose { account } => {
            accounts.request_close(&account).await.map_err(api)
        }
    }
}

async fn bills(client: &PayexClient, command: BillsCommand, out: &Output) -> Result<(), CliError> {
    match command {
        BillsCommand::List { account } => {
            print_pages(out, "bills", client.bills(&account).list(), api).await
        }
        BillsCommand::Get { account, bill } => {
            out.print(&client.bills(&account).get(&bill).await.map_err(api)?)
        }
        BillsCommand::Document {
            account,
            bill,
            out: path,
        } => {
            let document = client.bills(&account).document(&bill);
            if path == Path::new("-") {
                let mut stdout = tokio::io::stdout();
                document.download_to(&mut stdout).await.map_err(api)?;
                return Ok(());
            }
            download_to_file(document, &path).await
        }
    }
}

/// Downloads into `FILE.part` beside `path` and renames it when complete, so a failed
/// download never leaves a truncated PDF under the requested name.
async fn download_to_file(
    document: payex_client::BillDocument,
    path: &Path,
) -> Result<(), CliError> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".part");
    let partial = PathBuf::from(partial);
    let mut file = tokio::fs::File::create(&partial).await.map_err(|e| {
        CliError::usage("--out", format!("cannot create {}: {e}", partial.display()))
    })?;
    let result = document.download_to(&mut file).await;
    drop(file);
    match result {
        Ok(bytes) => {
            tokio::fs::rename(&partial, path).await.map_err(|e| {
                CliError::failure(format!(
                    "cannot move {} to {}: {e}",
                    partial.display(),
                    path.display()
                ))
            })?;
            eprintln!("mypages: wrote {bytes} bytes to {}", path.display());
            Ok(())
        }
        Err(error) => {
            // Best effort: the partial file is useless; the download error is what matters.
            let _ = tokio::fs::remove_file(&partial).await;
            Err(api(error))
        }
    }
}

async fn cards(client: &PayexClient, command: CardsCommand, out: &Output) -> Result<(), CliError> {
    match command {
        CardsCommand::List { account } => {
            print_pages(out, "cards", client.cards(&account).list(), api).await
        }
        CardsCommand::Get { account, token } => {
            out.print(&client.cards(&account).get(&token).await.map_err(api)?)
        }
        CardsCommand::Add { account, file } => {
            let card: CardRegistration = input::read_json("--file", &file)?;
            client.cards(&account).add(&card).await.map_err(api)
        }
        CardsCommand::Replace {
            account,
            token,
            file,
        } => {
            let card: CardRegistration = input::read_json("--file", &file)?;
            client
                .cards(&account)
                .add_replacement(&token, &card)
                .await
                .map_err(api)
        }
    }
}

async fn recurring(
    client: &PayexClient,
    command: RecurringCommand,
    out: &Output,
) -> Result<(), CliError> {
    match command {
        RecurringCommand::Get { account } => out.print(
            &client
                .recurring_payments(&account)
                .get()
                .await
                .map_err(api)?,
        ),
        RecurringCommand::Create { account, settings } => {
            let scope = settings.scope.ok_or_else(|| {
                CliError::usage(
                    "--scope",
                    "is required: fixedRecurring, totalDebt or billedAmount",
                )
            })?;
            let mut create = RecurringPaymentConfigurationCreate::new(
                payment_method(settings.method.unwrap_or(MethodArg::Autogiro)),
                payment_scope(scope),
            );
            if let Some(text) = settings.fixed_amount {
                create = create.with_fixed_amount(amount("--fixed-amount", &text)?);
            }
            let created = client
                .recurring_payments(&account)
                .create(&create)
                .await
                .map_err(api)?;
            print_some(out, created)
        }
        RecurringCommand::Update { account, settings } => {
            if settings.method.is_none()
                && settings.scope.is_none()
                && settings.fixed_amount.is_none()
            {
                return Err(CliError::usage(
                    "--scope",
                    "nothing to change: give --method, --scope and/or --fixed-amount",
                ));
            }
            let mut update = RecurringPaymentConfigurationUpdate::new();
            if let Some(method) = settings.method {
                update = update.with_payment_method(payment_method(method));
            }
            if let Some(scope) = settings.scope {
                update = update.with_payment_scope(payment_scope(scope));
            }
            if let Some(text) = settings.fixed_amount {
                update = update.with_fixed_amount(amount("--fixed-amount", &text)?);
            }
            let updated = client
                .recurring_payments(&account)
                .update(&update)
                .await
                .map_err(api)?;
            print_some(out, updated)
        }
        RecurringCommand::Delete { account } => client
            .recurring_payments(&account)
            .delete()
            .await
            .map_err(api),
    }
}

fn payment_method(method: MethodArg) -> PaymentMethod {
    match method {
        MethodArg::Autogiro => PaymentMethod::Autogiro,
    }
}

fn payment_scope(scope: ScopeArg) -> PaymentScope {
    match scope {
        ScopeArg::FixedRecurring => PaymentScope::FixedRecurring,
        ScopeArg::TotalDebt => PaymentScope::TotalDebt,
        ScopeArg::BilledAmount => PaymentScope::BilledAmount,
    }
}

/// Follows every page of `list` (with a spinner on a terminal) and prints one JSON array of
/// every item.
async fn print_pages<P>(
    out: &Output,
    what: &'static str,
    list: List<P>,
    errors: fn(payex_client::Error) -> CliError,
) -> Result<(), CliError>
where
    P: Page,
    P::Item: Serialize,
{
    let progress = Progress::start(what);
    let mut pages = list.pages();
    let mut items = Vec::new();
    while let Some(page) = pages.try_next().await.map_err(errors)? {
        progress.page();
        items.extend(page.into_items());
    }
    drop(progress);
    out.print(&items)
}

/// Prints the resource when PayEx answered with one; an empty answer prints nothing.
fn print_some<T: Serialize>(out: &Output, value: Option<T>) -> Result<(), CliError> {
    match value {
        Some(value) => out.print(&value),
        None => Ok(()),
    }
}

fn build_client(args: &Args, out: &Output) -> Result<PayexClient, CliError> {
    let token = args.token.as_deref().map(str::trim).filter(|token| !token.is_empty()).ok_or_else(|| {
        CliError::usage("--token", "is required: pass --token TOKEN or set PAYEX_TOKEN to the token PayEx issued for the ledger")
    })?;
    if args.ledger.trim().is_empty() {
        return Err(CliError::usage(
            "--ledger",
            "must not be empty: pass --ledger NUMBER or set PAYEX_LEDGER",
        ));
    }
    let timeout = args.connection.timeout()?;
    let retry = RetryPolicy::default().max_attempts(args.connection.attempts());
    let mut builder = PayexClient::builder()
        .ledger(args.ledger.trim())
        .token(SecretString::from(token.to_owned()))
        .transport(|t| {
            out.no_content()
                .watch(t.attempt_timeout(timeout).retry(retry))
        });
    builder = match args.connection.base_url(BASE_URL_ENV) {
        Some(url) => builder.base_url(url),
        None => builder.environment(match args.connection.environment() {
            EnvironmentArg::Production => Environment::Production,
            EnvironmentArg::Stage => Environment::Sandbox,
        }),
    };
    if let (Some(cert), Some(key)) = (&args.client_cert, &args.client_key) {
        let cert_pem = read_pem("--client-cert", cert)?;
        let key_pem = read_pem("--client-key", key)?;
        builder = builder.identity_pem(&cert_pem, &key_pem);
    }
    builder.build().map_err(|error| match error.argument() {
        Some(argument) if argument.starts_with("identity") => {
            let flag = if argument.contains("key") {
                "--client-key"
            } else {
                "--client-cert"
            };
            CliError::usage(flag, error.to_string())
        }
        _ => api(error),
    })
}

fn read_pem(argument: &str, path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path)
        .map_err(|e| CliError::usage(argument, format!("cannot read {}: {e}", path.display())))
}

/// An exact amount as typed (`2000.00` keeps its two decimals).
fn amount(argument: &str, text: &str) -> Result<Decimal, CliError> {
    Decimal::from_str_exact(text.trim()).map_err(|_| {
        CliError::usage(
            argument,
            format!("{text:?} is not an amount; write e.g. 2000.00"),
        )
    })
}

fn date(argument: &str, text: &str) -> Result<Date, CliError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), &format).map_err(|_| {
        CliError::usage(
            argument,
            format!("{text:?} is not a date written YYYY-MM-DD"),
        )
    })
}

/// [`api`] for `accounts list`, whose `account_no` and `customer_no` are the filters
/// `--account-no` and `--customer-no`, not an `ACCOUNT`.
fn filter_api(error: payex_client::Error) -> CliError {
    let flag = match error.argument() {
        Some("account_no") => "--account-no",
        Some("customer_no") => "--customer-no",
        _ => return api(error),
    };
    CliError::usage(flag, error.to_string())
}

/// Maps a client error to its exit: refused input 2 (naming the command-line argument), a
/// PayEx error 4, the rest 5.
fn api(error: payex_client::Error) -> CliError {
    if error.kind() == ErrorKind::InvalidArgument {
        if error.argument() == Some("writer") {
            return CliError::failure(error.to_string());
        }
        let flag = match error.argument().unwrap_or("argument") {
            "account_no" => "ACCOUNT",
            "bill_id" => "BILL",
            "card_token" => "TOKEN",
            "credit_limit" => "--credit-limit",
            "amount" => "--amount",
            "transaction_id" => "--transaction-id",
            "from" => "--from",
            "fixed_amount" => "--fixed-amount",
            "card.token" | "body" => "--file",
            "token" => "--token",
            "base_url" => "--base-url",
            "ledger" => "--ledger",
            "identity" => "--client-cert",
            other => other,
        };
        return CliError::usage(flag, error.to_string());
    }
    CliError::from(error)
}
