//! The bills resource: list, get, and the bill's PDF document.

use bytes::Bytes;
use futures_core::Stream;
use mypages_models::payex::{Bill, BillList, BillStatus};
use mypages_transport::Call;
use mypages_transport::reexports::http::header::{ACCEPT, HeaderValue};
use tokio::io::AsyncWrite;

use crate::client::PayexClient;
use crate::error::{self, Error};
use crate::list::List;
use crate::operations as op;
use crate::validate;

/// The bills of one account; from [`PayexClient::bills`].
#[derive(Debug, Clone)]
pub struct Bills<'a> {
    client: &'a PayexClient,
    account_no: String,
}

impl<'a> Bills<'a> {
    pub(crate) fn new(client: &'a PayexClient, account_no: &str) -> Self {
        Self {
            client,
            account_no: account_no.to_owned(),
        }
    }

    /// Every bill and reminder of the account (`listBills`).
    pub fn list(&self) -> List<BillList> {
        let first = self
            .client
            .account_call(&op::LIST_BILLS, &self.account_no, &[])
            .map(|call| call.expect_json());
        List::new(self.client.clone(), first)
    }

    /// The bills and reminders of the account that are `status` (open or closed): the
    /// document's `?status=` filter (`listBills`).
    pub fn list_by_status(&self, status: BillStatus) -> List<BillList> {
        let first = self
            .client
            .account_call(&op::LIST_BILLS, &self.account_no, &[])
            .map(|call| {
                call.query_param("status", status.as_str().to_owned())
                    .expect_json()
            });
        List::new(self.client.clone(), first)
    }

    /// The bill `bill_id` (e.g. `reminder-123`; `getBill`).
    pub async fn get(&self, bill_id: &str) -> Result<Bill, Error> {
        validate::route_identifier("bill_id", bill_id)?;
        let call = self
            .client
            .account_call(&op::GET_BILL, &self.account_no, &[bill_id])?;
        self.client.execute(call.expect_json()).await
    }

    /// The PDF document of the bill `bill_id`, to download (`getBillDocument`).
    pub fn document(&self, bill_id: &str) -> BillDocument {
        let call = validate::route_identifier("bill_id", bill_id).and_then(|()| {
            self.client
                .account_call(&op::GET_BILL_DOCUMENT, &self.account_no, &[bill_id])
        });
        BillDocument::new(self.client.clone(), call)
    }
}

/// A bill's PDF document; from [`Bills::document`] or [`PayexClient::follow_document`].
///
/// Nothing is sent until [`BillDocument::download_to`] or [`BillDocument::stream`] is
/// called. The document streams: it is never held in memory as a whole.
#[derive(Debug)]
#[must_use = "a document does nothing until it is downloaded"]
pub struct BillDocument {
    client: PayexClient,
    call: Result<Call<()>, Error>,
}

impl BillDocument {
    pub(crate) fn new(client: PayexClient, call: Result<Call<()>, Error>) -> Self {
        Self { client, call }
    }

    /// Writes the PDF into `writer` (a file, a buffer, any `AsyncWrite`) and flushes it;
    /// returns the number of bytes written.
    pub async fn download_to<W>(self, writer: &mut W) -> Result<u64, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        self.stream().await?.download.download_to(writer).await
    }

    /// Starts the download: the response has arrived, its body is a stream of byte chunks.
    pub async fn stream(self) -> Result<DocumentStream, Error> {
        let call = self
            .call?
            .header(ACCEPT, HeaderValue::from_static("application/pdf"));
        let download = self
            .client
            .transport()
            .download(&call)
            .await
            .map_err(error::refine)?;
        Ok(DocumentStream { download })
    }
}

/// The body of a bill document as a stream of byte chunks; from [`BillDocument::stream`].
#[derive(Debug)]
pub struct DocumentStream {
    download: mypages_transport::Download,
}

impl DocumentStream {
    /// The content type PayEx sent, normally `application/pdf`.
    pub fn content_type(&self) -> Option<&str> {
        self.download.content_type()
    }

    /// The size PayEx announced, if it did.
    pub fn content_length(&self) -> Option<u64> {
        self.download.content_length()
    }
}

impl Stream for DocumentStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        std::pin::Pin::new(&mut self.get_mut().download)
            .poll_next(cx)
            .map(|next| next.map(|chunk| chunk.map_err(error::refine)))
    }
}
