//! Checks of arguments before anything is sent; each failure names the argument.

use rust_decimal::Decimal;
use time::Date;

use crate::error::Error;

/// The longest `sourcePspPaymentTransactionId` the API accepts, in characters.
pub(crate) const MAX_TRANSACTION_ID_CHARS: usize = 50;

/// The longest identifier (account number, bill id, card token, customer number, ledger)
/// accepted, in characters: PayEx documents `accountNo`, `billNo` and `customerNo` with a
/// maximum length of 50.
pub(crate) const MAX_ID_CHARS: usize = 50;

/// An identifier: not blank, at most [`MAX_ID_CHARS`] characters, no control characters.
/// The value itself never appears in the message (a card token is a secret).
fn identifier(argument: &str, value: &str) -> Result<(), Error> {
    let (length, blank, control) = measure(value);
    if blank {
        return Err(Error::invalid_argument(argument, "must not be empty"));
    }
    if length > MAX_ID_CHARS {
        return Err(Error::invalid_argument(
            argument,
            format_args!("must be at most {MAX_ID_CHARS} characters, got {length}"),
        ));
    }
    if control {
        return Err(Error::invalid_argument(
            argument,
            "must not contain control characters (a line break, a tab, ...)",
        ));
    }
    Ok(())
}

/// How many characters `value` has, whether all are blank, whether any is a control
/// character: byte by byte when it is ASCII (the common case), else by [`chars_of`].
fn measure(value: &str) -> (usize, bool, bool) {
    if !value.is_ascii() {
        return chars_of(value);
    }
    // ASCII's blanks are the space and `\t`..=`\r`. The control check has no early exit,
    // so the compiler checks many bytes at a time.
    let bytes = value.as_bytes();
    (
        bytes.len(),
        bytes.iter().all(|b| matches!(b, b' ' | b'\t'..=b'\r')),
        bytes
            .iter()
            .fold(false, |control, b| control | b.is_ascii_control()),
    )
}

/// In one pass over the characters of `value`: how many there are, whether all are blank,
/// whether any is a control character.
fn chars_of(value: &str) -> (usize, bool, bool) {
    let (mut length, mut blank, mut control) = (0usize, true, false);
    for c in value.chars() {
        length += 1;
        blank &= c.is_whitespace();
        control |= c.is_control();
    }
    (length, blank, control)
}

/// An identifier that goes into the route as one path segment (an account number, a card
/// token, a bill id): checked before anything is sent, naming `argument`.
pub(crate) fn route_identifier(argument: &str, value: &str) -> Result<(), Error> {
    identifier(argument, value)?;
    // These are ASCII, so they are never part of another character's bytes.
    if value.bytes().any(|b| matches!(b, b'/' | b'?' | b'#')) {
        return Err(Error::invalid_argument(
            argument,
            "must not contain `/`, `?` or `#`: it is one identifier, not a path",
        ));
    }
    if matches!(value, "." | "..") {
        return Err(Error::invalid_argument(
            argument,
            "must not be `.` or `..`: it is an identifier, not a path",
        ));
    }
    Ok(())
}

/// The ledger number: 1 to [`MAX_ID_CHARS`] ASCII letters and digits. PayEx calls it "the
/// ledger identifier/number" and writes it `XXX` or `501` in its examples.
pub(crate) fn ledger(argument: &str, value: &str) -> Result<(), Error> {
    identifier(argument, value)?;
    if !value.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Error::invalid_argument(
            argument,
            "must be the ledger number PayEx gave you: letters and digits only",
        ));
    }
    Ok(())
}

/// A query value naming a link (`href`): not empty.
pub(crate) fn filter(argument: &str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid_argument(
            argument,
            "must not be empty when given; leave the filter out instead",
        ));
    }
    Ok(())
}

/// A query value that is an identifier (`accountNo`, `customerNo`): not empty, at most
/// [`MAX_ID_CHARS`] characters, no control characters.
pub(crate) fn id_filter(argument: &str, value: &str) -> Result<(), Error> {
    filter(argument, value)?;
    identifier(argument, value)
}

/// A payment amount: more than zero.
pub(crate) fn positive_amount(argument: &str, amount: Decimal) -> Result<(), Error> {
    if amount <= Decimal::ZERO {
        return Err(Error::invalid_argument(
            argument,
            format_args!("must be more than 0, got {amount}"),
        ));
    }
    Ok(())
}

