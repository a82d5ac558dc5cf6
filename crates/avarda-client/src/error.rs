//! Avarda's error body inside the one [`Error`] every mypages client returns.
//!
//! Avarda publishes no error schema. It is seen to send `{"errorCode", "message"}` from the
//! MyPages endpoints and the OAuth-style `{"error", "error_description"}` from the token
//! endpoint. The client reads those fields (in any key casing; a numeric `errorCode` as its
//! digits) into the error's [`Problem`]: `errorCode` (or else `error`) is the problem's
//! `type`, `message` its `title`, `error_description` its `detail`, and any other member is
//! kept in [`Problem::extensions`]. A body with none of them is read as RFC 7807 (ASP.NET's
//! validation answers). [`error_code`] gives Avarda's code; [`Error::category`] is refined
//! where the code says more than the status.
//!
//! ```no_run
//! # async fn run(avarda: &avarda_client::AvardaClient, customer: &avarda_client::Customer) {
//! use avarda_client::{Category, ErrorKind};
//!
//! match avarda.invoices().get(customer, "purchase-id", "invoice-id").await {
//!     Ok(invoice) => println!("{:?}", invoice.balance),
//!     Err(err) if err.category() == Category::NotFound => println!("no such invoice"),
//!     Err(err) if err.kind() == ErrorKind::Refused => {
//!         println!("Avarda said {:?}", avarda_client::error_code(&err))
//!     }
//!     Err(err) => println!("{err}"),
//! }
//! # }
//! ```

pub use mypages_transport::{Category, Error, ErrorKind, Problem};
use serde_json::{Map, Value};

/// Avarda's error code of an error answer: its `errorCode`, or the OAuth `error` of the
/// token endpoint (e.g. `invalid_client`); a numeric code is given as its digits.
pub fn error_code(error: &Error) -> Option<&str> {
    error.status()?;
    error.problem()?.r#type.as_deref()
}

/// Reads Avarda's error body into the transport's [`Problem`]; a body without Avarda's
/// fields is read as RFC 7807.
pub(crate) fn read_problem(body: &[u8]) -> Option<Problem> {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return None;
    };
    let mut error_code = None;
    let mut error = None;
    let mut message = None;
    let mut description = None;
    let mut extensions = Map::new();
    for (key, value) in map {
        let slot = match key.to_ascii_lowercase().as_str() {
            "errorcode" | "error_code" | "code" => &mut error_code,
            "error" => &mut error,
            "message" => &mut message,
            "error_description" | "errordescription" => &mut description,
            _ => {
                extensions.insert(key, value);
                continue;
            }
        };
        match (&value, slot.is_none()) {
            (Value::String(text), true) => *slot = Some(text.clone()),
            (Value::Number(number), true) => *slot = Some(number.to_string()),
            _ => {
                extensions.insert(key, value);
            }
        }
    }
    if error_code.is_none() && error.is_none() && message.is_none() && description.is_none() {
        return Problem::from_json(body);
    }
    // The OAuth `error` stays readable when `errorCode` is the type.
    if let (Some(_), Some(oauth)) = (&error_code, &error) {
        extensions.insert("error".to_owned(), Value::String(oauth.clone()));
    }
    let mut problem = Problem::default();
    problem.r#type = error_code.or(error);
    problem.title = message;
    problem.detail = description;
    problem.extensions = extensions;
    Some(problem)
}

/// Refines the category of an error answer by Avarda's code where it says more than the
/// status (a 400 whose code says `NotFound` is [`Category::NotFound`]). Token-source
/// failures are left as the transport says: the credentials were refused.
pub(crate) fn refine(error: Error) -> Error {
    if error.kind() != ErrorKind::Refused || error.is_token_source_failure() {
        return error;
    }
    let Some(code) = error_code(&error) else {
        return error;
    };
    let code: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let category = match code.as_str() {
        "notfound" => Category::NotFound,
        "unauthorized" | "forbidden" | "invalidclient" | "unauthorizedclient" | "invalidtoken" => {
            Category::Unauthorized
        }
        "badrequest" | "invalidrequest" | "validationerror" => Category::InvalidInput,
        _ => return error,
    };
    error.with_category(category)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avarda_fields_are_read_in_any_casing_and_as_numbers() {
        let problem = read_problem(
            br#"{"ErrorCode": 1234, "Message": "No such purchase", "error": "invalid_client", "error_description": "bad secret", "other": [1]}"#,
        )
        .unwrap();
        assert_eq!(problem.r#type.as_deref(), Some("1234"));
        assert_eq!(problem.title.as_deref(), Some("No such purchase"));
        assert_eq!(problem.detail.as_deref(), Some("bad secret"));
        assert_eq!(problem.extensions["error"], "invalid_client");
        assert_eq!(problem.extensions["other"], serde_json::json!([1]));

        let oauth =
            read_problem(br#"{"error":"invalid_client","error_description":"no"}"#).unwrap();
        assert_eq!(oauth.r#type.as_deref(), Some("invalid_client"));
        assert_eq!(oauth.detail.as_deref(), Some("no"));
        assert_eq!(oauth.title, None);
    }

    #[test]
    fn other_bodies_are_rfc_7807_or_nothing() {
        let problem = read_problem(
            br#"{"type":"https://example/validation","title":"Invalid","status":400}"#,
        )
        .unwrap();
        assert_eq!(
            problem.r#type.as_deref(),
            Some("https://example/validation")
        );
        assert_eq!(problem.title.as_deref(), Some("Invalid"));
        assert_eq!(problem.status, Some(400));
        assert_eq!(read_problem(b"<html>oops</html>"), None);
        assert_eq!(read_problem(b"[1,2]"), None);
        assert_eq!(read_problem(b""), None);
        assert_eq!(read_problem(br#"{"unrelated":true}"#), None);
    }

    proptest::proptest! {
        #[test]
        fn any_error_body_is_read_without_panicking(body in proptest::collection::vec(proptest::num::u8::ANY, 0..256)) {
            let _ = read_problem(&body);
        }

        #[test]
        fn the_error_code_is_the_type_whatever_else_the_body_holds(key in "[a-zA-Z_]{0,20}", value in "\\PC{0,40}") {
            let body = serde_json::json!({ key: value, "errorCode": value }).to_string();
            let problem = read_problem(body.as_bytes()).unwrap();
            proptest::prop_assert_eq!(problem.r#type.as_deref(), Some(value.as_str()));
        }
    }

    #[test]
    fn invalid_arguments_keep_their_argument_and_are_not_refined() {
        let error = refine(Error::invalid_argument("purchase_id", "must not be empty"));
        assert_eq!(error.kind(), ErrorKind::InvalidArgument);
        assert_eq!(error.category(), Category::InvalidInput);
        assert_eq!(error.argument(), Some("purchase_id"));
        assert_eq!(error_code(&error), None);
        assert!(!error.may_have_reached_server());
    }
}
