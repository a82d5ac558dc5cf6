//! [`Currency`]: ISO 4217 currency codes as the providers send them.

use crate::open_enum::open_enum;

open_enum! {
    /// An ISO 4217 currency code. Decoding is case-insensitive (PayEx sends `sek`); output is
    /// the upper-case code. Codes not listed here are kept as `Unknown` and written back as
    /// received.
    ///
    /// ```
    /// use mypages_models::Currency;
    ///
    /// let currency: Currency = serde_json::from_str(r#""sek""#)?;
    /// assert_eq!(currency, Currency::Sek);
    /// assert_eq!(currency.to_string(), "SEK");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub enum Currency {
        /// Swedish krona.
        Sek = "SEK",
        /// Norwegian krone.
        Nok = "NOK",
        /// Danish krone.
        Dkk = "DKK",
        /// Euro.
        Eur = "EUR",
        /// Icelandic króna.
        Isk = "ISK",
        /// Polish złoty.
        Pln = "PLN",
        /// Czech koruna.
        Czk = "CZK",
        /// Swiss franc.
        Chf = "CHF",
        /// Pound sterling.
        Gbp = "GBP",
        /// United States dollar.
        Usd = "USD",
    }
}