/// A credit limit or other amount that is never negative.
pub(crate) fn non_negative_amount(argument: &str, amount: Decimal) -> Result<(), Error> {
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(Error::invalid_argument(
            argument,
            format_args!("must not be negative, got {amount}"),
        ));
    }
    Ok(())
}

/// The PSP transaction id: 1 to 50 characters.
pub(crate) fn transaction_id(argument: &str, id: &str) -> Result<(), Error> {
    let (length, blank, _) = measure(id);
    if blank {
        return Err(Error::invalid_argument(argument, "must not be empty"));
    }
    if length > MAX_TRANSACTION_ID_CHARS {
        return Err(Error::invalid_argument(
            argument,
            format_args!("must be at most {MAX_TRANSACTION_ID_CHARS} characters, got {length}"),
        ));
    }
    Ok(())
}

/// A date range: `from` on or before `to`.
pub(crate) fn date_range(from: Date, to: Date) -> Result<(), Error> {
    if from > to {
        return Err(Error::invalid_argument(
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
    fn route_identifiers_are_never_empty() {
        assert!(route_identifier("account_no", "reminder-123").is_ok());
        assert!(route_identifier("account_no", "a b%c").is_ok());
        let error = route_identifier("account_no", " ").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidArgument);
        assert_eq!(error.argument(), Some("account_no"));
    }

    #[test]
    fn ascii_identifiers_are_judged_as_their_characters_are() {
        let mut values: Vec<String> = (0u8..=127).map(|b| char::from(b).to_string()).collect();
        values.extend(["  ", " \u{b} ", "\r\n", "a\u{7f}", " x "].map(String::from));
        values.extend(["x".repeat(50), "x".repeat(51)]);
        for value in values {
            assert!(value.is_ascii());
            let expected = chars_of(&value);
            assert_eq!(measure(&value), expected, "{value:?}");
            let got = identifier("id", &value).map_err(|error| error.to_string());
            let reference = if expected.1 {
                Err("must not be empty")
            } else if expected.0 > MAX_ID_CHARS {
                Err("at most")
            } else if expected.2 {
                Err("control characters")
            } else {
                Ok(())
            };
            match (got, reference) {
                (Ok(()), Ok(())) => {}
                (Err(message), Err(expected)) => {
                    assert!(message.contains(expected), "{value:?}: {message}")
                }
                (got, reference) => panic!("{value:?}: got {got:?}, expected {reference:?}"),
            }
        }
    }

    #[test]
    fn route_identifiers_name_one_resource_of_at_most_50_characters() {
        assert!(route_identifier("bill_id", &"ö".repeat(50)).is_ok());
        let error = route_identifier("bill_id", &"x".repeat(51)).unwrap_err();
        assert!(error.to_string().contains("at most 50"), "{error}");
        for bad in ["a/b", "a?b", "a#b", ".", "..", "a\nb", "a\tb", "\u{7f}"] {
            let error = route_identifier("card_token", bad).unwrap_err();
            assert_eq!(error.argument(), Some("card_token"), "{bad:?}");
            if bad.len() >= 3 {
                assert!(!error.to_string().contains(bad), "{error}");
            }
        }
        assert!(route_identifier("card_token", "954c8699-b38f-47a2-b568-668b8837dad8").is_ok());
    }

    #[test]
    fn ledgers_are_letters_and_digits() {
        assert!(ledger("ledger", "501").is_ok());
        assert!(ledger("ledger", "XXX").is_ok());
        for bad in ["", " ", "50 1", "5-1", "ledger/1", &"1".repeat(51)] {
            let error = ledger("ledger", bad).unwrap_err();
            assert_eq!(error.argument(), Some("ledger"), "{bad:?}");
        }
    }

    #[test]
    fn id_filters_are_bounded_like_ids_but_may_hold_any_printable_character() {
        assert!(id_filter("account_no", "a/b?c").is_ok());
        assert!(id_filter("account_no", " ").is_err());
        assert!(id_filter("customer_no", &"1".repeat(51)).is_err());
        assert!(id_filter("customer_no", "1\r\n2").is_err());
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
        assert!(transaction_id("transaction_id", " \t\u{3000}").is_err());
        assert!(transaction_id("transaction_id", " \t\r\n").is_err());
        assert!(transaction_id("transaction_id", &format!(" {} ", "x".repeat(48))).is_ok());
    }
}
