//! The cards resource: list, get, add, add a replacement, partial update.

use mypages_models::payex::{Card, CardList, CardRegistration, CardUpdate};

use crate::client::PayexClient;
use crate::error::Error;
use crate::list::List;
use crate::operations as op;
use crate::validate;

/// The cards of one account; from [`PayexClient::cards`].
///
/// Card tokens identify cards in the route; they are secrets and never reach `Debug` or an
/// error message of this crate.
#[derive(Debug, Clone)]
pub struct Cards<'a> {
    client: &'a PayexClient,
    account_no: String,
}

impl<'a> Cards<'a> {
    pub(crate) fn new(client: &'a PayexClient, account_no: &str) -> Self {
        Self {
            client,
            account_no: account_no.to_owned(),
        }
    }

    /// Every card of the account (`listCards`).
    pub fn list(&self) -> List<CardList> {
        let first = self
            .client
            .account_call(&op::LIST_CARDS, &self.account_no, &[])
            .map(|call| call.expect_json());
        List::new(self.client.clone(), first)
    }

    /// The card with token `token` (`getCard`).
    pub async fn get(&self, token: &str) -> Result<Card, Error> {
        validate::route_identifier("card_token", token)?;
        let call = self
            .client
            .account_call(&op::GET_CARD, &self.account_no, &[token])?;
        self.client.execute(call.expect_json()).await
    }

    /// Adds a card to the account (`addCard`). A token the account already has is answered
    /// with the `duplicate-card-token` problem. Never retried once it may have reached PayEx.
    pub async fn add(&self, card: &CardRegistration) -> Result<(), Error> {
        check_registration(card)?;
        let call = self
            .client
            .account_call(&op::ADD_CARD, &self.account_no, &[])?
            .json_body(card)?;
        self.client.execute(call.expect_empty()).await
    }

    /// Puts `card` in place of the card with token `replaced_token`
    /// (`addReplacementCard`). Never retried once it may have reached PayEx.
    pub async fn add_replacement(
        &self,
        replaced_token: &str,
        card: &CardRegistration,
    ) -> Result<(), Error> {
        validate::route_identifier("card_token", replaced_token)?;
        check_registration(card)?;
        let call = self
            .client
            .account_call(
                &op::ADD_REPLACEMENT_CARD,
                &self.account_no,
                &[replaced_token],
            )?
            .json_body(card)?;
        self.client.execute(call.expect_empty()).await
    }

    /// Partially updates the card with token `token` (`updateCard`; only the fields that are
    /// set).
    pub async fn update(&self, token: &str, update: &CardUpdate) -> Result<(), Error> {
        validate::route_identifier("card_token", token)?;
        if update.deleted.is_none() && update.main_card.is_none() && update.card_holder.is_none() {
            return Err(Error::invalid_argument(
                "update",
                "sets nothing; set deleted, main_card and/or card_holder",
            ));
        }
        let call = self
            .client
            .account_call(&op::UPDATE_CARD, &self.account_no, &[token])?
            .json_body(update)?;
        self.client.execute(call.expect_empty()).await
    }
}

/// The card's token identifies it in the route later, so it is checked as a route id.
fn check_registration(card: &CardRegistration) -> Result<(), Error> {
    validate::route_identifier("card.token", card.token.expose())
}
