//! The `open_enum!` macro: forward-compatible string enums.
//!
//! Every enum of the providers' APIs is open: a value this crate does not know decodes to
//! `Unknown(String)` and is written back exactly as received, so a provider adding a value
//! breaks nothing. Known values are matched case-insensitively (`sek` is `SEK`), and each
//! variant may list aliases (`organization` for `organisation`).
//!
//! ```text
//! open_enum! {
//!     /// Who the customer is.
//!     pub enum LegalEntity {
//!         /// A person.
//!         Consumer = "consumer",
//!         /// A company.
//!         Business = "business" | "organisation" | "organization",
//!     }
//! }
//! ```

/// Declares an open enum: the listed variants (wire value first, then aliases), an
/// `Unknown(String)` variant, `as_str`, `Display`, `FromStr`, `From<&str>`, `From<String>` and
/// serde impls. See the module documentation.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident = $wire:literal $(| $alias:literal)*
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $(
                $(#[$variant_meta])*
                $variant,
            )+
            /// A value this version of the crate does not know, kept exactly as received and
            /// written back verbatim. Do not construct it for a known value: use `from_wire`.
            Unknown(String),
        }

        impl $name {
            /// Every known variant, in the order the spec lists them.
            pub const KNOWN: &'static [Self] = &[$(Self::$variant),+];

            /// The wire value: the canonical spelling for a known variant, the received text
            /// for `Unknown`.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Unknown(value) => value,
                }
            }

            /// Decodes a wire value: case-insensitive, aliases accepted, anything else kept as
            /// `Unknown`.
            pub fn from_wire(value: &str) -> Self {
                $(
                    if value.eq_ignore_ascii_case($wire)
                        $(|| value.eq_ignore_ascii_case($alias))*
                    {
                        return Self::$variant;
                    }
                )+
                Self::Unknown(value.to_owned())
            }

            /// Whether this is a value the crate does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl crate::wire::OpenEnum for $name {
            fn from_wire(value: &str) -> Self {
                Self::from_wire(value)
            }

            fn as_str(&self) -> &str {
                Self::as_str(self)
            }

            fn is_unknown(&self) -> bool {
                Self::is_unknown(self)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_wire(value))
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::from_wire(value)
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match Self::from_wire(&value) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;

                impl ::serde::de::Visitor<'_> for Visitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a string (", stringify!($name), ")"))
                    }

                    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> Result<$name, E> {
                        Ok($name::from_wire(value))
                    }

                    fn visit_string<E: ::serde::de::Error>(self, value: String) -> Result<$name, E> {
                        Ok($name::from(value))
                    }
                }

                deserializer.deserialize_str(Visitor)
            }
        }
    };
}

pub(crate) use open_enum;

#[cfg(test)]
mod tests {
    use entity::LegalEntity;

    // Declared in a module of its own: the macro makes public items, unused here.
    #[allow(unreachable_pub, dead_code)]
    mod entity {
        open_enum! {
        /// Who the customer is.
        pub enum LegalEntity {
            /// A person.
            Consumer = "consumer",
            /// A company.
            Organisation = "organisation" | "organization" | "business",
        }
        }
    }

    #[test]
    fn aliases_and_case_variants_decode_to_the_variant() {
        for wire in ["organisation", "Organization", "BUSINESS"] {
            let json = serde_json::to_string(wire).unwrap();
            let entity: LegalEntity = serde_json::from_str(&json).unwrap();
            assert_eq!(entity, LegalEntity::Organisation, "{wire}");
            assert_eq!(serde_json::to_string(&entity).unwrap(), r#""organisation""#);
        }
        assert_eq!(
            LegalEntity::KNOWN,
            [LegalEntity::Consumer, LegalEntity::Organisation]
        );
    }

    #[test]
    fn unknown_values_are_kept_verbatim() {
        let entity = LegalEntity::from(String::from("Trust"));
        assert_eq!(entity, LegalEntity::Unknown(String::from("Trust")));
        assert_eq!(entity.as_str(), "Trust");
        assert_eq!(serde_json::to_string(&entity).unwrap(), r#""Trust""#);
    }
}
