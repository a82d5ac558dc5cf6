//! [`ProblemKind`]: the problem types the Ledger Account API documents, typed.

use std::fmt;

use mypages_transport::{Category, Error};

/// The type of a problem PayEx answered with, read from the problem's `type`.
///
/// PayEx writes the type as `ledger.account.<code>` (`ledger.account.validation`) or as a URL
/// or path ending in `/problems/<code>`; both, in any letter case, map to the same kind. A
/// type this version does not know is kept as text in [`ProblemKind::Other`].
///
/// ```
/// use payex_client::ProblemKind;
///
/// assert_eq!(ProblemKind::from_type("ledger.account.account-not-found"), ProblemKind::AccountNotFound);
/// assert_eq!(
///     ProblemKind::from_type("https://api.payex.com/ledger/account/v1/problems/card-not-found"),
///     ProblemKind::CardNotFound
/// );
/// assert_eq!(ProblemKind::from_type("ledger.account.new-thing").code(), "new-thing");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProblemKind {
    /// `validation` (400): input validation failed; the problem lists each failed parameter.
    Validation,
    /// `customer-does-not-exists` (404): the `customerNo` of an accounts query is unknown.
    CustomerDoesNotExist,
    /// `card-not-found` (404): no card with that token on the account.
    CardNotFound,
    /// `duplicate-card-token` (409): the account already has a card with that token.
    DuplicateCardToken,
    /// `card-update-failed` (422): PayEx could not update the card.
    CardUpdateFailed,
    /// `account-not-found` (404): no such account in the ledger.
    AccountNotFound,
    /// `invalid-reg-no` (400): the national identity number is not valid.
    InvalidRegNo,
    /// `bill-not-found` (404): no such bill on the account.
    BillNotFound,
    /// `unauthorized` (401): the token is missing, expired or not valid for this ledger.
    Unauthorized,
    /// Any other problem type, as PayEx wrote it (the full `type`, prefix included).
    Other(String),
}

impl ProblemKind {
    /// The problem type of an error PayEx answered with a problem document, typed; `None`
    /// for every other error.
    ///
    /// ```no_run
    /// # async fn show(payex: &payex_client::PayexClient) -> Result<(), payex_client::Error> {
    /// use payex_client::ProblemKind;
    ///
    /// match payex.accounts().get("NNN").await {
    ///     Ok(account) => println!("{:?}", account.total_balance),
    ///     Err(err) if ProblemKind::of(&err) == Some(ProblemKind::AccountNotFound) => {
    ///         println!("no such account")
    ///     }
    ///     Err(err) => return Err(err),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn of(error: &Error) -> Option<Self> {
        error
            .problem()
            .and_then(|problem| problem.r#type.as_deref())
            .map(Self::from_type)
    }

    /// The cross-provider category this problem type means, where it says more than the
    /// status.
    pub(crate) fn category(&self) -> Option<Category> {
        match self {
            Self::Validation | Self::InvalidRegNo => Some(Category::InvalidInput),
            Self::CustomerDoesNotExist
            | Self::CardNotFound
            | Self::AccountNotFound
            | Self::BillNotFound => Some(Category::NotFound),
            Self::Unauthorized => Some(Category::Unauthorized),
            Self::DuplicateCardToken | Self::CardUpdateFailed => Some(Category::Rejected),
            Self::Other(_) => None,
        }
    }

    /// Reads a problem `type`: `ledger.account.<code>`, or a URL/path ending in
    /// `/problems/<code>`, in any letter case.
    pub fn from_type(problem_type: &str) -> Self {
        match code_of(problem_type).to_ascii_lowercase().as_str() {
            "validation" => Self::Validation,
            // The document spells it "does-not-exists"; the grammatical spelling is accepted too.
            "customer-does-not-exists" | "customer-does-not-exist" => Self::CustomerDoesNotExist,
            "card-not-found" => Self::CardNotFound,
            "duplicate-card-token" => Self::DuplicateCardToken,
            "card-update-failed" => Self::CardUpdateFailed,
            "account-not-found" => Self::AccountNotFound,
            "invalid-reg-no" => Self::InvalidRegNo,
            "bill-not-found" => Self::BillNotFound,
            "unauthorized" => Self::Unauthorized,
            _ => Self::Other(problem_type.trim().to_owned()),
        }
    }

    /// The code as the document's problem table names it (`account-not-found`); for
    /// [`ProblemKind::Other`], the code part of the type when it has the known shapes, else
    /// the whole type.
    pub fn code(&self) -> &str {
        match self {
            Self::Validation => "validation",
            Self::CustomerDoesNotExist => "customer-does-not-exists",
            Self::CardNotFound => "card-not-found",
            Self::DuplicateCardToken => "duplicate-card-token",
            Self::CardUpdateFailed => "card-update-failed",
            Self::AccountNotFound => "account-not-found",
            Self::InvalidRegNo => "invalid-reg-no",
            Self::BillNotFound => "bill-not-found",
            Self::Unauthorized => "unauthorized",
            Self::Other(problem_type) => code_of(problem_type),
        }
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The `<code>` of `ledger.<api>.<code>` or `.../problems/<code>`; otherwise the whole type.
fn code_of(problem_type: &str) -> &str {
    let problem_type = problem_type.trim();
    let lower = problem_type.to_ascii_lowercase();
    if let Some(index) = lower.rfind("/problems/") {
        let code = &problem_type[index + "/problems/".len()..];
        let code = code.split(['?', '#']).next().unwrap_or(code);
        return code.trim_end_matches('/');
    }
    if lower.starts_with("ledger.") {
        if let Some(index) = problem_type.rfind('.') {
            return &problem_type[index + 1..];
        }
    }
    problem_type
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_code_in_every_shape() {
        let codes = [
            ("validation", ProblemKind::Validation),
            (
                "customer-does-not-exists",
                ProblemKind::CustomerDoesNotExist,
            ),
            ("card-not-found", ProblemKind::CardNotFound),
            ("duplicate-card-token", ProblemKind::DuplicateCardToken),
            ("card-update-failed", ProblemKind::CardUpdateFailed),
            ("account-not-found", ProblemKind::AccountNotFound),
            ("invalid-reg-no", ProblemKind::InvalidRegNo),
        ];
        for (code, kind) in codes {
            for shape in [
                format!("ledger.account.{code}"),
                format!("LEDGER.ACCOUNT.{}", code.to_uppercase()),
                format!("https://api.payex.com/ledger/account/problems/{code}"),
                format!("ledger/account/v1/problems/{code}/"),
                format!("/problems/{code}"),
            ] {
                assert_eq!(ProblemKind::from_type(&shape), kind, "{shape}");
            }
            assert_eq!(kind.code(), code);
        }
    }

    #[test]
    fn unknown_types_are_kept_as_text() {
        let kind = ProblemKind::from_type("ledger.account.limit-exceeded");
        assert_eq!(
            kind,
            ProblemKind::Other("ledger.account.limit-exceeded".into())
        );
        assert_eq!(kind.code(), "limit-exceeded");
        let kind = ProblemKind::from_type("something else");
        assert_eq!(kind.code(), "something else");
        assert_eq!(ProblemKind::from_type("").code(), "");
    }
}
