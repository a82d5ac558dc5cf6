//! PayEx's problems inside the one [`Error`] every mypages client returns.
//!
//! PayEx answers errors as RFC 7807 problem documents in PascalCase (`Type`, `Title`,
//! `Problems`); the transport reads them into [`Error::problem`], and
//! [`ProblemKind::of`](crate::ProblemKind::of) types the problem. The error's
//! [`Category`] is refined by the problem type (`account-not-found` is
//! [`Category::NotFound`] whatever the status).

pub use mypages_transport::{Category, Error, ErrorKind};

use crate::problem_kind::ProblemKind;

/// Refines the category of an error answer by PayEx's problem type.
pub(crate) fn refine(error: Error) -> Error {
    match ProblemKind::of(&error).and_then(|kind| kind.category()) {
        Some(category) => error.with_category(category),
        None => error,
    }
}
