//! Lossless decoding: what the generated structs keep of the received JSON beyond their typed
//! fields, so that encoding a decoded value gives back the JSON value the provider sent.
//!
//! A generated struct reads each member through a [`Form`], which knows how to decode and
//! encode one field type and tells when writing the decoded value back would not reproduce
//! what was received (an enum value in another case, `sek` for `SEK`; a date as `20211127`; a
//! decimal in a string). The struct then keeps the received JSON text of that member in its
//! [`Wire`], together with the members it does not model, the alias a member was spelled with
//! and which members were `null`. Encoding writes a kept text back only while the field still
//! holds the value decoded from it, so a value changed by the user is written as changed.
//!
//! None of this is public API: the generated code uses it, and `unknown_members()` on every
//! generated struct exposes the members a struct does not model.

// Which parts the generated code uses depends on the provider features enabled.
#![allow(dead_code)]

use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeSeed, Error as _, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::codec::Codec;

/// A decoded value with what to keep of the received JSON so that writing the value back
/// reproduces it.
pub(crate) type Kept<T> = (T, Keep);

/// What a field keeps of the received JSON.
pub(crate) enum Keep {
    /// Nothing: the value is written back as received.
    Nothing,
    /// An enum value written in lower case (`sek` for `SEK`): kept without allocating.
    Lower,
    /// An enum value written in upper case.
    Upper,
    /// The received JSON text.
    Text(Box<RawValue>),
}

impl Keep {
    /// The text, if there is one.
    pub(crate) fn text(raw: Option<Box<RawValue>>) -> Self {
        raw.map_or(Self::Nothing, Self::Text)
    }
}

/// What a generated struct keeps of the received JSON beyond its typed fields. Equality looks
/// at the unknown members only: spellings, kept texts and `null`s do not change a value.
#[derive(Clone, Default)]
pub(crate) struct Wire {
    /// Fields received as `null` (bit = field index).
    nulls: u64,
    /// Enum fields received in lower (`01`) or upper case (`10`): two bits a field, for the
    /// first 32 fields.
    cases: u64,
    /// Required nullable fields that were absent.
    absent: u64,
    /// Everything else; most answers need none of it.
    more: Option<Box<More>>,
}

#[derive(Clone, Default)]
struct More {
    unknown: Vec<(String, Box<RawValue>)>,
    kept: Vec<(u8, Box<RawValue>)>,
    names: Vec<(u8, &'static str)>,
}

impl PartialEq for Wire {
    fn eq(&self, other: &Self) -> bool {
        let (mine, theirs) = (self.unknown_members(), other.unknown_members());
        mine.len() == theirs.len()
            && mine
                .iter()
                .zip(theirs)
                .all(|((a, x), (b, y))| a == b && x.get() == y.get())
    }
}

impl Eq for Wire {}

impl fmt::Debug for Wire {
    /// Names the unknown members only: their values may hold anything, identity numbers too.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.unknown_members().iter().map(|(name, _)| name))
            .finish()
    }
}

impl Wire {
    fn more(&mut self) -> &mut More {
        self.more.get_or_insert_with(Box::default)
    }

    /// The members the struct does not model, in the order received.
    pub(crate) fn unknown_members(&self) -> &[(String, Box<RawValue>)] {
        self.more.as_deref().map_or(&[], |more| &more.unknown)
    }

    /// Keeps a member the struct does not model. Out of line, as the other rare paths: the
    /// generated decoders stay small where every member passes.
    #[cold]
    #[inline(never)]
    pub(crate) fn unknown(&mut self, name: String, value: Box<RawValue>) {
        self.more().unknown.push((name, compact(value)));
    }

    /// Records that field `index` was spelled `name` (an alias).
    #[cold]
    #[inline(never)]
    pub(crate) fn spelled(&mut self, index: u8, name: &'static str) {
        self.more().names.push((index, name));
    }

    /// Records that the required nullable field `index` was absent.
    pub(crate) fn absent(&mut self, index: u8) {
        self.absent |= 1 << index;
    }

