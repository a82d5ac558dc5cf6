//! `mypages avarda ...`: Avarda's MyPages API through `avarda_client`. Commands, options
//! and output follow docs/cli.md; strong authentication exits 3 with the redirect URL.

use avarda_client::models::{PayLanguage, PayRequest};
use avarda_client::{
    AvardaClient, Customer, Environment, ErrorKind, RetryPolicy, SecretString, StrongAuth,
    TokenProvider,
};

use crate::connection::{ConnectionArgs, EnvironmentArg};
use crate::exit::CliError;
use crate::output::Output;

/// The environment variable that may hold the API root.
const BASE_URL_ENV: &str = "MYPAGES_AVARDA_BASE_URL";

/// `mypages avarda`: invoices, accounts and payments of one customer.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The client id Avarda issued (the Checkout 3.0 credentials); the partner access token
    /// is fetched and cached for the life of the process.
    #[arg(long, global = true, env = "AVARDA_CLIENT_ID", value_name = "ID")]
    client_id: Option<String>,
    /// The client secret Avarda issued.
    #[arg(
        long,
        global = true,
        env = "AVARDA_CLIENT_SECRET",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    client_secret: Option<String>,
    /// A ready partner access token, instead of --client-id and --client-secret.
    #[arg(
        long,
        global = true,
        env = "AVARDA_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    token: Option<String>,
    /// The customer's auth token: stable per customer, never shared between customers.
    #[arg(
        long,
        global = true,
        env = "AVARDA_CUSTOMER_TOKEN",
        hide_env_values = true,
        value_name = "T"
    )]
    customer_token: Option<String>,
    /// Who issued the customer token.
    #[arg(long, global = true, value_enum, default_value_t = TokenProviderArg::Self_)]
    token_provider: TokenProviderArg,
    /// Where the customer returns after strong authentication (required by accounts).
    #[arg(long, global = true, value_name = "URL")]
    return_url: Option<String>,
    #[command(flatten)]
    connection: ConnectionArgs,
    #[command(subcommand)]
    command: Resource,
}

/// The values of `--token-provider`, spelled as Avarda spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum TokenProviderArg {
    /// The merchant issued the customer token.
    #[value(name = "Self", alias = "self")]
    Self_,
    /// The customer token is a Google identity.
    #[value(name = "Google", alias = "google")]
    Google,
}

/// The Avarda resources.
#[derive(Debug, clap::Subcommand)]
enum Resource {
    /// The customer's invoices.
    #[command(subcommand)]
    Invoices(InvoicesCommand),
    /// The customer's accounts (loans); may need strong authentication first (exit 3).
    #[command(subcommand)]
    Accounts(AccountsCommand),
    /// Paying an account or invoice through Checkout 3.0.
    #[command(subcommand)]
    Pay(PayCommand),
}

#[derive(Debug, clap::Subcommand)]
enum InvoicesCommand {
    /// List the customer's invoices.
    List {
        /// Any purchase id of the customer.
        #[arg(long, value_name = "P")]
        purchase_id: String,
    },
    /// Show one invoice in detail.
    Get {
        /// The invoice id.
        invoice: String,
        /// Any purchase id of the customer.
        #[arg(long, value_name = "P")]
        purchase_id: String,
    },
}

#[derive(Debug, clap::Subcommand)]
enum AccountsCommand {
    /// List the customer's accounts.
    List {
        /// Any purchase id of the customer.
        #[arg(long, value_name = "P")]
        purchase_id: String,
    },
    /// Show one account in detail.
    Get {
        /// The account id.
        account: String,
        /// Any purchase id of the customer.
        #[arg(long, value_name = "P")]
        purchase_id: String,
    },
}

#[derive(Debug, clap::Subcommand)]
enum PayCommand {
    /// Start paying an account or invoice; prints the purchaseId and jwt for Checkout 3.0.
    Start {
        /// The account (or invoice) id to pay.
        #[arg(long, value_name = "ID")]
        account_id: String,
        /// The checkout language: an integer code (1), a short name (sv) or a name (Swedish).
        #[arg(long, value_name = "CODE")]
        language: Option<String>,
    },
    /// Show the state of a payment.
    Status {
        /// The purchase id `pay start` printed.
        #[arg(long, value_name = "P")]
        purchase_id: String,
        /// The account (or invoice) id being paid.
        #[arg(long, value_name = "ID")]
        account_id: String,
    },
}

