//! The machinery behind the `serde(with = ...)` modules of [`crate::decimal`], [`crate::date`]
//! and [`crate::date_time`]: one codec per wire form, lifted to `Option`, `Vec` and maps.

use std::marker::PhantomData;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How one value type is written to and read from JSON when its own serde form is not the
/// one the providers use.
pub(crate) trait Codec<T> {
    /// Writes `value`.
    fn encode<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error>;
    /// Reads a value.
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error>;
}

/// A borrowed value serialized through codec `C`.
pub(crate) struct Enc<'a, C, T>(&'a T, PhantomData<C>);

impl<'a, C, T> Enc<'a, C, T> {
    pub(crate) fn new(value: &'a T) -> Self {
        Self(value, PhantomData)
    }
}

impl<C: Codec<T>, T> Serialize for Enc<'_, C, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        C::encode(self.0, serializer)
    }
}

/// A value deserialized through codec `C`.
pub(crate) struct Dec<C, T>(T, PhantomData<C>);

impl<C, T> Dec<C, T> {
    pub(crate) fn into_inner(self) -> T {
        self.0
    }
}

impl<'de, C: Codec<T>, T> Deserialize<'de> for Dec<C, T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        C::decode(deserializer).map(|value| Self(value, PhantomData))
    }
}

/// Writes the `serialize`/`deserialize` functions for a codec and its `option`, `vec`,
/// `option_vec`, `map` and `option_map` lifts into the module where it is invoked.
macro_rules! codec_modules {
    ($codec:ty, $value:ty, $what:literal) => {
        #[doc = concat!("Serializes ", $what, ".")]
        pub fn serialize<S: ::serde::Serializer>(
            value: &$value,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            <$codec as $crate::codec::Codec<$value>>::encode(value, serializer)
        }

        #[doc = concat!("Deserializes ", $what, ".")]
        pub fn deserialize<'de, D: ::serde::Deserializer<'de>>(
            deserializer: D,
        ) -> Result<$value, D::Error> {
            <$codec as $crate::codec::Codec<$value>>::decode(deserializer)
        }

        #[doc = concat!("`serde(with)` functions for an `Option` of ", $what, "; `null` is `None`.")]
        pub mod option {
            use super::*;

            #[doc = concat!("Serializes an optional ", $what, ".")]
            pub fn serialize<S: ::serde::Serializer>(
                value: &Option<$value>,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                match value {
                    Some(value) => serializer
                        .serialize_some(&$crate::codec::Enc::<$codec, $value>::new(value)),
                    None => serializer.serialize_none(),
                }
            }

            #[doc = concat!("Deserializes an optional ", $what, ".")]
            pub fn deserialize<'de, D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Option<$value>, D::Error> {
                let value: Option<$crate::codec::Dec<$codec, $value>> =
                    ::serde::Deserialize::deserialize(deserializer)?;
                Ok(value.map($crate::codec::Dec::into_inner))
            }
        }

        #[doc = concat!("`serde(with)` functions for a `Vec` of ", $what, ".")]
        pub mod vec {
            use super::*;

            #[doc = concat!("Serializes a list of ", $what, ".")]
            pub fn serialize<S: ::serde::Serializer>(
                value: &[$value],
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(value.iter().map($crate::codec::Enc::<$codec, $value>::new))
            }

            #[doc = concat!("Deserializes a list of ", $what, ".")]
            pub fn deserialize<'de, D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Vec<$value>, D::Error> {
                let value: Vec<$crate::codec::Dec<$codec, $value>> =
                    ::serde::Deserialize::deserialize(deserializer)?;
                Ok(value.into_iter().map($crate::codec::Dec::into_inner).collect())
            }
        }

        #[doc = concat!("`serde(with)` functions for an optional `Vec` of ", $what, ".")]
        pub mod option_vec {
            use super::*;

            #[doc = concat!("Serializes an optional list of ", $what, ".")]
            pub fn serialize<S: ::serde::Serializer>(
                value: &Option<Vec<$value>>,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                match value {
                    Some(value) => serializer.serialize_some(&$crate::codec::Seq::<$codec, $value>::new(value)),
                    None => serializer.serialize_none(),
                }
            }

            #[doc = concat!("Deserializes an optional list of ", $what, ".")]
            pub fn deserialize<'de, D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Option<Vec<$value>>, D::Error> {
                let value: Option<Vec<$crate::codec::Dec<$codec, $value>>> =
                    ::serde::Deserialize::deserialize(deserializer)?;
                Ok(value.map(|value| value.into_iter().map($crate::codec::Dec::into_inner).collect()))
            }
        }

        #[doc = concat!("`serde(with)` functions for a map from names to ", $what, ".")]
        pub mod map {
            use super::*;

            #[doc = concat!("Serializes a map of ", $what, ".")]
            pub fn serialize<S: ::serde::Serializer>(
                value: &::std::collections::BTreeMap<String, $value>,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                serializer.collect_map(
                    value
                        .iter()
                        .map(|(key, value)| (key, $crate::codec::Enc::<$codec, $value>::new(value))),
                )
            }

            #[doc = concat!("Deserializes a map of ", $what, ".")]
            pub fn deserialize<'de, D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<::std::collections::BTreeMap<String, $value>, D::Error> {
                let value: ::std::collections::BTreeMap<String, $crate::codec::Dec<$codec, $value>> =
                    ::serde::Deserialize::deserialize(deserializer)?;
                Ok(value
                    .into_iter()
                    .map(|(key, value)| (key, value.into_inner()))
                    .collect())
            }
        }

        #[doc = concat!("`serde(with)` functions for an optional map from names to ", $what, ".")]
        pub mod option_map {
            use super::*;

            #[doc = concat!("Serializes an optional map of ", $what, ".")]
            pub fn serialize<S: ::serde::Serializer>(
                value: &Option<::std::collections::BTreeMap<String, $value>>,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                match value {
                    Some(value) => serializer.serialize_some(&$crate::codec::Map::<$codec, $value>::new(value)),
                    None => serializer.serialize_none(),
                }
            }

            #[doc = concat!("Deserializes an optional map of ", $what, ".")]
            pub fn deserialize<'de, D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Option<::std::collections::BTreeMap<String, $value>>, D::Error> {
                let value: Option<::std::collections::BTreeMap<String, $crate::codec::Dec<$codec, $value>>> =
                    ::serde::Deserialize::deserialize(deserializer)?;
                Ok(value.map(|value| {
                    value
                        .into_iter()
                        .map(|(key, value)| (key, value.into_inner()))
                        .collect()
                }))
            }
        }
    };
}

pub(crate) use codec_modules;

/// A borrowed list serialized element by element through codec `C`.
pub(crate) struct Seq<'a, C, T>(&'a [T], PhantomData<C>);

impl<'a, C, T> Seq<'a, C, T> {
    pub(crate) fn new(value: &'a [T]) -> Self {
        Self(value, PhantomData)
    }
}

impl<C: Codec<T>, T> Serialize for Seq<'_, C, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(Enc::<C, T>::new))
    }
}

/// A borrowed map serialized value by value through codec `C`.
pub(crate) struct Map<'a, C, T>(&'a std::collections::BTreeMap<String, T>, PhantomData<C>);

impl<'a, C, T> Map<'a, C, T> {
    pub(crate) fn new(value: &'a std::collections::BTreeMap<String, T>) -> Self {
        Self(value, PhantomData)
    }
}

impl<C: Codec<T>, T> Serialize for Map<'_, C, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(
            self.0
                .iter()
                .map(|(key, value)| (key, Enc::<C, T>::new(value))),
        )
    }
}
