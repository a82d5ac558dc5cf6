//! Following provider links, and lazy pagination as [`Stream`]s of pages and of items.

use std::collections::HashSet;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use http::Method;
use serde::de::DeserializeOwned;

use crate::base_url::BaseUrl;
use crate::client::Client;
use crate::endpoint::{Endpoint, Response};
use crate::error::Error;
use crate::token::BoxFuture;

/// A GET of a provider link, decoding the JSON answer into `T`.
///
/// Made with [`Client::link`]; the link is resolved against the base URL and its prefix.
pub struct Link<T> {
    operation: &'static str,
    path: String,
    output: PhantomData<fn() -> T>,
}

impl<T> Link<T> {
    pub(crate) fn new(
        base: &BaseUrl,
        operation: &'static str,
        href: &str,
    ) -> Result<Link<T>, Error> {
        Ok(Link {
            operation,
            path: base.resolve_link(href)?,
            output: PhantomData,
        })
    }
}

impl<T> Clone for Link<T> {
    fn clone(&self) -> Link<T> {
        Link {
            operation: self.operation,
            path: self.path.clone(),
            output: PhantomData,
        }
    }
}

impl<T> std::fmt::Debug for Link<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The path is not shown: its query may hold customer numbers.
        f.debug_struct("Link")
            .field("operation", &self.operation)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + Send + 'static> Endpoint for Link<T> {
    type Output = T;

    fn operation(&self) -> &'static str {
        self.operation
    }

    fn method(&self) -> Method {
        Method::GET
    }

    fn path(&self) -> Result<String, Error> {
        Ok(self.path.clone())
    }

    fn decode(&self, response: Response) -> Result<T, Error> {
        response.json()
    }
}

type NextFn<P> = Box<dyn FnMut(&P) -> Option<BoxFuture<'static, Result<P, Error>>> + Send>;

/// A lazy [`Stream`] of pages: the next page is requested only when the previous one has
/// been taken, and only one page is held at a time.
///
/// Made with [`Client::pages`] or [`Client::link_pages`]; turn it into a stream of items
/// with [`Pages::items`]. The stream ends after the first error. A page whose next
/// request (or link) repeats one already made ends the stream with an
/// [`ErrorKind::Decode`](crate::ErrorKind::Decode) error naming it, instead of looping.
pub struct Pages<P> {
    pending: Option<BoxFuture<'static, Result<P, Error>>>,
    next: NextFn<P>,
}

impl<P: Send + 'static> Pages<P> {
    /// Pages from a first page future and a function that starts the request for the page
    /// after a given one (or says there is none).
    pub fn new<F>(first: BoxFuture<'static, Result<P, Error>>, next: F) -> Pages<P>
    where
        F: FnMut(&P) -> Option<BoxFuture<'static, Result<P, Error>>> + Send + 'static,
    {
        Pages {
            pending: Some(first),
            next: Box::new(next),
        }
    }

    pub(crate) fn requests<E, F>(client: Client, first: E, mut next: F) -> Pages<P>
    where
        E: Endpoint<Output = P> + 'static,
        F: FnMut(&P) -> Option<E> + Send + 'static,
    {
        let operation = first.operation();
        let mut seen = Seen::new(&first);
        let first_client = client.clone();
        Pages::new(
            Box::pin(async move { first_client.execute(&first).await }),
            move |page| {
                let request = next(page)?;
                if let Some(repeated) = seen.repeat(&request) {
                    return Some(repeated_page(operation, &repeated));
                }
                let client = client.clone();
                Some(Box::pin(async move { client.execute(&request).await }))
            },
        )
    }

    pub(crate) fn links<E, F>(client: Client, first: E, mut next_link: F) -> Pages<P>
    where
        E: Endpoint<Output = P> + 'static,
        P: DeserializeOwned,
        F: FnMut(&P) -> Option<String> + Send + 'static,
    {
        let operation = first.operation();
        let mut seen = Seen::new(&first);
        let first_client = client.clone();
        Pages::new(
            Box::pin(async move { first_client.execute(&first).await }),
            move |page| {
                let href = next_link(page)?;
                // The link is part of the answer: one that cannot be followed is an answer
                // that does not decode, not a bad argument of the caller's.
                let link = match client.link::<P>(operation, &href) {
                    Ok(link) => link,
                    Err(error) => {
                        let error = Error::decode(
                            operation,
                            "next".to_owned(),
                            format!("the next-page link cannot be followed: {error}"),
                            http::StatusCode::OK,
                            Some(bytes::Bytes::from(href)),
                        );
                        return Some(Box::pin(async move { Err(error) }));
                    }
                };
                if let Some(repeated) = seen.repeat(&link) {
                    return Some(repeated_page(operation, &repeated));
                }
                let client = client.clone();
                Some(Box::pin(async move { client.execute(&link).await }))
            },
        )
    }

    /// A stream of the items of every page: `items_of` takes a page apart.
    pub fn items<T, I, F>(self, items_of: F) -> Items<P, T>
    where
        I: IntoIterator<Item = T>,
        I::IntoIter: Send + 'static,
        F: FnMut(P) -> I + Send + 'static,
    {
        let mut items_of = items_of;
        Items {
            pages: self,
            current: None,
            items_of: Box::new(move |page| Box::new(items_of(page).into_iter())),
        }
    }
}

