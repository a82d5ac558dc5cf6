//! `mypages p4p ...`: PayFunc's (Payments for Programmers) account API through
//! `p4p_client`. Commands, options and output follow docs/cli.md.

use std::path::{Path, PathBuf};

use p4p_client::models::{
    AccountCreatable, AccountId, AccountUpdate, Customer, EventType, Items, OrderCreatable,
    OrderId, Sensitive, SubscriptionCreatable, SubscriptionId, SubscriptionUpdate,
};
use p4p_client::{AccountRef, Environment, P4pClient, RetryPolicy, SecretString, SettleTarget};
use secrecy::ExposeSecret;
use serde_json::value::RawValue;

use crate::connection::{ConnectionArgs, EnvironmentArg};
use crate::exit::CliError;
use crate::input;
use crate::output::Output;

/// The environment variable that may hold the API root.
const BASE_URL_ENV: &str = "MYPAGES_P4P_BASE_URL";

/// `mypages p4p`: the PayFunc account API.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The API key: private, public, or an account key (which allows `me` as the account).
    #[arg(long, env = "P4P_KEY", hide_env_values = true, value_name = "KEY", value_parser = secret)]
    key: Option<Sensitive<String>>,
    #[command(flatten)]
    connection: ConnectionArgs,
    #[command(subcommand)]
    command: Resource,
}

/// The PayFunc resources.
#[derive(Debug, clap::Subcommand)]
enum Resource {
    /// Accounts.
    #[command(subcommand)]
    Accounts(AccountsCommand),
    /// An account's balance.
    #[command(subcommand)]
    Balance(BalanceCommand),
    /// Single-use login links to the account page.
    #[command(subcommand)]
    Links(LinksCommand),
    /// Payment methods.
    #[command(subcommand)]
    Methods(MethodsCommand),
    /// Account API keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// An account's subscriptions.
    #[command(subcommand)]
    Subscriptions(SubscriptionsCommand),
    /// Orders.
    #[command(subcommand)]
    Orders(OrdersCommand),
}

#[derive(Debug, clap::Subcommand)]
enum AccountsCommand {
    /// Create an account from an Account Creatable (`"method": []` is sent when the file
    /// leaves it out).
    Create {
        /// The JSON file (`-` for standard input).
        #[arg(long, value_name = "F")]
        file: PathBuf,
    },
    /// Fetch an account (`me` with an account key).
    Get {
        /// The account id, or `me`.
        id: String,
    },
    /// List every account.
    List,
    /// Change an account's limit, schedule or currency.
    Update {
        /// The account id.
        id: String,
        /// The JSON file with the fields to change (`-` for standard input).
        #[arg(long, value_name = "F")]
        file: PathBuf,
    },
    /// Replace an account's customer information.
    Customer {
        /// The account id, or `me`.
        id: String,
        /// The JSON file with the customer (`-` for standard input).
        #[arg(long, value_name = "F")]
        file: PathBuf,
    },
}

#[derive(Debug, clap::Subcommand)]
enum BalanceCommand {
    /// Bill a number, an Item or an array of Items towards the balance.
    Add {
        /// The account id, or `me`.
        id: String,
        /// The JSON file (`-` for standard input).
        #[arg(long, value_name = "F")]
        file: PathBuf,
    },
    /// Settle the balance of an account, `me` or `all` accounts into charged orders.
    Settle {
        /// The account id, `me` or `all`.
        target: String,
    },
}

#[derive(Debug, clap::Subcommand)]
enum LinksCommand {
    /// Email a single-use login link to the customer.
    Create {
        /// The account id, or `me`.
        id: String,
    },
}

#[derive(Debug, clap::Subcommand)]
enum MethodsCommand {
    /// Add a tokenized card as a payment method.
    Add {
        /// The account id.
        id: String,
        /// The tokenized card.
        #[arg(long, value_name = "TOKEN", value_parser = secret)]
        card: Sensitive<String>,
    },
}

#[derive(Debug, clap::Subcommand)]
enum KeysCommand {
    /// Create an account API key (valid 3 days); prints it as a JSON string.
    Create {
        /// The account id.
        id: String,
    },
}

#[derive(Debug, clap::Subcommand)]
enum SubscriptionsCommand {
    /// Add a subscription from a Subscription Creatable.
    Create {
        /// The account id.
        id: String,
        /// The JSON file (`-` for standard input).
        #[arg(long, value_name = "F")]
        file: PathBuf,
    },
    /// Change the fields of a subscription that the file sets.
    Update {
        /// The account id.
        id: String,
        /// The subscription id.
        sub: String,
        /// The JSON file (`-` for standard input).
        #[arg(long, value_name = "F")]
        file: PathBuf,
    },
    /// End a subscription today.
    End {
        /// The account id, or `me`.
        id: String,
        /// The subscription id.
        sub: String,
    },
}