    fn name(&self, index: u8, name: &'static str) -> &'static str {
        self.more
            .as_deref()
            .and_then(|more| more.names.iter().find(|(i, _)| *i == index))
            .map_or(name, |(_, name)| name)
    }

    fn kept(&self, index: u8) -> Option<&RawValue> {
        self.more
            .as_deref()
            .and_then(|more| more.kept.iter().find(|(i, _)| *i == index))
            .map(|(_, raw)| &**raw)
    }

    #[inline]
    fn keep<F: Form>(&mut self, index: u8, value: &F::Value, keep: Keep) {
        let upper = match keep {
            Keep::Nothing => return,
            Keep::Text(raw) => return self.keep_text(index, raw),
            Keep::Lower => false,
            Keep::Upper => true,
        };
        if index < 32 {
            self.cases |= (if upper { 2 } else { 1 }) << (2 * u32::from(index));
        } else if let Some(raw) = F::cased(value, upper).and_then(|text| string_text(&text).ok()) {
            self.keep_text(index, raw);
        }
    }

    /// Keeps the received text of field `index`.
    #[cold]
    #[inline(never)]
    fn keep_text(&mut self, index: u8, raw: Box<RawValue>) {
        self.more().kept.push((index, raw));
    }

    /// Reads the value of field `index` through form `F`.
    #[inline]
    pub(crate) fn take<'de, A: MapAccess<'de>, F: Form>(
        &mut self,
        map: &mut A,
        index: u8,
    ) -> Result<F::Value, A::Error> {
        map.next_value_seed(Take::<F>(self, index, PhantomData))
    }

    /// Reads the value of the optional field `index` through form `F`; `null` is `None`.
    #[inline]
    pub(crate) fn take_option<'de, A: MapAccess<'de>, F: Form>(
        &mut self,
        map: &mut A,
        index: u8,
    ) -> Result<Option<F::Value>, A::Error> {
        map.next_value_seed(TakeOption::<F>(self, index, PhantomData))
    }

    /// Writes field `index` (wire name `name`) through form `F`.
    pub(crate) fn put<M: SerializeMap, F: Form>(
        &self,
        map: &mut M,
        index: u8,
        name: &'static str,
        value: &F::Value,
    ) -> Result<(), M::Error> {
        let name = self.name(index, name);
        if index < 32 {
            let case = (self.cases >> (2 * u32::from(index))) & 3;
            if case != 0
                && let Some(text) = F::cased(value, case == 2)
            {
                return map.serialize_entry(name, &text);
            }
        }
        if let Some(raw) = self.kept(index)
            && decode_text::<F>(raw.get()).is_ok_and(|kept| kept == *value)
        {
            return map.serialize_entry(name, raw);
        }
        map.serialize_entry(name, &Put::<F>(value, PhantomData))
    }

    /// Writes the optional field `index`: `None` is left out, or written `null` if it was
    /// received so or the field is `required` (and was not absent).
    pub(crate) fn put_option<M: SerializeMap, F: Form>(
        &self,
        map: &mut M,
        index: u8,
        name: &'static str,
        value: Option<&F::Value>,
        required: bool,
    ) -> Result<(), M::Error> {
        match value {
            Some(value) => self.put::<M, F>(map, index, name, value),
            None if self.nulls & (1 << index) != 0
                || (required && self.absent & (1 << index) == 0) =>
            {
                map.serialize_entry(self.name(index, name), &())
            }
            None => Ok(()),
        }
    }

    /// Writes the unknown members.
    pub(crate) fn put_unknown<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        for (name, value) in self.unknown_members() {
            map.serialize_entry(name, value)?;
        }
        Ok(())
    }
}

/// How one field type is decoded and encoded.
pub(crate) trait Form {
    /// The Rust type of the field.
    type Value: PartialEq;
    /// Whether writing a decoded value back always reproduces the received JSON value.
    const EXACT: bool;
    /// Decodes a value.
    fn de<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self::Value, D::Error>;
    /// Encodes a value.
    fn ser<S: Serializer>(value: &Self::Value, serializer: S) -> Result<S::Ok, S::Error>;
    /// Decodes a value, with the received JSON text when writing the value back would not
    /// reproduce it. The default keeps the text whenever the re-encoded value differs (member
    /// order aside).
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Kept<Self::Value>, D::Error> {
        if Self::EXACT {
            return Ok((Self::de(deserializer)?, Keep::Nothing));
        }
        let raw = compact(Box::<RawValue>::deserialize(deserializer)?);
        let value = decode_text::<Self>(raw.get()).map_err(D::Error::custom)?;
        let again =
            serde_json::to_string(&Put::<Self>(&value, PhantomData)).map_err(D::Error::custom)?;
        // Another member order is the same value: keep the text only when the value differs.
        let same = again == raw.get() || sorted(&again) == sorted(raw.get());
        Ok((value, Keep::text((!same).then_some(raw))))
    }

