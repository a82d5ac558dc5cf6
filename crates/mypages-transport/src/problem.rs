//! RFC 7807 problem documents, read in any key casing.

use serde_json::{Map, Value};

/// An RFC 7807 problem document (`application/problem+json`) returned with an error status.
///
/// Member names are matched case-insensitively, so PayEx's `Type`/`Title`/`Problems` and the
/// lowercase `type`/`title` of other APIs both decode. Members beyond the standard five are
/// kept in [`Problem::extensions`] under their original names.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Problem {
    /// The problem type, e.g. `ledger.account.validation`; kept verbatim.
    pub r#type: Option<String>,
    /// A short human summary.
    pub title: Option<String>,
    /// The HTTP status the provider put in the document (it may differ from the real one).
    pub status: Option<u16>,
    /// A human explanation of this occurrence.
    pub detail: Option<String>,
    /// An identifier of this occurrence, useful when contacting the provider.
    pub instance: Option<String>,
    /// The per-parameter problems of a validation error (PayEx's `Problems` list).
    pub problems: Vec<ProblemField>,
    /// Every other member, under its original name.
    pub extensions: Map<String, Value>,
}

/// One entry of a validation problem's list: which parameter failed and why.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProblemField {
    /// The parameter that failed validation, e.g. `amount`.
    pub name: String,
    /// What is wrong with it.
    pub message: String,
}

impl Problem {
    /// Parses a problem document from a response body.
    ///
    /// Returns `None` unless the body is a JSON object with at least one of the standard
    /// members (`type`, `title`, `status`, `detail`, `instance`) in any casing.
    pub fn from_json(body: &[u8]) -> Option<Problem> {
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
            return None;
        };
        let mut problem = Problem::default();
        let mut standard = false;
        for (key, value) in map {
            match key.to_ascii_lowercase().as_str() {
                "type" if value.is_string() => {
                    problem.r#type = into_string(value);
                    standard = true;
                }
                "title" if value.is_string() => {
                    problem.title = into_string(value);
                    standard = true;
                }
                "detail" if value.is_string() => {
                    problem.detail = into_string(value);
                    standard = true;
                }
                "instance" if value.is_string() => {
                    problem.instance = into_string(value);
                    standard = true;
                }
                "status" if status_of(&value).is_some() => {
                    problem.status = status_of(&value);
                    standard = true;
                }
                "problems" if value.is_array() => problem.problems = fields_of(value),
                _ => {
                    problem.extensions.insert(key, value);
                }
            }
        }
        standard.then_some(problem)
    }

    /// The problem type with any provider prefix kept, or `""` when absent.
    pub fn type_str(&self) -> &str {
        self.r#type.as_deref().unwrap_or("")
    }
}

fn into_string(value: Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text),
        _ => None,
    }
}

fn status_of(value: &Value) -> Option<u16> {
    match value {
        Value::Number(number) => number.as_u64().and_then(|n| u16::try_from(n).ok()),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// Reads PayEx's `Problems` list: each entry is either `{"<field>": "<message>"}` or
/// `{"name": "<field>", "description": "<message>"}` (any casing).
fn fields_of(value: Value) -> Vec<ProblemField> {
    let Value::Array(entries) = value else {
        return Vec::new();
    };
    let mut fields = Vec::new();
    for entry in entries {
        match entry {
            Value::Object(map) => {
                let lookup = |wanted: &str| {
                    map.iter()
                        .find(|(key, _)| key.eq_ignore_ascii_case(wanted))
                        .map(|(_, value)| text_of(value))
                };
                if let Some(name) = lookup("name") {
                    let message = lookup("description")
                        .or_else(|| lookup("message"))
                        .unwrap_or_default();
                    fields.push(ProblemField { name, message });
                } else {
                    fields.extend(map.iter().map(|(name, message)| ProblemField {
                        name: name.clone(),
                        message: text_of(message),
                    }));
                }
            }
            other => fields.push(ProblemField {
                name: String::new(),
                message: text_of(&other),
            }),
        }
    }
    fields
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_case_payex_validation_problem() {
        let body = br#"{
          "Type" : "ledger.account.validation",
          "Title" : "A validation error occurred",
          "Status" : 400,
          "Instance" : "215d4206-ca35-4f43-85ad-169c8f6d4ec1",
          "Detail" : "Please fix the problems.",
          "Problems" : [ { "amount" : "Expected value between [0,01]-[7] actual [0]" } ],
          "TraceId": "abc"
        }"#;
        let problem = Problem::from_json(body).unwrap();
        assert_eq!(problem.type_str(), "ledger.account.validation");
        assert_eq!(
            problem.title.as_deref(),
            Some("A validation error occurred")
        );
        assert_eq!(problem.status, Some(400));
        assert_eq!(
            problem.instance.as_deref(),
            Some("215d4206-ca35-4f43-85ad-169c8f6d4ec1")
        );
        assert_eq!(problem.detail.as_deref(), Some("Please fix the problems."));
        assert_eq!(problem.problems.len(), 1);
        assert_eq!(problem.problems[0].name, "amount");
        assert!(problem.problems[0].message.starts_with("Expected value"));
        assert_eq!(problem.extensions["TraceId"], "abc");
    }

    #[test]
    fn lowercase_problem_and_name_description_entries() {
        let body = br#"{"type":"ledger/account-transaction/v1/problems/validation","title":"t",
            "status":"422","detail":"d","problems":[{"name":"x","description":"bad"}]}"#;
        let problem = Problem::from_json(body).unwrap();
        assert_eq!(
            problem.type_str(),
            "ledger/account-transaction/v1/problems/validation"
        );
        assert_eq!(problem.status, Some(422));
        assert_eq!(
            problem.problems,
            vec![ProblemField {
                name: "x".into(),
                message: "bad".into()
            }]
        );
    }

    #[test]
    fn payfunc_error_keeps_content_as_extension() {
        let body = br#"{"status":400,"type":"invalid content","content":{"type":"model.Order.Creatable","description":"bad"}}"#;
        let problem = Problem::from_json(body).unwrap();
        assert_eq!(problem.type_str(), "invalid content");
        assert_eq!(
            problem.extensions["content"]["type"],
            "model.Order.Creatable"
        );
    }

    #[test]
    fn standard_members_of_the_wrong_type_are_extensions() {
        let body = br#"{"title":"t","Type":5,"detail":null,"instance":[1],"status":"abc",
            "problems":"not a list"}"#;
        let problem = Problem::from_json(body).unwrap();
        assert_eq!(problem.title.as_deref(), Some("t"));
        assert_eq!(
            (&problem.r#type, &problem.detail, &problem.instance),
            (&None, &None, &None)
        );
        assert_eq!(problem.status, None);
        assert!(problem.problems.is_empty());
        let mut kept: Vec<&str> = problem.extensions.keys().map(String::as_str).collect();
        kept.sort_unstable();
        assert_eq!(kept, ["Type", "detail", "instance", "problems", "status"]);
        // Wrongly typed standard members alone do not make a problem document.
        assert!(Problem::from_json(br#"{"type":5,"title":null,"status":"x"}"#).is_none());
    }

    #[test]
    fn non_problem_bodies_are_none() {
        assert!(Problem::from_json(b"").is_none());
        assert!(Problem::from_json(b"<html>").is_none());
        assert!(Problem::from_json(b"[1,2]").is_none());
        assert!(Problem::from_json(br#"{"message":"x"}"#).is_none());
    }
}
