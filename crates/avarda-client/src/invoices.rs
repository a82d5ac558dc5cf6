//! The customer's invoices: [`Invoices::list`] and [`Invoices::get`].

use mypages_models::avarda::{InvoiceDetails, InvoiceSummary};

use crate::client::AvardaClient;
use crate::customer::Customer;
use crate::error::Error;
use crate::operations as op;
use crate::validate;

/// The invoices of a customer; from [`AvardaClient::invoices`].
#[derive(Debug, Clone, Copy)]
pub struct Invoices<'a> {
    client: &'a AvardaClient,
}

impl<'a> Invoices<'a> {
    pub(crate) fn new(client: &'a AvardaClient) -> Self {
        Self { client }
    }

    /// Every invoice of the customer who made `purchase_id` (any of their purchases), as
    /// summaries (`listInvoices`, `GET /Invoices?purchaseId=`). Avarda does not page this
    /// list; an answer without a body (204 No Content) is an empty list.
    ///
    /// Invoices need no strong authentication; the customer's return URL is not sent.
    pub async fn list(
        self,
        customer: &Customer,
        purchase_id: &str,
    ) -> Result<Vec<InvoiceSummary>, Error> {
        validate::id("purchase_id", purchase_id)?;
        let call = op::LIST_INVOICES
            .call(&[])?
            .query_param("purchaseId", purchase_id);
        let call = customer.add_headers(call, false)?;
        let invoices = self.client.execute(call.expect_json_or_empty()).await?;
        Ok(invoices.unwrap_or_default())
    }

    /// One invoice in detail (`getInvoice`, `GET /Invoices/{invoiceId}?purchaseId=`).
    pub async fn get(
        self,
        customer: &Customer,
        purchase_id: &str,
        invoice_id: &str,
    ) -> Result<InvoiceDetails, Error> {
        validate::id("purchase_id", purchase_id)?;
        validate::id("invoice_id", invoice_id)?;
        let call = op::GET_INVOICE
            .call(&[invoice_id])?
            .query_param("purchaseId", purchase_id);
        let call = customer.add_headers(call, false)?;
        self.client.execute(call.expect_json()).await
    }
}
