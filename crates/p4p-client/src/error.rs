//! PayFunc's error body inside the one [`Error`] every mypages client returns.
//!
//! PayFunc answers errors as `{status, type, content: {type, description}}` (later API
//! versions add `error` and `description`). The client reads that body into the error's
//! [`Problem`] (`type` -> [`Problem::type`](Problem), `error` or `content.type` -> title,
//! `description` or `content.description` -> detail) and refines the error's
//! [`Category`]; [`api_error`] gives the body as PayFunc's own model.
//!
//! ```no_run
//! # async fn run(p4p: &p4p_client::P4pClient, id: p4p_client::models::AccountId) {
//! use p4p_client::{Category, ErrorKind};
//!
//! match p4p.accounts().get(id).await {
//!     Ok(account) => println!("{:?}", account.total),
//!     Err(err) if err.category() == Category::NotFound => println!("no such account"),
//!     Err(err) if err.kind() == ErrorKind::Refused => {
//!         println!("PayFunc said {:?}", p4p_client::api_error(&err).and_then(|e| e.r#type))
//!     }
//!     Err(err) => println!("{err}"),
//! }
//! # }
//! ```

use mypages_models::p4p::ApiError;
pub use mypages_transport::{Category, Error, ErrorKind, Problem};

/// PayFunc's error body of an error answer, when it held one.
pub fn api_error(error: &Error) -> Option<ApiError> {
    error.status()?;
    error
        .body()
        .and_then(|body| serde_json::from_slice::<ApiError>(body).ok())
        .filter(|api| api.r#type.is_some() || api.content.is_some() || api.error.is_some())
}

/// Reads PayFunc's error body into the transport's [`Problem`].
pub(crate) fn read_problem(body: &[u8]) -> Option<Problem> {
    let api = serde_json::from_slice::<ApiError>(body)
        .ok()
        .filter(|api| api.r#type.is_some() || api.content.is_some() || api.error.is_some())?;
    let content = api.content.unwrap_or_default();
    let mut problem = Problem::default();
    problem.r#type = api.r#type;
    problem.title = api.error.or(content.r#type);
    problem.detail = api.description.or(content.description);
    problem.status = api.status.and_then(|status| u16::try_from(status).ok());
    Some(problem)
}

/// Refines the category of an error answer by PayFunc's error type: a payment code means
/// the payment was declined, whatever the status.
pub(crate) fn refine(error: Error) -> Error {
    if error.kind() != ErrorKind::Refused {
        return error;
    }
    let Some(api) = api_error(&error) else {
        return error;
    };
    let category = match api
        .r#type
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("payment failed" | "card declined") => Category::Rejected,
        _ if api.error.is_some() => Category::Rejected,
        Some(
            "invalid content"
            | "malformed content"
            | "flawed content"
            | "invalid path argument"
            | "invalid query argument"
            | "missing query argument",
        ) => Category::InvalidInput,
        Some("not authorized" | "unauthorized" | "forbidden" | "missing header") => {
            Category::Unauthorized
        }
        Some("not found") => Category::NotFound,
        _ => return error,
    };
    error.with_category(category)
}
