//! The cards resource: list, get, add, add a replacement, partial update.

use http::Method;
use mypages_models::payex::{Card, CardList, CardRegistration, CardUpdate};
use mypages_transport::RequestBody;

use crate::client::{AccountScope, PayexClient};
use crate::endpoint::{Fetch, Write};
use crate::error::Error;
use crate::list::List;
use crate::validate;

/// The cards of one account; from [`PayexClient::cards`].
///
/// Card tokens identify cards in the route; they are secrets and never reach `Debug` or an
/// error message of this crate.
#[derive(Debug)]
pub struct Cards {
    client: PayexClient,
    account: AccountScope,
}

impl Cards {
    pub(crate) fn new(client: PayexClient, account: AccountScope) -> Self {
        Self { client, account }
    }

    fn card_path(&self, token: &str, rest: &str) -> Result<String, Error> {
        let token = validate::segment("card_token", token)?;
        self.account
            .path(&self.client, &format!("/cards/{token}{rest}"))
    }

    /// Every card of the account.
    pub fn list(&self) -> List<CardList> {
        let first = self
            .account
            .path(&self.client, "/cards")
            .map(|path| Fetch::new("list_cards", path));
        List::new(self.client.clone(), first)
    }

    /// The card with token `token`.
    pub async fn get(&self, token: &str) -> Result<Card, Error> {
        let path = self.card_path(token, "")?;
        Ok(self
            .client
            .transport()
            .execute(&Fetch::<Card>::new("get_card", path))
            .await?)
    }

    /// Adds a card to the account. A token the account already has is answered with the
    /// `duplicate-card-token` problem.
    pub async fn add(&self, card: &CardRegistration) -> Result<(), Error> {
        let path = self.account.path(&self.client, "/cards")?;
        check_registration(card)?;
        let write = Write::<()>::new(
            "add_card",
            Method::POST,
            path,
            Some(RequestBody::json(card)?),
        );
        Ok(self.client.transport().execute(&write).await?)
    }

    /// Puts `card` in place of the card with token `replaced_token`.
    pub async fn add_replacement(
        &self,
        replaced_token: &str,
        card: &CardRegistration,
    ) -> Result<(), Error> {
        let path = self.card_path(replaced_token, "/add-replacement-card")?;
        check_registration(card)?;
        let write = Write::<()>::new(
            "add_replacement_card",
            Method::POST,
            path,
            Some(RequestBody::json(card)?),
        );
        Ok(self.client.transport().execute(&write).await?)
    }

    /// Partially updates the card with token `token` (only the fields that are set).
    pub async fn update(&self, token: &str, update: &CardUpdate) -> Result<(), Error> {
        let path = self.card_path(token, "")?;
        if update.deleted.is_none() && update.main_card.is_none() && update.card_holder.is_none() {
            return Err(Error::invalid(
                "update",
                "sets nothing; set deleted, main_card and/or card_holder",
            ));
        }
        let write = Write::<()>::new(
            "update_card",
            Method::PATCH,
            path,
            Some(RequestBody::json(update)?),
        )
        .idempotent();
        Ok(self.client.transport().execute(&write).await?)
    }
}

/// The card's token identifies it in the route later, so it is checked as a route id.
fn check_registration(card: &CardRegistration) -> Result<(), Error> {
    validate::route_identifier("card.token", card.token.expose())
}
