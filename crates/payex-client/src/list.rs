//! Lists: [`List`] with lazy [`Pages`] and [`Items`] streams that follow PayEx's paging links.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use mypages_models::payex::{
    Account, AccountList, ActivePaymentOrder, ActivePaymentOrderList, Bill, BillList, Card,
    CardList, Reservation, ReservationList, Transaction, TransactionList,
};
use serde::de::DeserializeOwned;

use crate::client::PayexClient;
use crate::error::{self, Error};
use mypages_transport::Call;

mod sealed {
    pub trait Sealed {}
}

/// One page of a PayEx list: its items and the link to the next page.
///
/// Implemented for the list types of [`mypages_models::payex`]; it cannot be implemented
/// outside this crate.
pub trait Page: sealed::Sealed + DeserializeOwned + Send + 'static {
    /// What the page lists.
    type Item: Send + 'static;

    /// The root-relative link to the next page, if there is one.
    fn next_page(&self) -> Option<String>;

    /// The items of the page.
    fn into_items(self) -> Vec<Self::Item>;
}

macro_rules! page {
    ($($list:ident => $item:ident),* $(,)?) => {$(
        impl sealed::Sealed for $list {}
        impl Page for $list {
            type Item = $item;
            fn next_page(&self) -> Option<String> {
                self.next_link().map(str::to_owned)
            }
            fn into_items(self) -> Vec<$item> {
                self.items
            }
        }
    )*};
}

page!(
    AccountList => Account,
    BillList => Bill,
    CardList => Card,
    TransactionList => Transaction,
    ReservationList => Reservation,
    ActivePaymentOrderList => ActivePaymentOrder,
);

/// The most items [`List::all`] collects (100 000): a provider that pages for ever cannot
/// exhaust memory.
pub const MAX_ALL_ITEMS: usize = 100_000;

/// A list request: read it page by page ([`List::pages`]), item by item ([`List::items`]),
/// or all at once ([`List::all`]). Later pages are fetched by following the page's
/// `view.next` / `navigation.next` link, resolved against the configured base URL (its path
/// prefix kept), only when the previous page has been consumed.
///
/// An argument that failed validation surfaces as the first (and only) element of the
/// stream, before anything is sent. A page whose `next` link repeats the previous page's
/// ends the list (instead of asking for the same page for ever).
#[must_use = "a list does nothing until its pages or items are read"]
pub struct List<P> {
    client: PayexClient,
    first: Result<Call<P>, Error>,
}

impl<P> std::fmt::Debug for List<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("List")
            .field("valid", &self.first.is_ok())
            .finish_non_exhaustive()
    }
}

impl<P: Page> List<P> {
    pub(crate) fn new(client: PayexClient, first: Result<Call<P>, Error>) -> Self {
        Self { client, first }
    }

    /// The pages, lazily, as a stream; it ends after the last page or the first error.
    pub fn pages(self) -> Pages<P> {
        let state = match self.first {
            Ok(first) => PagesState::Running(
                self.client
                    .transport()
                    .link_pages(first, |page: &P| page.next_page()),
            ),
            Err(error) => PagesState::Failed(Some(error)),
        };
        Pages { state }
    }

    /// The items of every page, lazily, as a stream; one page is held at a time.
    pub fn items(self) -> Items<P> {
        let state = match self.first {
            Ok(first) => ItemsState::Running(
                self.client
                    .transport()
                    .link_pages(first, next_link())
                    .items(P::into_items),
            ),
            Err(error) => ItemsState::Failed(Some(error)),
        };
        Items { state }
    }

    /// Every item of every page, collected: at most [`MAX_ALL_ITEMS`]; a longer list is an
    /// error (read it with [`List::items`] instead).
    pub async fn all(self) -> Result<Vec<P::Item>, Error> {
        let first = self.first?;
        let items = self
            .client
            .transport()
            .link_pages(first, next_link())
            .items(P::into_items);
        items.all(MAX_ALL_ITEMS).await
    }

    /// Only the first page.
    pub async fn first_page(self) -> Result<P, Error> {
        self.client.execute(self.first?).await
    }
}

/// The next-page link of each page, except a link that repeats the previous one: a server
/// that keeps answering with the same `next` would otherwise be asked for ever.
fn next_link<P: Page>() -> impl FnMut(&P) -> Option<String> + Send + 'static {
    let mut previous: Option<String> = None;
    move |page: &P| {
        let next = page.next_page()?;
        if previous.as_deref() == Some(next.as_str()) {
            return None;
        }
        previous = Some(next.clone());
        Some(next)
    }
}

enum PagesState<P> {
    Failed(Option<Error>),
    Running(mypages_transport::Pages<P>),
}

/// A lazy stream of the pages of a [`List`].
pub struct Pages<P> {
    state: PagesState<P>,
}

impl<P> std::fmt::Debug for Pages<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages").finish_non_exhaustive()
    }
}

impl<P: Page> Stream for Pages<P> {
    type Item = Result<P, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match &mut self.get_mut().state {
            PagesState::Failed(error) => Poll::Ready(error.take().map(Err)),
            PagesState::Running(pages) => Pin::new(pages)
                .poll_next(cx)
                .map(|next| next.map(|page| page.map_err(error::refine))),
        }
    }
}

enum ItemsState<P: Page> {
    Failed(Option<Error>),
    Running(mypages_transport::Items<P, P::Item>),
}

/// A lazy stream of the items of every page of a [`List`].
pub struct Items<P: Page> {
    state: ItemsState<P>,
}

impl<P: Page> std::fmt::Debug for Items<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items").finish_non_exhaustive()
    }
}

impl<P: Page> Stream for Items<P> {
    type Item = Result<P::Item, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match &mut self.get_mut().state {
            ItemsState::Failed(error) => Poll::Ready(error.take().map(Err)),
            ItemsState::Running(items) => Pin::new(items)
                .poll_next(cx)
                .map(|next| next.map(|item| item.map_err(error::refine))),
        }
    }
}