#[derive(Debug, clap::Subcommand)]
enum OrdersCommand {
    /// Create an order from an Order Creatable.
    Create {
        /// The JSON file (`-` for standard input).
        #[arg(long, value_name = "F")]
        file: PathBuf,
    },
    /// Charge, cancel or refund an order.
    Event {
        /// The order id.
        order: String,
        /// The event to add.
        #[arg(long = "type", value_enum, value_name = "TYPE")]
        event_type: EventArg,
    },
}

/// The order events the CLI adds.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum EventArg {
    /// Charge the order.
    Charge,
    /// Cancel the order.
    Cancel,
    /// Refund the charged order.
    Refund,
}

/// Runs one `mypages p4p` command.
pub(crate) async fn run(args: Args, out: &Output) -> Result<(), CliError> {
    let client = build_client(&args, out)?;
    match args.command {
        Resource::Accounts(command) => accounts(&client, command, out).await,
        Resource::Balance(BalanceCommand::Add { id, file }) => {
            let account = account_ref("ID", &id)?;
            let items: Items = input::read_json("--file", &file)?;
            out.print(&client.balance().add(account, &items).await.map_err(api)?)
        }
        Resource::Balance(BalanceCommand::Settle { target }) => {
            let target: SettleTarget = target
                .parse()
                .map_err(|e| CliError::usage("ID", format!("{e}; or give `me` or `all`")))?;
            out.print(&client.balance().settle(target).await.map_err(api)?)
        }
        Resource::Links(LinksCommand::Create { id }) => {
            let account = account_ref("ID", &id)?;
            out.print_optional(
                &client
                    .accounts()
                    .create_login_link(account)
                    .await
                    .map_err(api)?,
            )
        }
        Resource::Methods(MethodsCommand::Add { id, card }) => {
            let account = account_id("ID", &id)?;
            if card.expose().trim().is_empty() {
                return Err(CliError::usage(
                    "--card",
                    "must not be empty: give the tokenized card",
                ));
            }
            let card = SecretString::from(card.into_inner());
            out.print_optional(
                &client
                    .accounts()
                    .add_card(&account, &card)
                    .await
                    .map_err(api)?,
            )
        }
        Resource::Keys(KeysCommand::Create { id }) => {
            let account = account_id("ID", &id)?;
            let key = client.accounts().create_key(&account).await.map_err(api)?;
            out.print(key.expose_secret())
        }
        Resource::Subscriptions(command) => subscriptions(&client, command, out).await,
        Resource::Orders(OrdersCommand::Create { file }) => {
            let order: OrderCreatable = input::read_json("--file", &file)?;
            out.print(&client.orders().create(&order).await.map_err(api)?)
        }
        Resource::Orders(OrdersCommand::Event { order, event_type }) => {
            let order = OrderId::new(order).map_err(|e| CliError::usage("ORDER", e.to_string()))?;
            let event_type = match event_type {
                EventArg::Charge => EventType::Charge,
                EventArg::Cancel => EventType::Cancel,
                EventArg::Refund => EventType::Refund,
            };
            let orders = client
                .orders()
                .event(&order, event_type, None)
                .await
                .map_err(api)?;
            out.print(&orders)
        }
    }
}

async fn accounts(
    client: &P4pClient,
    command: AccountsCommand,
    out: &Output,
) -> Result<(), CliError> {
    let accounts = client.accounts();
    match command {
        AccountsCommand::Create { file } => {
            let account = read_account_creatable(&file)?;
            out.print(&accounts.create(&account).await.map_err(api)?)
        }
        AccountsCommand::Get { id } => {
            let account = account_ref("ID", &id)?;
            out.print(&accounts.get(account).await.map_err(api)?)
        }
        AccountsCommand::List => out.print(&accounts.list().await.map_err(api)?),
        AccountsCommand::Update { id, file } => {
            let account = account_id("ID", &id)?;
            let update: AccountUpdate = input::read_json("--file", &file)?;
            out.print(&accounts.update(&account, &update).await.map_err(api)?)
        }
        AccountsCommand::Customer { id, file } => {
            let account = account_ref("ID", &id)?;
            let customer: Customer = input::read_json("--file", &file)?;
            out.print(
                &accounts
                    .replace_customer(account, &customer)
                    .await
                    .map_err(api)?,
            )
        }
    }
}

