//! The overview table: one row per account, amounts aligned on their decimal point.

use mypages_models::Decimal;
use mypages_models::summary::AccountSummary;

use super::gather::ProviderOverview;
use crate::exit::CliError;
use crate::output::grid;

const HEADER: [&str; 8] = [
    "provider",
    "account",
    "type",
    "state",
    "currency",
    "balance",
    "amount due",
    "due date",
];

/// Renders every provider's accounts and, for a provider that failed, a row saying so;
/// what went wrong follows the table, a line per failed provider.
pub(crate) fn render(overview: &[ProviderOverview]) -> String {
    let accounts: Vec<&AccountSummary> = overview
        .iter()
        .filter_map(|entry| entry.outcome.as_ref().ok())
        .flatten()
        .collect();
    let mut rows = rows(&accounts);
    let mut details = String::new();
    for entry in overview {
        if let Err(failure) = &entry.outcome {
            let state = match failure {
                CliError::StrongAuth { .. } => "must authenticate".to_owned(),
                other => format!("failed (exit {})", other.exit_code()),
            };
            let mut row = vec![String::new(); HEADER.len()];
            row[0] = entry.provider.to_string();
            row[1] = "-".to_owned();
            row[3] = state;
            rows.push(row);
            details.push_str(&failure_line(entry.provider.as_str(), failure));
        }
    }
    let mut text = grid(&header(), &rows, &RIGHT);
    if !details.is_empty() {
        text.push('\n');
        text.push_str(&details);
    }
    text
}

/// The table of `accounts` alone.
pub(crate) fn summaries(accounts: &[&AccountSummary]) -> String {
    grid(&header(), &rows(accounts), &RIGHT)
}

/// Which columns are right-aligned: the amounts.
const RIGHT: [bool; 8] = [false, false, false, false, false, true, true, false];

fn header() -> Vec<String> {
    HEADER.iter().map(|h| (*h).to_owned()).collect()
}

fn rows(accounts: &[&AccountSummary]) -> Vec<Vec<String>> {
    let balances = align(accounts.iter().map(|a| a.balance));
    let due = align(accounts.iter().map(|a| a.amount_due));
    accounts
        .iter()
        .zip(balances)
        .zip(due)
        .map(|((account, balance), due)| {
            vec![
                account.provider.to_string(),
                account.id.clone(),
                account.kind.clone().unwrap_or_default(),
                account.state.clone().unwrap_or_default(),
                account
                    .currency
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                balance,
                due,
                account.due_date.map(|d| d.to_string()).unwrap_or_default(),
            ]
        })
        .collect()
}

fn failure_line(provider: &str, failure: &CliError) -> String {
    match failure {
        CliError::StrongAuth { redirect_url } => format!(
            "{provider}: the customer must complete strong authentication at {redirect_url} (exit 3)\n"
        ),
        other => {
            let detail = other
                .describe()
                .lines()
                .map(|line| line.trim().trim_start_matches("mypages: "))
                .filter(|line| !line.is_empty())
                .collect::<Vec<_>>()
                .join("; ");
            format!("{provider}: {detail} (exit {})\n", other.exit_code())
        }
    }
}

/// Formats amounts exactly as they are, padded so that their decimal points line up when
/// the column is right-aligned; a missing amount is an empty cell.
pub(crate) fn align(amounts: impl Iterator<Item = Option<Decimal>>) -> Vec<String> {
    let texts: Vec<Option<String>> = amounts.map(|a| a.map(|a| a.to_string())).collect();
    let fraction = |text: &str| text.split_once('.').map_or(0, |(_, f)| f.len() + 1);
    let widest = texts
        .iter()
        .flatten()
        .map(|t| fraction(t))
        .max()
        .unwrap_or(0);
    texts
        .into_iter()
        .map(|text| match text {
            Some(text) => {
                let pad = widest - fraction(&text);
                format!("{text}{}", " ".repeat(pad))
            }
            None => String::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mypages_models::summary::Provider;

    #[test]
    fn amounts_line_up_on_the_decimal_point_and_keep_their_digits() {
        let amounts = [
            Some(Decimal::new(200_000, 2)),
            Some(Decimal::new(-5, 0)),
            None,
        ];
        let cells = align(amounts.into_iter());
        assert_eq!(cells, ["2000.00", "-5   ", ""]);
    }

    #[test]
    fn failed_provider_gets_its_own_line_and_others_still_show() {
        let overview = vec![
            ProviderOverview {
                provider: Provider::Payex,
                outcome: Ok(vec![AccountSummary::new(
                    Provider::Payex,
                    "42",
                    Decimal::new(124_950, 2),
                )]),
            },
            ProviderOverview {
                provider: Provider::Avarda,
                outcome: Err(CliError::StrongAuth {
                    redirect_url: "https://auth.example/x".into(),
                }),
            },
        ];
        let text = render(&overview);
        assert!(
            text.lines()
                .any(|l| l.starts_with("payex") && l.contains("1249.50")),
            "{text}"
        );
        assert!(
            text.lines()
                .any(|l| l.starts_with("avarda") && l.contains("must authenticate")),
            "{text}"
        );
        assert!(
            text.contains(
                "avarda: the customer must complete strong authentication at https://auth.example/x"
            ),
            "{text}"
        );
    }
}
