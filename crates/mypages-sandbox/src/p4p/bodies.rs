//! Reading PayFunc request bodies field by field: items, schedules, customers, methods.

use super::*;

pub(super) fn read_item(raw: &RawValue, path: &str) -> Result<Item, BodyError> {
    let object = JsonObject::from_raw(raw, path, false)?;
    let item = Item {
        number: object.opt_str("number")?,
        name: object.opt_str("name")?,
        price: object.opt_decimal("price")?,
        quantity: object.opt_decimal("quantity")?,
        unit: object.opt_str("unit")?,
        vat: object.opt_decimal("vat")?,
        rebate: object.opt_decimal("rebate")?,
    };
    if item.vat.is_some() && item.price.is_none() {
        return Err(BodyError::field(object.name("vat"), "needs price"));
    }
    if item.quantity.is_some_and(|q| q <= Decimal::ZERO) {
        return Err(BodyError::field(
            object.name("quantity"),
            "must be more than 0",
        ));
    }
    Ok(item)
}

/// Items: a number > 0, an Item, or an array of Items, whose total a decimal holds.
pub(super) fn read_items(raw: &RawValue, path: &str) -> Result<Items, BodyError> {
    let items = read_items_shape(raw, path)?;
    if items.checked_total().is_none() {
        return Err(BodyError::field(
            path,
            "adds up to more than an amount can hold",
        ));
    }
    Ok(items)
}

fn read_items_shape(raw: &RawValue, path: &str) -> Result<Items, BodyError> {
    match wire::shape(raw) {
        Shape::Number => {
            let value = wire::decimal_from_json_text(raw.get()).ok_or_else(|| {
                BodyError::field(path, "must be a number with at most 28 significant digits")
            })?;
            if value <= Decimal::ZERO {
                return Err(BodyError::field(path, "must be more than 0"));
            }
            Ok(Items::Amount(value))
        }
        Shape::Object => Ok(Items::One(read_item(raw, path)?)),
        Shape::Array => {
            let list: Vec<Box<RawValue>> = serde_json::from_str(raw.get())
                .map_err(|_| BodyError::field(path, "must be an array of items"))?;
            let items = list
                .iter()
                .enumerate()
                .map(|(i, raw)| read_item(raw, &format!("{path}[{i}]")))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Items::List(items))
        }
        _ => Err(BodyError::field(
            path,
            "must be a number, an item or an array of items",
        )),
    }
}

pub(super) const FREQUENCIES: [&str; 5] = ["daily", "weekly", "monthly", "quarterly", "yearly"];

/// A schedule: a frequency string or `{frequency, divisor?, offset?}`; returns its frequency.
pub(super) fn read_schedule(raw: &RawValue, path: &str) -> Result<String, BodyError> {
    let frequency = |text: &str| {
        FREQUENCIES
            .iter()
            .find(|f| f.eq_ignore_ascii_case(text))
            .map(|f| (*f).to_owned())
            .ok_or_else(|| {
                BodyError::field(path, "must be daily, weekly, monthly, quarterly or yearly")
            })
    };
    match wire::shape(raw) {
        Shape::String => frequency(&serde_json::from_str::<String>(raw.get()).unwrap_or_default()),
        Shape::Object => {
            let object = JsonObject::from_raw(raw, path, false)?;
            let found = frequency(&object.str("frequency")?)?;
            for part in ["divisor", "offset"] {
                if let Some(value) = object.raw(part)? {
                    let ok = match wire::shape(value) {
                        Shape::Number => serde_json::from_str::<i64>(value.get()).is_ok(),
                        Shape::Array => serde_json::from_str::<Vec<i64>>(value.get())
                            .is_ok_and(|v| v.len() == 2),
                        _ => false,
                    };
                    if !ok {
                        return Err(BodyError::field(
                            object.name(part),
                            "must be an integer or a pair of integers",
                        ));
                    }
                }
            }
            Ok(found)
        }
        _ => Err(BodyError::field(
            path,
            "must be a frequency or a schedule object",
        )),
    }
}

/// Copies the listed string fields of `object` that are present into a JSON object.
pub(super) fn string_fields(
    object: &JsonObject,
    fields: &[&str],
) -> Result<serde_json::Map<String, serde_json::Value>, BodyError> {
    let mut out = serde_json::Map::new();
    for field in fields {
        if let Some(value) = object.opt_str(field)? {
            out.insert((*field).to_owned(), serde_json::Value::String(value));
        }
    }
    Ok(out)
}

/// A string, or an object of the listed string fields (email, phone).
pub(super) fn string_or_fields(
    raw: &RawValue,
    path: &str,
    fields: &[&str],
) -> Result<serde_json::Value, BodyError> {
    match wire::shape(raw) {
        Shape::String => Ok(serde_json::Value::String(
            serde_json::from_str(raw.get())
                .map_err(|_| BodyError::field(path, "must be a string"))?,
        )),
        Shape::Object => Ok(serde_json::Value::Object(string_fields(
            &JsonObject::from_raw(raw, path, false)?,
            fields,
        )?)),
        _ => Err(BodyError::field(path, "must be a string or an object")),
    }
}

