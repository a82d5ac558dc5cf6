//! Gathering one customer's accounts from every configured provider at once.

use avarda_client::{AvardaClient, Customer, StrongAuth};
use mypages_models::summary::{AccountSummary, Provider};
use p4p_client::P4pClient;
use p4p_client::models::AccountId;
use payex_client::PayexClient;
use payex_client::models::{Account, Bill, BillStatus};

use crate::exit::CliError;

/// Avarda, with the customer to show.
pub(crate) struct AvardaSource {
    /// The client.
    pub(crate) client: AvardaClient,
    /// The customer (auth token, its provider, return URL).
    pub(crate) customer: Customer,
    /// One of the customer's purchase ids, which names the customer to Avarda.
    pub(crate) purchase_id: String,
}

/// PayEx, with the customer to show.
pub(crate) struct PayexSource {
    /// The client (scoped to one ledger).
    pub(crate) client: PayexClient,
    /// The customer's number in that ledger.
    pub(crate) customer_no: String,
}

/// PayFunc, with the account to show.
pub(crate) struct P4pSource {
    /// The client.
    pub(crate) client: P4pClient,
    /// The customer's account id.
    pub(crate) account_id: AccountId,
}

/// The providers to ask; any of them may be left out.
#[derive(Default)]
pub(crate) struct Sources {
    /// Avarda, if configured.
    pub(crate) avarda: Option<AvardaSource>,
    /// PayEx, if configured.
    pub(crate) payex: Option<PayexSource>,
    /// PayFunc, if configured.
    pub(crate) p4p: Option<P4pSource>,
}

/// What one provider answered: the customer's accounts, or why there are none to show.
pub(crate) struct ProviderOverview {
    /// Which provider.
    pub(crate) provider: Provider,
    /// The summaries, or the failure (strong authentication needed, an API or transport error).
    pub(crate) outcome: Result<Vec<AccountSummary>, CliError>,
}

/// A PayEx account with its bills, kept for the demo's bill list.
pub(crate) struct PayexAccount {
    /// The account.
    pub(crate) account: Account,
    /// Every bill of the account.
    pub(crate) bills: Vec<Bill>,
}

/// Asks every configured provider at once and returns their answers in provider order
/// (Avarda, PayEx, PayFunc); one provider's failure does not stop the others.
pub(crate) async fn gather(sources: &Sources) -> Vec<ProviderOverview> {
    let (avarda, payex, p4p) = tokio::join!(
        async {
            match &sources.avarda {
                Some(source) => Some(avarda_summaries(source).await),
                None => None,
            }
        },
        async {
            match &sources.payex {
                Some(source) => Some(
                    payex_accounts(source)
                        .await
                        .map(|accounts| payex_summaries(&accounts)),
                ),
                None => None,
            }
        },
        async {
            match &sources.p4p {
                Some(source) => Some(p4p_summaries(source).await),
                None => None,
            }
        },
    );
    [
        (Provider::Avarda, avarda),
        (Provider::Payex, payex),
        (Provider::P4p, p4p),
    ]
    .into_iter()
    .filter_map(|(provider, outcome)| outcome.map(|outcome| ProviderOverview { provider, outcome }))
    .collect()
}

/// Avarda's accounts and invoices; accounts need strong authentication, invoices do not.
pub(crate) async fn avarda_summaries(
    source: &AvardaSource,
) -> Result<Vec<AccountSummary>, CliError> {
    let (invoices, accounts) = tokio::join!(
        source
            .client
            .invoices()
            .list(&source.customer, &source.purchase_id),
        source
            .client
            .accounts()
            .list(&source.customer, &source.purchase_id),
    );
    let invoices = invoices.map_err(CliError::from)?;
    let accounts = match accounts.map_err(CliError::from)? {
        StrongAuth::Authenticated(accounts) => accounts,
        StrongAuth::AuthenticationRequired { redirect_url } => {
            return Err(CliError::StrongAuth { redirect_url });
        }
    };
    let mut summaries: Vec<AccountSummary> = accounts.iter().map(AccountSummary::from).collect();
    summaries.extend(invoices.iter().map(AccountSummary::from));
    Ok(summaries)
}

/// The customer's PayEx accounts, each with its bills (fetched concurrently).
pub(crate) async fn payex_accounts(source: &PayexSource) -> Result<Vec<PayexAccount>, CliError> {
    let accounts = source
        .client
        .accounts()
        .list()
        .customer_no(source.customer_no.clone())
        .all()
        .await
        .map_err(CliError::from)?;
    let bills = futures_util::future::try_join_all(accounts.iter().map(|account| async {
        source
            .client
            .bills(&account.account_no)
            .list()
            .all()
            .await
            .map_err(CliError::from)
    }))
    .await?;
    Ok(accounts
        .into_iter()
        .zip(bills)
        .map(|(account, bills)| PayexAccount { account, bills })
        .collect())
}

/// One summary per PayEx account, with the amount due and due date of its open bill.
pub(crate) fn payex_summaries(accounts: &[PayexAccount]) -> Vec<AccountSummary> {
    accounts
        .iter()
        .map(|entry| {
            let open_bill = entry
                .bills
                .iter()
                .filter(|bill| bill.status == Some(BillStatus::Open))
                .min_by_key(|bill| bill.due_date);
            AccountSummary::from_payex(&entry.account, open_bill)
        })
        .collect()
}

/// The PayFunc account as a summary.
pub(crate) async fn p4p_summaries(source: &P4pSource) -> Result<Vec<AccountSummary>, CliError> {
    let account = source
        .client
        .accounts()
        .get(source.account_id.clone())
        .await
        .map_err(CliError::from)?;
    Ok(vec![AccountSummary::from(&account)])
}
