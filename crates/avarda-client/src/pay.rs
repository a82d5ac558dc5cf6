//! Paying an account or invoice through Checkout 3.0: [`Pay::start`] and [`Pay::status`].

use mypages_models::avarda::{PayLanguage, PayRequest, PaySession, PayStatus, PayStatusRequest};

use crate::client::AvardaClient;
use crate::error::Error;
use crate::operations as op;
use crate::validate;

/// Payments of accounts and invoices; from [`AvardaClient::pay`].
#[derive(Debug, Clone, Copy)]
pub struct Pay<'a> {
    client: &'a AvardaClient,
}

impl<'a> Pay<'a> {
    pub(crate) fn new(client: &'a AvardaClient) -> Self {
        Self { client }
    }

    /// Starts paying an account or invoice (`request.account_id`; an invoice id works too):
    /// `startPayment`, `POST /Pay`. Returns the Checkout 3.0 session (`purchaseId` and
    /// `jwt`) to mount the payment form in the customer's browser, or `None` when Avarda
    /// answers without a body (204 No Content): no session was returned, so there is no
    /// form to mount; ask [`Pay::status`] before starting again.
    ///
    /// Each call creates a new purchase session, so it is never retried once it may have
    /// reached Avarda (the spec's `x-retry: never`); after an error where
    /// [`Error::may_have_reached_server`] is true, ask [`Pay::status`] or the customer
    /// rather than repeating it blindly.
    pub async fn start(self, request: &PayRequest) -> Result<Option<PaySession>, Error> {
        validate::id("account_id", &request.account_id)?;
        if let Some(PayLanguage::Name(name)) = &request.language {
            validate::id("language", name)?;
        }
        let call = op::START_PAYMENT.call(&[])?.json_body(request)?;
        self.client.execute(call.expect_json_or_empty()).await
    }

    /// The state of a payment started with [`Pay::start`] (`getPaymentStatus`,
    /// `POST /Pay/Status`, a read that is retried). The state is read case-insensitively
    /// (`paid` and `Paid` are both [`PaymentState::Paid`]). `None` when Avarda answers
    /// without a body (204 No Content): no state is known yet, so ask again later.
    ///
    /// [`PaymentState::Paid`]: mypages_models::avarda::PaymentState::Paid
    pub async fn status(
        self,
        purchase_id: &str,
        account_id: &str,
    ) -> Result<Option<PayStatus>, Error> {
        validate::id("purchase_id", purchase_id)?;
        validate::id("account_id", account_id)?;
        let request = PayStatusRequest::new(purchase_id.to_owned(), account_id.to_owned());
        let call = op::GET_PAYMENT_STATUS.call(&[])?.json_body(&request)?;
        self.client.execute(call.expect_json_or_empty()).await
    }
}