pub(super) const ADDRESS_FIELDS: [&str; 4] = ["street", "zipCode", "city", "countryCode"];
pub(super) const ADDRESS_PURPOSES: [&str; 4] = ["primary", "billing", "delivery", "visit"];

/// One address, or addresses by purpose.
pub(super) fn read_address(raw: &RawValue, path: &str) -> Result<serde_json::Value, BodyError> {
    let object = JsonObject::from_raw(raw, path, false)?;
    let mut by_purpose = serde_json::Map::new();
    for purpose in ADDRESS_PURPOSES {
        if let Some(address) = object.opt_object(purpose)? {
            by_purpose.insert(
                purpose.to_owned(),
                serde_json::Value::Object(string_fields(&address, &ADDRESS_FIELDS)?),
            );
        }
    }
    if by_purpose.is_empty() {
        Ok(serde_json::Value::Object(string_fields(
            &object,
            &ADDRESS_FIELDS,
        )?))
    } else {
        Ok(serde_json::Value::Object(by_purpose))
    }
}

/// A customer, checked field by field and kept with its known fields only.
pub(super) fn read_customer(raw: &RawValue, path: &str) -> Result<serde_json::Value, BodyError> {
    let object = JsonObject::from_raw(raw, path, false)?;
    let mut out = string_fields(&object, &["type", "identityNumber", "id", "number", "name"])?;
    // `type` is the one member the documents do not mark optional (RESEARCH.md#3 Customer).
    if !out.contains_key("type") {
        return Err(BodyError::field(
            object.name("type"),
            "is required (person or organisation)",
        ));
    }
    if let Some(serde_json::Value::String(kind)) = out.get("type") {
        if !["person", "organisation", "organization"].contains(&kind.to_ascii_lowercase().as_str())
        {
            return Err(BodyError::field(
                object.name("type"),
                "must be person or organisation",
            ));
        }
    }
    if let Some(serde_json::Value::String(number)) = out.get("identityNumber") {
        let digits = number.chars().filter(char::is_ascii_digit).count();
        if !(digits == 10 || digits == 12)
            || number
                .chars()
                .any(|c| !c.is_ascii_digit() && c != '-' && c != '+')
        {
            return Err(BodyError::field(
                object.name("identityNumber"),
                "must have 10 or 12 digits",
            ));
        }
    }
    if let Some(address) = object.raw("address")? {
        out.insert(
            "address".into(),
            read_address(address, &object.name("address"))?,
        );
    }
    if let Some(email) = object.raw("email")? {
        out.insert(
            "email".into(),
            string_or_fields(email, &object.name("email"), &["primary", "billing"])?,
        );
    }
    if let Some(phone) = object.raw("phone")? {
        out.insert(
            "phone".into(),
            string_or_fields(
                phone,
                &object.name("phone"),
                &["primary", "cellphone", "landline"],
            )?,
        );
    }
    Ok(serde_json::Value::Object(out))
}

pub(super) fn read_currency(object: &JsonObject, field: &str) -> Result<Option<String>, BodyError> {
    object
        .opt_str(field)?
        .map(|currency| {
            if currency.len() == 3 && currency.chars().all(|c| c.is_ascii_alphabetic()) {
                Ok(currency.to_ascii_uppercase())
            } else {
                Err(BodyError::field(
                    object.name(field),
                    "must be a 3-letter currency code",
                ))
            }
        })
        .transpose()
}

/// A method from `{type: "token", card}`; the sandbox derives the card's details from the token.
pub(super) fn method_from_token(card: String, today: time::Date) -> Method {
    let digits: u32 = card.bytes().map(u32::from).sum();
    let (scheme, iin, last4) = match digits % 3 {
        0 => ("visa", "411111", "1111"),
        1 => ("mastercard", "555555", "4444"),
        _ => ("visa", "400000", "0077"),
    };
    let year = u8::try_from((today.year() + 3).rem_euclid(100)).unwrap_or(30);
    Method {
        kind: "card",
        created: OffsetDateTime::now_utc(),
        token: card,
        scheme,
        iin: iin.into(),
        last4: last4.into(),
        expires: [u8::try_from(digits % 12 + 1).unwrap_or(1), year],
    }
}

pub(super) fn read_method(
    raw: &RawValue,
    path: &str,
    today: time::Date,
) -> Result<Method, BodyError> {
    let object = JsonObject::from_raw(raw, path, false)?;
    let kind = object.str("type")?;
    if kind != "token" {
        return Err(BodyError::field(object.name("type"), "must be \"token\""));
    }
    Ok(method_from_token(object.non_empty_str("card")?, today))
}
