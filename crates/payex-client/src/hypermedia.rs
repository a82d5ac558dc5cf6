//! Hypermedia: following the links PayEx returns, and invoking the operations a resource
//! advertises in its `operation` links (`apply-for-raised-credit-limit`, `partial-update`,
//! `partially-update-recurring-payment-consent`, ...), so a documented operation is
//! reachable before this crate has a method for it.
//!
//! These are the only calls not derived from one spec operation: their path is whatever
//! link PayEx gave, resolved against the configured base URL (a link to another host is
//! refused, so the token never leaves for it).

use mypages_models::payex::Operation as OperationLink;
use mypages_transport::Operation;
use mypages_transport::reexports::http::Method;

use crate::client::PayexClient;
use crate::error::Error;

/// A GET of any link PayEx returned.
pub(crate) static FOLLOW_LINK: Operation = Operation::new("followLink", Method::GET, "/{link}");

/// The advertised operations, one per method. Their effect is not known to this crate, so
/// none is ever sent twice once it may have reached PayEx.
static INVOKE: [Operation; 4] = [
    Operation::new("invokeOperation", Method::POST, "/{link}")
        .with_retry(mypages_transport::RetryClass::Never)
        .with_answer(mypages_transport::Answer::JsonOrEmpty),
    Operation::new("invokeOperation", Method::PATCH, "/{link}")
        .with_retry(mypages_transport::RetryClass::Never)
        .with_answer(mypages_transport::Answer::JsonOrEmpty),
    Operation::new("invokeOperation", Method::PUT, "/{link}")
        .with_retry(mypages_transport::RetryClass::Never)
        .with_answer(mypages_transport::Answer::JsonOrEmpty),
    Operation::new("invokeOperation", Method::DELETE, "/{link}")
        .with_retry(mypages_transport::RetryClass::Never)
        .with_answer(mypages_transport::Answer::JsonOrEmpty),
];

impl PayexClient {
    /// Invokes an operation a resource advertises (an entry of an account's or a recurring
    /// configuration's `operation` links: `rel`, `method`, `href`), with an optional JSON
    /// body; answers PayEx's JSON, or `None` for an empty answer.
    ///
    /// The method must be POST, PATCH, PUT or DELETE (a GET link is read with
    /// [`PayexClient::follow`]); the href must lead to the configured host. It is never
    /// retried once it may have reached PayEx.
    ///
    /// ```no_run
    /// # async fn run(payex: &payex_client::PayexClient) -> Result<(), payex_client::Error> {
    /// let account = payex.accounts().get("NNN").await?;
    /// let raise = account
    ///     .operation
    ///     .iter()
    ///     .flatten()
    ///     .find(|link| link.rel.as_deref() == Some("apply-for-raised-credit-limit"));
    /// if let Some(link) = raise {
    ///     let body = serde_json::json!({ "creditLimit": "20000.00" });
    ///     payex.invoke(link, Some(&body)).await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn invoke(
        &self,
        operation: &OperationLink,
        body: Option<&serde_json::Value>,
    ) -> Result<Option<serde_json::Value>, Error> {
        let method = operation.method.as_deref().unwrap_or_default().trim();
        let Some(descriptor) = INVOKE
            .iter()
            .find(|descriptor| descriptor.method().as_str().eq_ignore_ascii_case(method))
        else {
            return Err(Error::invalid_argument(
                "operation.method",
                "must be post, patch, put or delete; read a link with PayexClient::follow",
            ));
        };
        let href = operation.href.as_deref().ok_or_else(|| {
            Error::invalid_argument("operation.href", "is missing: nothing to invoke")
        })?;
        let mut call = self.call_link(descriptor, href)?;
        if let Some(body) = body {
            call = call.json_body(body)?;
        }
        self.execute(call.expect_json_or_empty()).await
    }
}
