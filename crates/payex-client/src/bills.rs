//! The bills resource: list, get, and the bill's PDF document.

use bytes::Bytes;
use futures_core::Stream;
use mypages_models::payex::{Bill, BillList, BillStatus};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::client::{AccountScope, PayexClient};
use crate::endpoint::{Document, Fetch};
use crate::error::Error;
use crate::list::List;
use crate::validate;

/// The bills of one account; from [`PayexClient::bills`].
#[derive(Debug)]
pub struct Bills {
    client: PayexClient,
    account: AccountScope,
}

impl Bills {
    pub(crate) fn new(client: PayexClient, account: AccountScope) -> Self {
        Self { client, account }
    }

    fn path(&self, rest: &str) -> Result<String, Error> {
        self.account.path(&self.client, rest)
    }

    /// Every bill and reminder of the account.
    pub fn list(&self) -> List<BillList> {
        List::new(
            self.client.clone(),
            self.path("/bills")
                .map(|path| Fetch::new("list_bills", path)),
        )
    }

    /// The bills and reminders of the account that are `status` (open or closed): the
    /// document's `?status=` filter.
    pub fn list_by_status(&self, status: BillStatus) -> List<BillList> {
        let query = vec![("status", status.as_str().to_owned())];
        List::new(
            self.client.clone(),
            self.path("/bills")
                .map(|path| Fetch::new("list_bills", path).with_query(query)),
        )
    }

    /// The bill `bill_id` (e.g. `reminder-123`).
    pub async fn get(&self, bill_id: &str) -> Result<Bill, Error> {
        let path = self.path(&format!(
            "/bills/{}",
            validate::segment("bill_id", bill_id)?
        ))?;
        Ok(self
            .client
            .transport()
            .execute(&Fetch::<Bill>::new("get_bill", path))
            .await?)
    }

    /// The PDF document of the bill `bill_id`, to download.
    pub fn document(&self, bill_id: &str) -> BillDocument {
        let path = validate::segment("bill_id", bill_id)
            .and_then(|bill| self.path(&format!("/bills/{bill}/document")));
        BillDocument::new(self.client.clone(), path)
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
    path: Result<String, Error>,
}

impl BillDocument {
    pub(crate) fn new(client: PayexClient, path: Result<String, Error>) -> Self {
        Self { client, path }
    }

    /// Writes the PDF into `writer` (a file, a buffer, any `AsyncWrite`) and flushes it;
    /// returns the number of bytes written.
    pub async fn download_to<W>(self, writer: &mut W) -> Result<u64, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let mut stream = self.stream().await?;
        let mut written = 0u64;
        while let Some(chunk) =
            std::future::poll_fn(|cx| std::pin::Pin::new(&mut stream).poll_next(cx)).await
        {
            let chunk = chunk?;
            writer.write_all(&chunk).await.map_err(Error::write)?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(Error::write)?;
        Ok(written)
    }

    /// Starts the download: the response has arrived, its body is a stream of byte chunks.
    pub async fn stream(self) -> Result<DocumentStream, Error> {
        let path = self.path?;
        let download = self
            .client
            .transport()
            .download(&Document::new(path))
            .await?;
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
            .map(|next| next.map(|chunk| chunk.map_err(Error::from)))
    }
}