/// Runs one `mypages avarda` command.
pub(crate) async fn run(args: Args, out: &Output) -> Result<(), CliError> {
    // Everything the command needs is checked before the first request.
    let customer = match &args.command {
        Resource::Invoices(_) => Some(customer(&args, false)?),
        Resource::Accounts(_) => Some(customer(&args, true)?),
        Resource::Pay(_) => None,
    };
    let language = match &args.command {
        Resource::Pay(PayCommand::Start {
            language: Some(text),
            ..
        }) => Some(
            text.parse::<PayLanguage>()
                .map_err(|e| CliError::usage("--language", e.to_string()))?,
        ),
        _ => None,
    };
    let avarda = client(&args, out)?;
    match args.command {
        Resource::Invoices(command) => {
            let customer = require(customer)?;
            match command {
                InvoicesCommand::List { purchase_id } => {
                    let invoices = avarda
                        .invoices()
                        .list(&customer, &purchase_id)
                        .await
                        .map_err(cli_error)?;
                    out.print(&invoices)
                }
                InvoicesCommand::Get {
                    invoice,
                    purchase_id,
                } => {
                    let invoice = avarda
                        .invoices()
                        .get(&customer, &purchase_id, &invoice)
                        .await
                        .map_err(cli_error)?;
                    out.print(&invoice)
                }
            }
        }
        Resource::Accounts(command) => {
            let customer = require(customer)?;
            match command {
                AccountsCommand::List { purchase_id } => {
                    let answer = avarda
                        .accounts()
                        .list(&customer, &purchase_id)
                        .await
                        .map_err(cli_error)?;
                    out.print(&authenticated(answer)?)
                }
                AccountsCommand::Get {
                    account,
                    purchase_id,
                } => {
                    let answer = avarda
                        .accounts()
                        .get(&customer, &purchase_id, &account)
                        .await
                        .map_err(cli_error_for("ACCOUNT"))?;
                    out.print(&authenticated(answer)?)
                }
            }
        }
        Resource::Pay(PayCommand::Start { account_id, .. }) => {
            let mut request = PayRequest::new(account_id);
            if let Some(language) = language {
                request = request.with_language(language);
            }
            let session = avarda.pay().start(&request).await.map_err(cli_error)?;
            out.print_optional(&session)
        }
        Resource::Pay(PayCommand::Status {
            purchase_id,
            account_id,
        }) => {
            let status = avarda
                .pay()
                .status(&purchase_id, &account_id)
                .await
                .map_err(cli_error)?;
            out.print_optional(&status)
        }
    }
}

/// The customer of an invoices or accounts command, from `--customer-token`,
/// `--token-provider` and (for accounts) `--return-url`.
fn customer(args: &Args, with_return_url: bool) -> Result<Customer, CliError> {
    let token = args
        .customer_token
        .as_deref()
        .filter(|token| !token.trim().is_empty())
        .ok_or_else(|| {
            CliError::usage(
                "--customer-token",
                "is required for invoices and accounts (or set AVARDA_CUSTOMER_TOKEN)",
            )
        })?;
    let provider = match args.token_provider {
        TokenProviderArg::Self_ => TokenProvider::Own,
        TokenProviderArg::Google => TokenProvider::Google,
    };
    let customer = Customer::new(token, provider);
    if !with_return_url {
        return Ok(customer);
    }
    let url = args.return_url.as_deref().ok_or_else(|| {
        CliError::usage(
            "--return-url",
            "is required for accounts: the page the customer returns to after strong authentication",
        )
    })?;
    Ok(customer.with_return_url(url))
}

/// The customer [`run`] has already checked for this command.
fn require(customer: Option<Customer>) -> Result<Customer, CliError> {
    customer.ok_or_else(|| CliError::usage("--customer-token", "is required for this command"))
}