impl<P> Stream for Pages<P> {
    type Item = Result<P, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let Some(pending) = this.pending.as_mut() else {
            return Poll::Ready(None);
        };
        match pending.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(page)) => {
                this.pending = (this.next)(&page);
                Poll::Ready(Some(Ok(page)))
            }
            Poll::Ready(Err(error)) => {
                this.pending = None;
                Poll::Ready(Some(Err(error)))
            }
        }
    }
}

impl<P> std::fmt::Debug for Pages<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("finished", &self.pending.is_none())
            .finish_non_exhaustive()
    }
}

/// The requests a paging stream has made (path and query), so a provider whose links
/// cycle ends the stream instead of being asked for ever.
struct Seen(HashSet<String>);

impl Seen {
    fn new<E: Endpoint + ?Sized>(first: &E) -> Seen {
        Seen(Client::target_of(first).into_iter().collect())
    }

    /// The target of `request` if it was requested before (an endpoint whose target does
    /// not build fails when it is executed instead).
    fn repeat<E: Endpoint + ?Sized>(&mut self, request: &E) -> Option<String> {
        let target = Client::target_of(request).ok()?;
        (!self.0.insert(target.clone())).then_some(target)
    }
}

fn repeated_page<P: Send + 'static>(
    operation: &'static str,
    target: &str,
) -> BoxFuture<'static, Result<P, Error>> {
    let error = Error::repeated_page(operation, target);
    Box::pin(async move { Err(error) })
}

type ItemIter<T> = Box<dyn Iterator<Item = T> + Send>;

/// A lazy [`Stream`] of the items of [`Pages`]; holds one page's items at a time.
pub struct Items<P, T> {
    pages: Pages<P>,
    current: Option<ItemIter<T>>,
    items_of: Box<dyn FnMut(P) -> ItemIter<T> + Send>,
}

impl<P, T> Items<P, T> {
    /// Every item, collected, up to `max_items`: a list with more ends with an
    /// [`ErrorKind::BodyTooLarge`](crate::ErrorKind::BodyTooLarge) error (read it as a
    /// stream instead), so a provider that pages for ever cannot exhaust memory.
    pub async fn all(mut self, max_items: usize) -> Result<Vec<T>, Error> {
        let mut all = Vec::new();
        while let Some(item) = std::future::poll_fn(|cx| Pin::new(&mut self).poll_next(cx)).await {
            if all.len() == max_items {
                return Err(Error::too_many_items(max_items));
            }
            all.push(item?);
        }
        Ok(all)
    }
}

impl<P, T> Stream for Items<P, T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.current.as_mut().and_then(Iterator::next) {
                return Poll::Ready(Some(Ok(item)));
            }
            this.current = None;
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Some(Ok(page))) => this.current = Some((this.items_of)(page)),
            }
        }
    }
}

impl<P, T> std::fmt::Debug for Items<P, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .finish_non_exhaustive()
    }
}
