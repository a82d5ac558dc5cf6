//! [`CustomerAddress`]: a customer's `address`, one address or addresses by purpose.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::{Address, Addresses};

/// A customer's `address`: one [`Address`], or [`Addresses`] by purpose (the documents name
/// `primary`, `billing`, `delivery` and `visit`; any other role is kept too). Both are JSON
/// objects; a non-empty object whose members are all objects is read as [`Addresses`] (the
/// members of one address are strings).
///
/// ```
/// use mypages_models::p4p::CustomerAddress;
///
/// let one: CustomerAddress = serde_json::from_str(r#"{"street": "Storgatan 1", "city": "Stockholm"}"#)?;
/// assert!(matches!(one, CustomerAddress::One(_)));
/// let many: CustomerAddress = serde_json::from_str(r#"{"primary": {"city": "Stockholm"}}"#)?;
/// assert!(matches!(many, CustomerAddress::ByPurpose(_)));
/// let other: CustomerAddress = serde_json::from_str(r#"{"invoice": {"city": "Malmö"}}"#)?;
/// let CustomerAddress::ByPurpose(roles) = other else { panic!("by purpose") };
/// assert_eq!(roles["invoice"].city.as_deref(), Some("Malmö"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[allow(clippy::large_enum_variant)] // Decoded data, matched by users: no boxes.
pub enum CustomerAddress {
    /// One address.
    One(Address),
    /// Addresses by purpose.
    ByPurpose(Addresses),
}

impl Serialize for CustomerAddress {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::One(address) => address.serialize(serializer),
            Self::ByPurpose(addresses) => addresses.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for CustomerAddress {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let object = Map::<String, Value>::deserialize(deserializer)?;
        let by_purpose = !object.is_empty() && object.values().all(Value::is_object);
        let value = Value::Object(object);
        if by_purpose {
            Addresses::deserialize(value)
                .map(Self::ByPurpose)
                .map_err(D::Error::custom)
        } else {
            Address::deserialize(value)
                .map(Self::One)
                .map_err(D::Error::custom)
        }
    }
}

impl From<Address> for CustomerAddress {
    fn from(address: Address) -> Self {
        Self::One(address)
    }
}

impl From<Addresses> for CustomerAddress {
    fn from(addresses: Addresses) -> Self {
        Self::ByPurpose(addresses)
    }
}
