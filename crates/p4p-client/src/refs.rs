//! Which account a request is about: [`AccountRef`] (an id or `me`) and [`SettleTarget`]
//! (an id, `me` or `all`).

use std::fmt;
use std::str::FromStr;

use mypages_models::p4p::{AccountId, IdError};

/// The account a request is about: its id, or `me`, the account of the account key the
/// client uses (see [`Accounts::create_key`](crate::Accounts::create_key)).
///
/// ```
/// use p4p_client::AccountRef;
///
/// let me: AccountRef = "me".parse()?;
/// assert_eq!(me, AccountRef::Me);
/// let id: AccountRef = "1234567890abcdef".parse()?;
/// assert_eq!(id.as_str(), "1234567890abcdef");
/// assert!("me/../all".parse::<AccountRef>().is_err());
/// # Ok::<(), mypages_models::p4p::IdError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AccountRef {
    /// An account by id (private key, or the account's own key).
    Id(AccountId),
    /// The account of the account key in use.
    Me,
}

impl AccountRef {
    /// The path segment: the id, or `me`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Id(id) => id.as_str(),
            Self::Me => "me",
        }
    }
}

impl fmt::Display for AccountRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<AccountId> for AccountRef {
    fn from(id: AccountId) -> Self {
        Self::Id(id)
    }
}

impl From<&AccountId> for AccountRef {
    fn from(id: &AccountId) -> Self {
        Self::Id(id.clone())
    }
}

impl From<&AccountRef> for AccountRef {
    fn from(account: &AccountRef) -> Self {
        account.clone()
    }
}

impl FromStr for AccountRef {
    type Err = IdError;

    /// `me` (any case) or an account id.
    fn from_str(text: &str) -> Result<Self, IdError> {
        if text.eq_ignore_ascii_case("me") {
            Ok(Self::Me)
        } else {
            AccountId::new(text).map(Self::Id)
        }
    }
}

/// Whose balance to settle: one account, `me` (the account of the account key in use), or
/// `all` accounts (private key).
///
/// ```
/// use p4p_client::SettleTarget;
///
/// assert_eq!("all".parse::<SettleTarget>()?, SettleTarget::All);
/// assert_eq!("me".parse::<SettleTarget>()?.as_str(), "me");
/// # Ok::<(), mypages_models::p4p::IdError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SettleTarget {
    /// One account, by id.
    Id(AccountId),
    /// The account of the account key in use.
    Me,
    /// Every account of the merchant (private key).
    All,
}

impl SettleTarget {
    /// The path segment: the id, `me` or `all`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Id(id) => id.as_str(),
            Self::Me => "me",
            Self::All => "all",
        }
    }
}

impl fmt::Display for SettleTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<AccountId> for SettleTarget {
    fn from(id: AccountId) -> Self {
        Self::Id(id)
    }
}

impl From<&AccountId> for SettleTarget {
    fn from(id: &AccountId) -> Self {
        Self::Id(id.clone())
    }
}

impl From<AccountRef> for SettleTarget {
    fn from(account: AccountRef) -> Self {
        match account {
            AccountRef::Id(id) => Self::Id(id),
            AccountRef::Me => Self::Me,
        }
    }
}

impl FromStr for SettleTarget {
    type Err = IdError;

    /// `me`, `all` (any case) or an account id.
    fn from_str(text: &str) -> Result<Self, IdError> {
        if text.eq_ignore_ascii_case("all") {
            Ok(Self::All)
        } else {
            text.parse::<AccountRef>().map(Self::from)
        }
    }
}