    /// Decodes a list of values.
    fn de_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Self::Value>, D::Error>
    where
        Self: Sized,
    {
        let list = Vec::<Get<Self>>::deserialize(deserializer)?;
        Ok(list.into_iter().map(|Get(value)| value).collect())
    }

    /// The value in lower or upper case, for an enum (see [`Keep::Lower`]).
    fn cased(_value: &Self::Value, _upper: bool) -> Option<String> {
        None
    }
}

/// The JSON text without the whitespace between tokens, so that a kept text compares with
/// the encoder's output and sits in a pretty-printed document without its old indentation.
fn compact(raw: Box<RawValue>) -> Box<RawValue> {
    let text = raw.get();
    let spaced = |b: &u8| matches!(b, b' ' | b'\n' | b'\r' | b'\t');
    if !text.as_bytes().iter().any(spaced) {
        return raw;
    }
    let mut out = String::with_capacity(text.len());
    let (mut quoted, mut escaped) = (false, false);
    for c in text.chars() {
        if quoted {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => quoted = false,
                _ => {}
            }
        } else if !matches!(c, ' ' | '\n' | '\r' | '\t') {
            quoted = c == '"';
            out.push(c);
        }
    }
    RawValue::from_string(out).unwrap_or(raw)
}

/// A JSON text with the members of every object sorted by name, numbers and strings as
/// written: two texts are the same value, member order aside, when these are equal. `None`
/// for text that is not JSON.
fn sorted(text: &str) -> Option<String> {
    let text = text.trim();
    Some(match text.as_bytes().first() {
        Some(b'{') => {
            let members: std::collections::BTreeMap<String, &RawValue> =
                serde_json::from_str(text).ok()?;
            let mut out = String::from("{");
            for (i, (name, value)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(name).ok()?);
                out.push(':');
                out.push_str(&sorted(value.get())?);
            }
            out.push('}');
            out
        }
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(text).ok()?;
            let items: Option<Vec<String>> = items.iter().map(|v| sorted(v.get())).collect();
            format!("[{}]", items?.join(","))
        }
        Some(b'"') => serde_json::to_string(&serde_json::from_str::<String>(text).ok()?).ok()?,
        _ => text.to_owned(),
    })
}

/// Decodes a value of form `F` from JSON text.
fn decode_text<F: Form + ?Sized>(text: &str) -> Result<F::Value, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = F::de(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// Reads a field's value through form `F` into the `Wire` of its struct (field `.1`): the value
/// is returned, what to keep of the received JSON is recorded. A form that is always written
/// back as received is read by its decoder alone, with no bookkeeping at all.
struct Take<'w, F>(&'w mut Wire, u8, PhantomData<F>);

impl<'de, F: Form> DeserializeSeed<'de> for Take<'_, F> {
    type Value = F::Value;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<F::Value, D::Error> {
        if F::EXACT {
            return F::de(deserializer);
        }
        let (value, keep) = F::read(deserializer)?;
        self.0.keep::<F>(self.1, &value, keep);
        Ok(value)
    }
}

/// [`Take`] for an optional field: `null` is `None`, recorded as received.
struct TakeOption<'w, F>(&'w mut Wire, u8, PhantomData<F>);

impl<'de, F: Form> DeserializeSeed<'de> for TakeOption<'_, F> {
    type Value = Option<F::Value>;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, F: Form> Visitor<'de> for TakeOption<'_, F> {
    type Value = Option<F::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or null")
    }

    #[inline]
    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        self.0.nulls |= 1 << self.1;
        Ok(None)
    }

    #[inline]
    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        self.visit_none()
    }

    #[inline]
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        Take::<F>(self.0, self.1, PhantomData)
            .deserialize(deserializer)
            .map(Some)
    }
}

