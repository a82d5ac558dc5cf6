//! Paying an account or invoice through Checkout 3.0: [`Pay::start`] and [`Pay::status`].

use http::Method;
use mypages_models::avarda::{PayLanguage, PayRequest, PaySession, PayStatus, PayStatusRequest};
use mypages_transport::{Endpoint, RequestBody, Response};

use crate::client::AvardaClient;
use crate::error::Error;
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
    /// `POST /Pay`. Returns the Checkout 3.0 session (`purchaseId` and `jwt`) to mount the
    /// payment form in the customer's browser.
    ///
    /// Each call creates a new purchase session, so it is never retried once it may have
    /// reached Avarda; after an error where [`Error::may_have_reached_server`] is true, ask
    /// the customer to try again rather than repeating it blindly.
    pub async fn start(self, request: &PayRequest) -> Result<PaySession, Error> {
        validate::id("account_id", &request.account_id)?;
        if let Some(PayLanguage::Name(name)) = &request.language {
            validate::id("language", name)?;
        }
        let endpoint = StartPayment { request };
        Ok(self.client.api().execute(&endpoint).await?)
    }

    /// The state of a payment started with [`Pay::start`]: `POST /Pay/Status`. The state is
    /// read case-insensitively (`paid` and `Paid` are both [`PaymentState::Paid`]).
    ///
    /// [`PaymentState::Paid`]: mypages_models::avarda::PaymentState::Paid
    pub async fn status(self, purchase_id: &str, account_id: &str) -> Result<PayStatus, Error> {
        validate::id("purchase_id", purchase_id)?;
        validate::id("account_id", account_id)?;
        let request = PayStatusRequest::new(purchase_id.to_owned(), account_id.to_owned());
        let endpoint = PaymentStatus { request: &request };
        Ok(self.client.api().execute(&endpoint).await?)
    }
}

/// `POST /Pay`.
struct StartPayment<'a> {
    request: &'a PayRequest,
}

impl Endpoint for StartPayment<'_> {
    type Output = PaySession;

    fn operation(&self) -> &'static str {
        "start_payment"
    }

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Result<String, mypages_transport::Error> {
        Ok("/Pay".to_owned())
    }

    fn body(&self) -> Result<Option<RequestBody>, mypages_transport::Error> {
        RequestBody::json(self.request).map(Some)
    }

    /// A new purchase session per call: never repeated once it may have been sent.
    fn idempotent(&self) -> bool {
        false
    }

    fn decode(&self, response: Response) -> Result<PaySession, mypages_transport::Error> {
        response.json()
    }
}

/// `POST /Pay/Status`.
struct PaymentStatus<'a> {
    request: &'a PayStatusRequest,
}

impl Endpoint for PaymentStatus<'_> {
    type Output = PayStatus;

    fn operation(&self) -> &'static str {
        "get_payment_status"
    }

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Result<String, mypages_transport::Error> {
        Ok("/Pay/Status".to_owned())
    }

    fn body(&self) -> Result<Option<RequestBody>, mypages_transport::Error> {
        RequestBody::json(self.request).map(Some)
    }

    /// A read: safe to repeat.
    fn idempotent(&self) -> bool {
        true
    }

    fn decode(&self, response: Response) -> Result<PayStatus, mypages_transport::Error> {
        response.json()
    }
}
