//! Checks of arguments before anything is sent; each failure names the argument.

use rust_decimal::Decimal;
use time::Date;

use crate::error::Error;

/// The longest `sourcePspPaymentTransactionId` the API accepts, in characters.
pub(crate) const MAX_TRANSACTION_ID_CHARS: usize = 50;

/// An identifier that goes into the route (`account_no`, `bill_id`, `card_token`, `ledger`):
/// not empty, and percent-encoded so it stays one path segment.
pub(crate) fn segment(argument: &str, value: &str) -> Result<String, Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid(argument, "must not be empty"));
    }
    Ok(mypages_transport::encode_segment(value))
}

/// A query value: not empty.
pub(crate) fn filter(argument: &str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid(
            argument,
            "must not be empty when given; leave the filter out instead",
        ));
    }
    Ok(())
}

/// A payment amount: more than zero.
pub(crate) fn positive_amount(argument: &str, amount: Decimal) -> Result<(), Error> {
    if amount <= Decimal::ZERO {
        return Err(Error::invalid(
            argument,
            format_args!("must be more than 0, got {amount}"),
        ));
    }
    Ok(())
}

/// A credit limit or other amount that is never negative.
pub(crate) fn non_negative_amount(argument: &str, amount: Decimal) -> Result<(), Error> {
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(Error::invalid(
            argument,
            format_args!("must not be negative, got {amount}"),
        ));
    }
    Ok(())
}

/// The PSP transaction id: 1 to 50 characters.
pub(crate) fn transaction_id(argument: &str, id: &str) -> Result<(), Error> {
    if id.trim().is_empty() {
        return Err(Error::invalid(argument, "must not be empty"));
    }
    let length = id.chars().count();
    if length > MAX_TRANSACTION_ID_CHARS {
        return Err(Error::invalid(
            argument,
            format_args!("must be at most {MAX_TRANSACTION_ID_CHARS} characters, got {length}"),
        ));
    }
    Ok(())
}

/// A date range: `from` on or before `to`.
pub(crate) fn date_range(from: Date, to: Date) -> Result<(), Error> {
    if from > to {
        return Err(Error::invalid(
            "from",
            format_args!("{from} is after the end of the range ({to})"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn segments_are_encoded_and_never_empty() {
        assert_eq!(
            segment("account_no", "reminder-123").unwrap(),
            "reminder-123"
        );
        assert_eq!(segment("account_no", "a/b?c d").unwrap(), "a%2Fb%3Fc%20d");
        let error = segment("account_no", " ").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidArgument);
        assert_eq!(error.argument(), Some("account_no"));
    }

    #[test]
    fn amounts() {
        assert!(positive_amount("amount", Decimal::new(1, 2)).is_ok());
        assert!(positive_amount("amount", Decimal::ZERO).is_err());
        assert!(non_negative_amount("credit_limit", Decimal::ZERO).is_ok());
        assert!(non_negative_amount("credit_limit", Decimal::new(-1, 2)).is_err());
        assert!(non_negative_amount("credit_limit", -Decimal::ZERO).is_ok());
    }

    #[test]
    fn transaction_ids_count_characters() {
        assert!(transaction_id("transaction_id", &"ö".repeat(50)).is_ok());
        let error = transaction_id("transaction_id", &"x".repeat(51)).unwrap_err();
        assert!(error.to_string().contains("at most 50"), "{error}");
        assert!(transaction_id("transaction_id", "").is_err());
    }
}