/// A value written through form `F`.
struct Put<'a, F: Form + ?Sized>(&'a F::Value, PhantomData<F>);

impl<F: Form + ?Sized> Serialize for Put<'_, F> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        F::ser(self.0, serializer)
    }
}

/// A value read through form `F`, without the kept text.
struct Get<F: Form>(F::Value);

impl<'de, F: Form> Deserialize<'de> for Get<F> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        F::de(deserializer).map(Self)
    }
}

/// A type whose serde form is written back as received (strings, numbers, booleans, the
/// generated structs, which keep what they need themselves).
pub(crate) struct Exact<T>(PhantomData<T>);

impl<T: Serialize + for<'de> Deserialize<'de> + PartialEq> Form for Exact<T> {
    type Value = T;
    const EXACT: bool = true;

    fn de<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        T::deserialize(deserializer)
    }

    fn ser<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }

    fn de_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
        Vec::<T>::deserialize(deserializer)
    }
}

/// A type whose serde form may not be written back as received (raw JSON values, unions
/// holding decimals or enums): the received text is kept when it differs.
pub(crate) struct Plain<T>(PhantomData<T>);

impl<T: Serialize + for<'de> Deserialize<'de> + PartialEq> Form for Plain<T> {
    type Value = T;
    const EXACT: bool = false;

    fn de<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        T::deserialize(deserializer)
    }

    fn ser<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }
}

/// An open enum: matched case-insensitively, the provider's spelling kept.
pub(crate) struct Spelled<E>(PhantomData<E>);

/// The open enums (`crate::open_enum::open_enum!`).
pub(crate) trait OpenEnum: Sized + PartialEq + Serialize {
    /// Decodes a wire value.
    fn from_wire(value: &str) -> Self;
    /// The wire value this crate writes.
    fn as_str(&self) -> &str;
    /// Whether this is a value the crate does not know (written verbatim).
    fn is_unknown(&self) -> bool;
}

impl<E: OpenEnum + for<'de> Deserialize<'de>> Form for Spelled<E> {
    type Value = E;
    const EXACT: bool = false;

    fn de<'de, D: Deserializer<'de>>(deserializer: D) -> Result<E, D::Error> {
        E::deserialize(deserializer)
    }

    fn ser<S: Serializer>(value: &E, serializer: S) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }

    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Kept<E>, D::Error> {
        struct Text<E>(PhantomData<E>);

        impl<E: OpenEnum> Visitor<'_> for Text<E> {
            type Value = Kept<E>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_str<Er: serde::de::Error>(self, text: &str) -> Result<Self::Value, Er> {
                let value = E::from_wire(text);
                let wire = value.as_str();
                let keep = if wire == text {
                    Keep::Nothing
                } else if wire.to_ascii_lowercase_eq(text) {
                    Keep::Lower
                } else if wire.to_ascii_uppercase_eq(text) {
                    Keep::Upper
                } else {
                    Keep::Text(string_text(text).map_err(Er::custom)?)
                };
                Ok((value, keep))
            }
        }

        deserializer.deserialize_str(Text(PhantomData))
    }

    fn cased(value: &E, upper: bool) -> Option<String> {
        if value.is_unknown() {
            return None;
        }
        let text = value.as_str();
        Some(if upper {
            text.to_ascii_uppercase()
        } else {
            text.to_ascii_lowercase()
        })
    }
}

/// Comparisons with a cased copy of a text, without making the copy.
trait CaseEq {
    /// Whether `other` is this text in lower case.
    fn to_ascii_lowercase_eq(&self, other: &str) -> bool;
    /// Whether `other` is this text in upper case.
    fn to_ascii_uppercase_eq(&self, other: &str) -> bool;
}

impl CaseEq for str {
    fn to_ascii_lowercase_eq(&self, other: &str) -> bool {
        self.len() == other.len()
            && self
                .bytes()
                .zip(other.bytes())
                .all(|(a, b)| a.to_ascii_lowercase() == b)
    }

    fn to_ascii_uppercase_eq(&self, other: &str) -> bool {
        self.len() == other.len()
            && self
                .bytes()
                .zip(other.bytes())
                .all(|(a, b)| a.to_ascii_uppercase() == b)
    }
}

/// The JSON text of a string.
fn string_text(text: &str) -> Result<Box<RawValue>, serde_json::Error> {
    RawValue::from_string(serde_json::to_string(text)?)
}

