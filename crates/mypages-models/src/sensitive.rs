//! [`Sensitive`]: a value that must never reach a log.

use std::cell::Cell;
use std::fmt;

use serde::de::{EnumAccess, Error as _, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// A secret or personal value (a token, a card token, a national identity number) that must
/// never reach a log, a `Debug` print or an error message.
///
/// `Debug` prints `[redacted]` and there is no `Display`; the value serializes as it is, since
/// the provider needs it. Read it with [`Sensitive::expose`], deliberately. A value of the
/// wrong type or an invalid value fails to decode with an error that does not quote it (serde's
/// own message would, for a number); other errors (a missing field, a syntax error of the
/// document) are passed on unchanged, since they never contain the value.
///
/// ```
/// use mypages_models::Sensitive;
///
/// let token = Sensitive::new(String::from("eyJhbGciOi"));
/// assert_eq!(format!("{token:?}"), "[redacted]");
/// assert_eq!(token.expose(), "eyJhbGciOi");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct Sensitive<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sensitive<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let reached = Cell::new(false);
        T::deserialize(Guarded {
            inner: deserializer,
            reached: &reached,
        })
        .map(Self)
        .map_err(|error| {
            if reached.get() {
                D::Error::custom(
                    "a sensitive value (token, key or identity number) is not of the documented type; its content is not shown",
                )
            } else {
                error
            }
        })
    }
}

/// A deserializer that notes in `reached` whether the value itself was looked at: its
/// visitor was given the value (`visit_*`), or asked what it expects, which is what
/// `invalid_type` and `invalid_value` errors (the ones that quote the value) do. An error
/// raised without either (a missing field, a syntax error of the document) does not
/// contain the value and is passed on as it is.
struct Guarded<'a, D> {
    inner: D,
    reached: &'a Cell<bool>,
}

/// The visitor of a [`Guarded`] deserializer.
struct GuardedVisitor<'a, V> {
    inner: V,
    reached: &'a Cell<bool>,
}

impl<'a, V> GuardedVisitor<'a, V> {
    fn reach(self) -> V {
        self.reached.set(true);
        self.inner
    }
}

macro_rules! forward_deserialize {
    ($($method:ident($($argument:ident: $type:ty),*);)*) => {
        $(
            fn $method<V: Visitor<'de>>(
                self,
                $($argument: $type,)*
                visitor: V,
            ) -> Result<V::Value, D::Error> {
                self.inner.$method($($argument,)* GuardedVisitor {
                    inner: visitor,
                    reached: self.reached,
                })
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Guarded<'_, D> {
    type Error = D::Error;

    forward_deserialize! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
        deserialize_ignored_any();
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

macro_rules! forward_visit {
    ($($method:ident($($value:ident: $type:ty)?);)*) => {
        $(
            fn $method<E: serde::de::Error>(self, $($value: $type)?) -> Result<V::Value, E> {
                self.reach().$method($($value)?)
            }
        )*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for GuardedVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.reached.set(true);
        self.inner.expecting(formatter)
    }

    forward_visit! {
        visit_bool(value: bool);
        visit_i8(value: i8);
        visit_i16(value: i16);
        visit_i32(value: i32);
        visit_i64(value: i64);
        visit_i128(value: i128);
        visit_u8(value: u8);
        visit_u16(value: u16);
        visit_u32(value: u32);
        visit_u64(value: u64);
        visit_u128(value: u128);
        visit_f32(value: f32);
        visit_f64(value: f64);
        visit_char(value: char);
        visit_str(value: &str);
        visit_borrowed_str(value: &'de str);
        visit_string(value: String);
        visit_bytes(value: &[u8]);
        visit_borrowed_bytes(value: &'de [u8]);
        visit_byte_buf(value: Vec<u8>);
        visit_none();
        visit_unit();
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.reach().visit_some(deserializer)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        self.reach().visit_newtype_struct(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.reach().visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.reach().visit_map(map)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.reach().visit_enum(data)
    }
}

impl<T> Sensitive<T> {
    /// Wraps a sensitive value.
    pub const fn new(value: T) -> Self {
        Self(value)
    }

    /// The value itself. Do not log it.
    pub const fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the value. Do not log it.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Sensitive<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}