async fn subscriptions(
    client: &P4pClient,
    command: SubscriptionsCommand,
    out: &Output,
) -> Result<(), CliError> {
    let subscriptions = client.subscriptions();
    match command {
        SubscriptionsCommand::Create { id, file } => {
            let account = account_id("ID", &id)?;
            let subscription: SubscriptionCreatable = input::read_json("--file", &file)?;
            out.print(
                &subscriptions
                    .create(&account, &subscription)
                    .await
                    .map_err(api)?,
            )
        }
        SubscriptionsCommand::Update { id, sub, file } => {
            let account = account_id("ID", &id)?;
            let sub = subscription_id(&sub)?;
            let update: SubscriptionUpdate = input::read_json("--file", &file)?;
            out.print(
                &subscriptions
                    .update(&account, &sub, &update)
                    .await
                    .map_err(api)?,
            )
        }
        SubscriptionsCommand::End { id, sub } => {
            let account = account_ref("ID", &id)?;
            let sub = subscription_id(&sub)?;
            out.print(&subscriptions.end(account, &sub).await.map_err(api)?)
        }
    }
}

fn build_client(args: &Args, out: &Output) -> Result<P4pClient, CliError> {
    let key = args
        .key
        .as_ref()
        .map(|key| key.expose().as_str())
        .filter(|key| !key.trim().is_empty())
        .ok_or_else(|| {
            CliError::usage(
                "--key",
                "is required: pass --key KEY or set P4P_KEY to your PayFunc API key",
            )
        })?;
    let timeout = args.connection.timeout()?;
    let retry = RetryPolicy::default().max_attempts(args.connection.attempts());
    let builder = P4pClient::builder()
        .key(SecretString::from(key.trim().to_owned()))
        .transport(|t| {
            out.no_content()
                .watch(t.attempt_timeout(timeout).retry(retry))
        });
    // PayFunc has one root for test and production (the key decides the mode), so
    // `--env stage` uses it too.
    let builder = match args.connection.base_url(BASE_URL_ENV) {
        Some(url) => builder.base_url(url),
        None => builder.environment(match args.connection.environment() {
            EnvironmentArg::Production | EnvironmentArg::Stage => Environment::Production,
        }),
    };
    builder.build().map_err(api)
}

/// Reads a secret argument (a key, a card token) so that `Debug` never prints it.
fn secret(text: &str) -> Result<Sensitive<String>, std::convert::Infallible> {
    Ok(Sensitive::new(text.to_owned()))
}

/// Maps a client error to its exit: refused input 2 (naming the command-line argument), a
/// PayFunc error 4, the rest 5.
fn api(error: p4p_client::Error) -> CliError {
    if error.kind() == p4p_client::ErrorKind::InvalidArgument {
        let flag = flag(error.argument().unwrap_or("argument"));
        return CliError::usage(flag, error.to_string());
    }
    CliError::from(error)
}

/// The command-line argument that gave the value the client names `argument`: the client
/// names a field of a request body by its path (`account.limit`, `items[0].vat`), and every
/// body but an order event's and a card method's comes from `--file`.
fn flag(argument: &str) -> &str {
    let root = argument.split(['.', '[']).next().unwrap_or(argument);
    match root {
        "key" | "token" => "--key",
        "base_url" => "--base-url",
        "method" => "--card",
        "orders" if argument.ends_with(".type") => "--type",
        "orders" => "ORDER",
        "account" | "customer" | "limit" | "currency" | "schedule" | "items" | "subscription"
        | "order" | "body" => "--file",
        _ => argument,
    }
}

fn account_ref(argument: &str, text: &str) -> Result<AccountRef, CliError> {
    text.parse()
        .map_err(|e| CliError::usage(argument, format!("{e}; or give `me` with an account key")))
}

fn account_id(argument: &str, text: &str) -> Result<AccountId, CliError> {
    AccountId::new(text).map_err(|e| CliError::usage(argument, e.to_string()))
}

fn subscription_id(text: &str) -> Result<SubscriptionId, CliError> {
    SubscriptionId::new(text).map_err(|e| CliError::usage("SUB", e.to_string()))
}

/// Reads an Account Creatable; PayFunc requires `method`, so an empty list is sent when
/// the file leaves it out (or writes `null`). Member values are kept as JSON text, so
/// amounts stay exact.
fn read_account_creatable(file: &Path) -> Result<AccountCreatable, CliError> {
    let text = input::read_text("--file", file)?;
    let not_an_account = |e: serde_json::Error| {
        CliError::usage(
            "--file",
            format!(
                "{} is not an Account Creatable JSON object: {e}",
                file.display()
            ),
        )
    };
    let mut members: std::collections::BTreeMap<String, Box<RawValue>> =
        serde_json::from_str(&text).map_err(not_an_account)?;
    let missing = members
        .get("method")
        .is_none_or(|method| method.get().trim() == "null");
    if missing {
        let empty = RawValue::from_string("[]".to_owned()).map_err(not_an_account)?;
        members.insert("method".to_owned(), empty);
    }
    let text = serde_json::to_string(&members).map_err(not_an_account)?;
    serde_json::from_str(&text).map_err(not_an_account)
}