/// A value through one of the codecs of [`crate::codec`], with a check that tells whether a
/// received text is written back as it is.
pub(crate) struct Coded<C, T>(PhantomData<(C, T)>);

/// Whether a codec writes a value back as the received text.
pub(crate) trait Canonical<T>: Codec<T> {
    /// Decodes a value, with the received text if it is not the one `encode` writes.
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Kept<T>, D::Error>;
}

impl<C: Canonical<T>, T: PartialEq> Form for Coded<C, T> {
    type Value = T;
    const EXACT: bool = false;

    fn de<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        C::decode(deserializer)
    }

    fn ser<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        C::encode(value, serializer)
    }

    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Kept<T>, D::Error> {
        C::read(deserializer)
    }
}

/// A text read as a date or date-time: `read` gives the value and whether writing it back
/// gives the same text; the text is kept when it does not.
pub(crate) fn read_text<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    read: impl FnOnce(&str) -> Option<(T, bool)>,
    expected: &str,
) -> Result<Kept<T>, D::Error> {
    let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
    // serde's own `invalid value` form, which the transport's redaction recognises: the
    // text may be anything (an identity number sent in a date field).
    let (value, canonical) = read(&text)
        .ok_or_else(|| D::Error::invalid_value(serde::de::Unexpected::Str(&text), &expected))?;
    let keep = if canonical {
        Keep::Nothing
    } else {
        Keep::Text(string_text(&text).map_err(D::Error::custom)?)
    };
    Ok((value, keep))
}

/// A list of values of form `F`.
pub(crate) struct VecOf<F>(PhantomData<F>);

impl<F: Form> Form for VecOf<F> {
    type Value = Vec<F::Value>;
    const EXACT: bool = F::EXACT;

    fn de<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self::Value, D::Error> {
        F::de_list(deserializer)
    }

    fn ser<S: Serializer>(value: &Self::Value, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(value.iter().map(|value| Put::<F>(value, PhantomData)))
    }
}

/// A map from names to values of form `F`.
pub(crate) struct MapOf<F>(PhantomData<F>);

impl<F: Form> Form for MapOf<F> {
    type Value = std::collections::BTreeMap<String, F::Value>;
    const EXACT: bool = F::EXACT;

    fn de<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self::Value, D::Error> {
        let map = std::collections::BTreeMap::<String, Get<F>>::deserialize(deserializer)?;
        Ok(map
            .into_iter()
            .map(|(key, Get(value))| (key, value))
            .collect())
    }

    fn ser<S: Serializer>(value: &Self::Value, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(
            value
                .iter()
                .map(|(key, value)| (key, Put::<F>(value, PhantomData))),
        )
    }
}

/// A member name of a generated struct: the index of the field, the name as spelled, and
/// whether that spelling is an alias; or a name the struct does not know.
pub(crate) enum Key {
    /// A field of the struct.
    Known(u8, &'static str, bool),
    /// Any other member.
    Unknown(String),
}

/// The name table of a generated struct.
pub(crate) trait Fields {
    /// `name -> (field, spelling, alias)`.
    fn wire_field(name: &str) -> Option<(u8, &'static str, bool)>;
}

/// Reads a member name with the name table of struct `T` (monomorphised, so the table's
/// `match` is inlined as a derived field visitor's is).
pub(crate) struct Keys<T>(PhantomData<T>);

impl<T> Keys<T> {
    /// A reader of `T`'s member names.
    pub(crate) fn new() -> Self {
        Self(PhantomData)
    }
}

impl<'de, T: Fields> DeserializeSeed<'de> for Keys<T> {
    type Value = Key;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<T: Fields> Visitor<'_> for Keys<T> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    #[inline]
    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Key, E> {
        Ok(match T::wire_field(name) {
            Some((field, spelling, alias)) => Key::Known(field, spelling, alias),
            None => Key::Unknown(name.to_owned()),
        })
    }

    fn visit_string<E: serde::de::Error>(self, name: String) -> Result<Key, E> {
        Ok(match T::wire_field(&name) {
            Some((field, spelling, alias)) => Key::Known(field, spelling, alias),
            None => Key::Unknown(name),
        })
    }
}