/// The client from the connection and credential options.
fn client(args: &Args, out: &Output) -> Result<AvardaClient, CliError> {
    let timeout = args.connection.timeout()?;
    let retry = RetryPolicy::default().max_attempts(args.connection.attempts());
    let mut builder = AvardaClient::builder().transport(|t| {
        out.no_content().watch(
            t.attempt_timeout(timeout)
                .retry(retry.clone())
                .user_agent(concat!("mypages-cli/", env!("CARGO_PKG_VERSION"))),
        )
    });
    builder = match args.connection.base_url(BASE_URL_ENV) {
        Some(url) => builder.base_url(url),
        None => builder.environment(match args.connection.environment() {
            EnvironmentArg::Production => Environment::Production,
            EnvironmentArg::Stage => Environment::Stage,
        }),
    };
    let given = |value: &Option<String>| value.as_deref().is_some_and(|v| !v.trim().is_empty());
    builder = match (
        given(&args.client_id),
        given(&args.client_secret),
        given(&args.token),
    ) {
        (true, true, false) => builder.credentials(
            args.client_id.clone().unwrap_or_default(),
            args.client_secret.clone().unwrap_or_default(),
        ),
        (false, false, true) => {
            builder.token(SecretString::from(args.token.clone().unwrap_or_default()))
        }
        (_, _, true) => {
            return Err(CliError::usage(
                "--token",
                "give either --token or --client-id with --client-secret, not both (check AVARDA_TOKEN and AVARDA_CLIENT_ID)",
            ));
        }
        (true, false, false) => {
            return Err(CliError::usage(
                "--client-secret",
                "is required with --client-id (or set AVARDA_CLIENT_SECRET)",
            ));
        }
        (false, true, false) => {
            return Err(CliError::usage(
                "--client-id",
                "is required with --client-secret (or set AVARDA_CLIENT_ID)",
            ));
        }
        (false, false, false) => {
            return Err(CliError::usage(
                "--client-id",
                "credentials are required: --client-id and --client-secret (AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET), or --token (AVARDA_TOKEN)",
            ));
        }
    };
    builder.build().map_err(cli_error)
}

/// The data of an accounts answer, or exit 3 with the strong-authentication URL.
fn authenticated<T>(answer: StrongAuth<T>) -> Result<T, CliError> {
    match answer {
        StrongAuth::Authenticated(value) => Ok(value),
        StrongAuth::AuthenticationRequired { redirect_url } => {
            Err(CliError::StrongAuth { redirect_url })
        }
    }
}

/// Maps a client error to the exit codes: refused input names the option (2), Avarda's
/// answers are 4, the rest 5.
/// `account` names the account id as this command takes it (`ACCOUNT` or `--account-id`).
fn cli_error_for(account: &'static str) -> impl Fn(avarda_client::Error) -> CliError {
    move |error| cli_error_naming(error, account)
}

/// [`cli_error_for`] where no account id is taken.
fn cli_error(error: avarda_client::Error) -> CliError {
    cli_error_naming(error, "--account-id")
}

fn cli_error_naming(error: avarda_client::Error, account: &'static str) -> CliError {
    if error.kind() == ErrorKind::InvalidArgument {
        let option = match error.argument().unwrap_or_default() {
            "purchase_id" => "--purchase-id",
            "invoice_id" => "INVOICE",
            "account_id" => account,
            "customer_token" => "--customer-token",
            "return_url" => "--return-url",
            "language" => "--language",
            "base_url" | "environment" => "--base-url",
            "token" => "--token",
            "client_id" => "--client-id",
            "client_secret" => "--client-secret",
            "attempt_timeout" => "--timeout",
            "credentials" => "--client-id",
            other => other,
        };
        return CliError::usage(option, error.to_string());
    }
    if error.is_token_source_failure() && error.kind() == ErrorKind::Refused {
        // Exit 4 prints Avarda's answer, which may not say it came from the token endpoint.
        eprintln!(
            "mypages: Avarda refused the partner credentials at POST /auth/token; check --client-id, --client-secret and --env / --base-url"
        );
    }
    CliError::from(error)
}
